DROP TABLE api_keys;
DROP TABLE refresh_tokens;
ALTER TABLE departments DROP CONSTRAINT departments_manager_fkey;
DROP TABLE employees;
DROP TABLE departments;
