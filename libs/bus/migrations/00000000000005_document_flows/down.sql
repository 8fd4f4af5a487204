DROP TABLE document_flows;
