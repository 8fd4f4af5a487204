DROP TABLE directory_employees;
