-- Where an integration's billing files come from (issue 13 items 2 and 5): a folder on the server under the
-- account's import folder (as before), an S3 export (bucket, prefix, report name, region, credentials) or files
-- uploaded through the portal or the API. The location's settings are kept as JSON so that another kind (an Azure
-- Blob container) adds a value here and its own settings, not columns; the one secret part (an S3 secret access
-- key, later an Azure connection string) is kept apart in credential, sealed with AES-GCM by the application under a
-- key outside the database (docs/security.md), never in plain text.
ALTER TABLE integration ADD COLUMN location_kind text NOT NULL DEFAULT 'folder'
    CHECK (location_kind IN ('folder', 's3', 'uploads'));
ALTER TABLE integration ADD COLUMN location jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE integration ADD COLUMN credential text CHECK (credential IS NULL OR credential LIKE 'rbs1:%');
-- Scheduled syncs of remote exports: every sync_minutes (default 6 hours), next due at next_sync_at.
ALTER TABLE integration ADD COLUMN sync_minutes integer NOT NULL DEFAULT 360
    CHECK (sync_minutes BETWEEN 15 AND 10080);
ALTER TABLE integration ADD COLUMN last_sync_at timestamptz;
ALTER TABLE integration ADD COLUMN next_sync_at timestamptz;

CREATE INDEX integration_sync_due ON integration (next_sync_at) WHERE location_kind = 's3';

-- SSO client secrets are sealed by the application at its first start on this version (SsoConnections
-- .sealStoredSecrets): encryption needs the key file, which the database never sees.
COMMENT ON COLUMN sso_connection.client_secret IS 'AES-GCM sealed (rbs1:<key id>:...), key outside the database';
COMMENT ON COLUMN integration.credential IS 'AES-GCM sealed (rbs1:<key id>:...), key outside the database';
