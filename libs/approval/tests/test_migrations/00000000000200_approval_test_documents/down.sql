DROP TABLE test_documents;
