ALTER TABLE leads DROP CONSTRAINT leads_opportunity_fkey;
DROP TABLE activities, opportunity_stage_changes, opportunities, leads;
