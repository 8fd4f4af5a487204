-- One database per service. Run by the postgres image on its first start
-- (/docker-entrypoint-initdb.d); also safe to run again by hand:
--   psql -h 127.0.0.1 -U postgres -f docker/postgres/init.sql
-- Each service also runs its own migrations at start-up.
SELECT 'CREATE DATABASE erp_crm' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'erp_crm')\gexec
SELECT 'CREATE DATABASE erp_purchasing' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'erp_purchasing')\gexec
SELECT 'CREATE DATABASE erp_warehouse' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'erp_warehouse')\gexec
SELECT 'CREATE DATABASE erp_production' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'erp_production')\gexec
SELECT 'CREATE DATABASE erp_finance' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'erp_finance')\gexec
SELECT 'CREATE DATABASE erp_hr' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'erp_hr')\gexec
