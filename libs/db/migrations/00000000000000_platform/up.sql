-- Human document numbers (SO-2026-000123): one counter per kind and year, taken inside the
-- document's transaction, so numbers have no gaps.
CREATE TABLE document_numbers (
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (kind, year)
);
