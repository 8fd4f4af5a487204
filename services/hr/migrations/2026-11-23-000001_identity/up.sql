CREATE TABLE departments (
    id         UUID PRIMARY KEY,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    parent_id  UUID REFERENCES departments (id),
    manager_id UUID,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE UNIQUE INDEX departments_code_key ON departments (lower(code));

CREATE TABLE employees (
    id                  UUID PRIMARY KEY,
    code                TEXT NOT NULL,
    name                TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    department_id       UUID REFERENCES departments (id),
    manager_id          UUID REFERENCES employees (id),
    position            TEXT,
    roles               TEXT[] NOT NULL DEFAULT '{employee}',
    active              BOOLEAN NOT NULL DEFAULT true,
    password_hash       TEXT,
    password_changed_at TIMESTAMPTZ,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (manager_id IS DISTINCT FROM id)
);
CREATE UNIQUE INDEX employees_code_key ON employees (lower(code));
CREATE UNIQUE INDEX employees_email_key ON employees (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX employees_department ON employees (department_id);
CREATE INDEX employees_manager ON employees (manager_id);

ALTER TABLE departments ADD CONSTRAINT departments_manager_fkey FOREIGN KEY (manager_id) REFERENCES employees (id);

CREATE TABLE refresh_tokens (
    id          UUID PRIMARY KEY,
    employee_id UUID NOT NULL REFERENCES employees (id),
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_employee ON refresh_tokens (employee_id);

CREATE TABLE api_keys (
    id           UUID PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL UNIQUE,
    key_hash     TEXT NOT NULL,
    roles        TEXT[] NOT NULL,
    created_by   UUID NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
