CREATE TABLE commerce_links (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source text NOT NULL CHECK (source IN ('CODAT', 'QARD', 'SHOPLINE')),
  platform text NOT NULL,
  name text NOT NULL,
  status text NOT NULL,
  external_refs jsonb NOT NULL,
  authorization_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commerce_links_workspace_idx ON commerce_links (workspace_id, created_at);

CREATE TABLE commerce_qard_providers (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  provider text NOT NULL,
  enabled boolean NOT NULL,
  auto_connect boolean NOT NULL,
  credentials_sealed text,
  credentials_updated_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, provider)
);
