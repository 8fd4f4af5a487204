DROP TABLE IF EXISTS payments, receivables, direct_entries, journal_lines, journal_entries, periods, accounts, ledger_settings CASCADE;
DROP FUNCTION IF EXISTS journal_immutable();
DROP SEQUENCE IF EXISTS customer_balance_revision;
