-- The authority matrix: which role approves which document under which condition, in which
-- step. Data, edited at run time by a general_manager; evaluated when a document is submitted.
CREATE TABLE approval_rules (
    id            UUID PRIMARY KEY,
    document_type TEXT NOT NULL,
    condition     TEXT NOT NULL CHECK (condition IN ('below_floor_price', 'credit_terms', 'over_credit_limit',
                                                     'margin_below', 'total_above', 'otherwise')),
    -- percent for margin_below, an amount in `currency` for total_above
    threshold     NUMERIC(20, 4),
    currency      TEXT,
    approver_role TEXT NOT NULL,
    step          INTEGER NOT NULL CHECK (step >= 1),
    active        BOOLEAN NOT NULL DEFAULT true,
    version       BIGINT NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (condition NOT IN ('margin_below', 'total_above') OR threshold IS NOT NULL),
    CHECK (condition <> 'total_above' OR currency IS NOT NULL)
);
CREATE INDEX approval_rules_document ON approval_rules (document_type, step);

-- One submission of a document: the facts it was judged on and where it stands. A document has
-- at most one pending request; a rejected or withdrawn one may be submitted again (new request).
CREATE TABLE approval_requests (
    id                   UUID PRIMARY KEY,
    document_type        TEXT NOT NULL,
    document_id          UUID NOT NULL,
    document_number      TEXT NOT NULL,
    submitted_by         UUID NOT NULL,
    submitter_department UUID,
    status               TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    -- the step number waiting for decisions (0 when nothing was needed)
    current_step         INTEGER NOT NULL,
    facts                JSONB NOT NULL,
    withdrawn_by         UUID,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_at           TIMESTAMPTZ,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX approval_requests_one_pending ON approval_requests (document_type, document_id)
    WHERE status = 'pending';
CREATE INDEX approval_requests_document ON approval_requests (document_type, document_id, created_at DESC);
CREATE INDEX approval_requests_status ON approval_requests (status, id DESC);
CREATE INDEX approval_requests_submitter ON approval_requests (submitted_by);

-- The planned steps of a request and, once made, their decisions: the approval history.
CREATE TABLE approval_steps (
    id              UUID PRIMARY KEY,
    request_id      UUID NOT NULL REFERENCES approval_requests (id),
    step            INTEGER NOT NULL CHECK (step >= 1),
    approver_role   TEXT NOT NULL,
    reasons         TEXT[] NOT NULL DEFAULT '{}',
    decision        TEXT CHECK (decision IN ('approved', 'rejected')),
    decided_by      UUID,
    decided_by_name TEXT,
    comment         TEXT,
    decided_at      TIMESTAMPTZ,
    UNIQUE (request_id, step, approver_role),
    CHECK ((decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX approval_steps_open ON approval_steps (approver_role, step) WHERE decision IS NULL;
CREATE INDEX approval_steps_decided_by ON approval_steps (decided_by) WHERE decided_by IS NOT NULL;
