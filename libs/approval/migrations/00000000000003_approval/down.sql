DROP TABLE approval_steps;
DROP TABLE approval_requests;
DROP TABLE approval_rules;
