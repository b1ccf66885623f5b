CREATE TABLE commerce_link_removals (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  link_id text NOT NULL,
  source text NOT NULL CHECK (source IN ('CODAT', 'QARD', 'SHOPLINE')),
  removed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, link_id)
);
