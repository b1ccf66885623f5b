CREATE TABLE shopline_webhook_events (
  trace_id text PRIMARY KEY,
  merchant_id text NOT NULL,
  topic text NOT NULL,
  ts text NOT NULL,
  payload_sealed text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz
);
CREATE INDEX shopline_webhook_events_merchant_idx ON shopline_webhook_events (merchant_id);
CREATE INDEX shopline_webhook_events_unapplied_idx ON shopline_webhook_events (applied_at);

CREATE TABLE shopline_merchants (
  merchant_id text PRIMARY KEY,
  workspace_id text REFERENCES workspaces(id) ON DELETE SET NULL,
  install_state text NOT NULL CHECK (install_state IN ('INSTALLED', 'UNINSTALLED', 'PENDING')),
  application_id text,
  app_settings jsonb,
  installed_at timestamptz,
  uninstalled_at timestamptz,
  last_event_ts text NOT NULL,
  linked_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shopline_tokens (
  token_id text PRIMARY KEY,
  merchant_id text NOT NULL,
  scopes text[] NOT NULL DEFAULT '{}'::text[],
  token_sealed text,
  status text NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED', 'MERCHANT_UNINSTALLED')),
  created_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  rejected_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shopline_tokens_merchant_idx ON shopline_tokens (merchant_id);

CREATE TABLE shopline_claim_codes (
  code_digest text PRIMARY KEY,
  merchant_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_workspace_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
