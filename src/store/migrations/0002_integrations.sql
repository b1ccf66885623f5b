-- Dispatch has no endpoint that lists integrations, so the gateway records what configure,
-- disable and remove returned. Credentials are never part of these rows.
CREATE TABLE integrations (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  guid text NOT NULL,
  provider_id text NOT NULL,
  provider_type text NOT NULL,
  provider_name text NOT NULL,
  status text NOT NULL,
  settings jsonb NOT NULL,
  connected_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, guid)
);
CREATE INDEX integrations_workspace_order_idx ON integrations (workspace_id, created_at, guid);

-- A workspace's own Dispatch service token, sealed with the SecretBox (AAD: workspace id).
CREATE TABLE dispatch_service_tokens (
  workspace_id text PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  sealed_token text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
