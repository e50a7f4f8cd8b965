-- Issue 13 item 3: an integration reads an Azure Cost Management export from Azure Blob Storage (location_kind
-- azure_blob): its account URL, container, prefix and export kind in location (JSON), its one secret (a connection
-- string, an account key or a SAS token) sealed in credential like an S3 secret access key. It syncs on the same
-- schedule as an S3 export, so the index of due syncs covers it too.
ALTER TABLE integration DROP CONSTRAINT integration_location_kind_check;
ALTER TABLE integration ADD CONSTRAINT integration_location_kind_check
    CHECK (location_kind IN ('folder', 's3', 'azure_blob', 'uploads'));

DROP INDEX integration_sync_due;
CREATE INDEX integration_sync_due ON integration (next_sync_at) WHERE location_kind IN ('s3', 'azure_blob');
