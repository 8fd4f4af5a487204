-- A stand-in for a service's approvable documents.
CREATE TABLE test_documents (
    id            UUID PRIMARY KEY,
    document_type TEXT NOT NULL,
    number        TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_by    UUID NOT NULL
);
