ALTER TABLE outbound_requests DROP COLUMN note_id;
