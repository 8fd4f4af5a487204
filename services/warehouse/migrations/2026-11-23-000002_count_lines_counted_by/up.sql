-- Who recorded each counted quantity: none of them may approve the count.
ALTER TABLE stock_count_lines ADD COLUMN counted_by TEXT;
