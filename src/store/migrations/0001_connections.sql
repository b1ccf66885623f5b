CREATE TABLE connections (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  seq bigserial NOT NULL,
  name text NOT NULL,
  slug text,
  category text NOT NULL,
  integration_type text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING_AUTH', 'ESTABLISHED', 'DENIED', 'FAILED')),
  authentication_url text,
  link_token_sealed text NOT NULL,
  public_token_sealed text,
  access_token_sealed text,
  failure_code text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  established_at timestamptz
);
CREATE INDEX connections_workspace_seq_idx ON connections (workspace_id, seq);
CREATE INDEX connections_pending_idx ON connections (status, created_at);
