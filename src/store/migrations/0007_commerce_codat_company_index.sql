-- Codat's webhooks name a company: its links are found by that id, across workspaces.
CREATE INDEX commerce_links_codat_company_idx ON commerce_links ((external_refs ->> 'companyId'))
  WHERE source = 'CODAT';
