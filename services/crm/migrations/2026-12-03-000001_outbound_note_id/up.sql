-- The warehouse's outbound note an outbound request became, once the warehouse reported on it:
-- its id reads the note at warehouse's GET /api/v1/outbound-notes/{id}.
ALTER TABLE outbound_requests ADD COLUMN note_id UUID;
