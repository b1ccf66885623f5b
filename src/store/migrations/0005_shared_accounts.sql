-- Upstream accounts several workspaces share. Through the deployment's Dispatch token every
-- workspace without a token of its own reaches one Dispatch account; each integration and
-- workflow created there through the gateway is recorded against the workspace that created it,
-- keyed by what Dispatch upserts on (an integration's provider, a workflow's entity type and
-- name), so no other workspace can see, change or take it over. `account` is a digest of the
-- token, so a new deployment token starts with no claims.
CREATE TABLE dispatch_shared_records (
  account text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('integration', 'workflow')),
  upstream_key text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  guid text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, kind, upstream_key)
);
CREATE INDEX dispatch_shared_records_owner_idx
  ON dispatch_shared_records (account, kind, workspace_id, guid);

-- Qard provider settings apply to the whole deployment (one Qard account): the operator sets
-- them with the CLI; workspaces only read them. Credentials stay with Qard, never here.
CREATE TABLE qard_provider_settings (
  provider text PRIMARY KEY,
  enabled boolean NOT NULL,
  auto_connect boolean NOT NULL,
  credentials_updated_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- What the last workspace to configure a provider set is what Qard holds now; the per-workspace
-- rows (and their sealed copies of the credentials) go.
INSERT INTO qard_provider_settings (provider, enabled, auto_connect, credentials_updated_at, updated_at)
  SELECT DISTINCT ON (provider) provider, enabled, auto_connect, credentials_updated_at, updated_at
  FROM commerce_qard_providers ORDER BY provider, updated_at DESC;
DROP TABLE commerce_qard_providers;

-- Idempotency records belong to the caller, not only to the workspace: a replay never hands
-- one principal's answer to another.
ALTER TABLE idempotency_records ADD COLUMN principal_id text NOT NULL DEFAULT '';
ALTER TABLE idempotency_records DROP CONSTRAINT idempotency_records_pkey;
ALTER TABLE idempotency_records ADD PRIMARY KEY (workspace_id, principal_id, operation, key);
