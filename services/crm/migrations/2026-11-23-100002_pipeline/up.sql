-- Sales follow-up (DOMAIN.md process 3): marketing leads, opportunities with their stage
-- history, and the activity log of calls, visits, e-mails, meetings and notes.

CREATE TABLE leads (
    id                UUID PRIMARY KEY,
    channel           TEXT NOT NULL CHECK (channel IN ('seo', 'google_ads', 'facebook', 'zalo', 'website',
                          'exhibition', 'referral')),
    kind              TEXT NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'person')),
    name              TEXT NOT NULL,
    contact_name      TEXT,
    phone             TEXT,
    email             TEXT,
    need              TEXT,
    status            TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'converted', 'disqualified')),
    created_by        UUID NOT NULL,
    created_by_name   TEXT NOT NULL,
    assigned_to       UUID,
    assigned_to_name  TEXT,
    -- The assignee's department (from the directory) when assigned: what a sales manager sees.
    department_id     UUID,
    assigned_at       TIMESTAMPTZ,
    customer_id       UUID REFERENCES customers (id),
    opportunity_id    UUID,
    disqualify_reason TEXT,
    closed_by         UUID,
    closed_at         TIMESTAMPTZ,
    search_text       TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (status = 'new' OR assigned_to IS NOT NULL OR status = 'disqualified'),
    CHECK (status <> 'converted' OR customer_id IS NOT NULL),
    CHECK (status <> 'disqualified' OR disqualify_reason IS NOT NULL)
);
CREATE INDEX leads_created_by ON leads (created_by);
CREATE INDEX leads_assigned_to ON leads (assigned_to);
CREATE INDEX leads_department ON leads (department_id);

CREATE TABLE opportunities (
    id                  UUID PRIMARY KEY,
    customer_id         UUID NOT NULL REFERENCES customers (id),
    name                TEXT NOT NULL,
    description         TEXT,
    stage               TEXT NOT NULL CHECK (stage IN ('qualification', 'needs', 'proposal', 'negotiation', 'won', 'lost')),
    amount              NUMERIC(18, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
    currency            TEXT NOT NULL,
    probability         INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    expected_close_date DATE,
    owner_id            UUID NOT NULL,
    department_id       UUID,
    lead_id             UUID REFERENCES leads (id),
    lost_reason         TEXT,
    closed_at           TIMESTAMPTZ,
    created_by          UUID NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (stage <> 'lost' OR lost_reason IS NOT NULL),
    CHECK ((stage IN ('won', 'lost')) = (closed_at IS NOT NULL))
);
CREATE INDEX opportunities_customer ON opportunities (customer_id);
CREATE INDEX opportunities_owner ON opportunities (owner_id);
CREATE INDEX opportunities_department ON opportunities (department_id);
CREATE INDEX opportunities_stage ON opportunities (stage);

ALTER TABLE leads ADD CONSTRAINT leads_opportunity_fkey FOREIGN KEY (opportunity_id) REFERENCES opportunities (id);

-- Every stage an opportunity entered (the first row has no from_stage), for win rates and
-- the time spent in each stage.
CREATE TABLE opportunity_stage_changes (
    id             UUID PRIMARY KEY,
    opportunity_id UUID NOT NULL REFERENCES opportunities (id),
    from_stage     TEXT,
    to_stage       TEXT NOT NULL,
    probability    INTEGER NOT NULL,
    reason         TEXT,
    changed_by     UUID NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX opportunity_stage_changes_opportunity ON opportunity_stage_changes (opportunity_id, changed_at);

CREATE TABLE activities (
    id              UUID PRIMARY KEY,
    customer_id     UUID NOT NULL REFERENCES customers (id),
    opportunity_id  UUID REFERENCES opportunities (id),
    kind            TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'email', 'meeting', 'note')),
    subject         TEXT NOT NULL,
    outcome         TEXT,
    occurred_at     TIMESTAMPTZ NOT NULL,
    next_follow_up  DATE,
    -- References to stored files (call recordings, visit photos, signed scans).
    attachments     TEXT[] NOT NULL DEFAULT '{}',
    created_by      UUID NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX activities_customer ON activities (customer_id, occurred_at DESC, id DESC);
CREATE INDEX activities_mine ON activities (created_by, customer_id, occurred_at DESC, id DESC);
CREATE INDEX activities_opportunity ON activities (opportunity_id);
