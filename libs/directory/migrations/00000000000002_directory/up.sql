-- Local copy of hr's employees, built from hr.employee.changed: approvals and record visibility
-- read it without calling hr.
CREATE TABLE directory_employees (
    id              UUID PRIMARY KEY,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    email           TEXT,
    department_id   UUID,
    department_code TEXT,
    department_name TEXT,
    manager_id      UUID,
    position        TEXT,
    roles           TEXT[] NOT NULL DEFAULT '{}',
    active          BOOLEAN NOT NULL,
    revision        BIGINT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX directory_employees_department ON directory_employees (department_id);
CREATE INDEX directory_employees_manager ON directory_employees (manager_id);
