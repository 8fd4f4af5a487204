ALTER TABLE stock_count_lines DROP COLUMN counted_by;
