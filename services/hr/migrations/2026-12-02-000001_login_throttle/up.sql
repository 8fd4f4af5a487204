-- Failed logins and API-key exchanges, per account (or key) and per client address: the
-- counts behind the growing lockout (docs/security.md, logins). A success deletes the rows.
CREATE TABLE login_throttle (
    subject         TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL CHECK (failures > 0),
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ
);
