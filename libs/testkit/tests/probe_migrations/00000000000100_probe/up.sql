CREATE TABLE probe_things (
    id         UUID PRIMARY KEY,
    label      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE probe_effects (
    event_id   UUID PRIMARY KEY,
    thing_id   UUID NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE probe_switch (id INTEGER PRIMARY KEY, fail BOOLEAN NOT NULL);
INSERT INTO probe_switch VALUES (1, false);
