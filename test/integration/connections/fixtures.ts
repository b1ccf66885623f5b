import type { TestGateway } from '../../helpers/gateway.js';

export const CONNECTION_FIELDS = `
  id name slug category integrationType status authenticationUrl createdAt updatedAt establishedAt
`;

export const START = `
  mutation Start($input: StartConnectionInput!) {
    startConnection(input: $input) {
      connection { ${CONNECTION_FIELDS} }
      authenticationUrl
      userErrors { field message code }
    }
  }
`;

export const REFRESH = `
  mutation Refresh($input: RefreshConnectionInput!) {
    refreshConnection(input: $input) {
      connection { ${CONNECTION_FIELDS} }
      userErrors { field message code }
    }
  }
`;

export interface ConnectionJson {
  id: string;
  name: string;
  slug: string | null;
  category: string;
  integrationType: string;
  status: string;
  authenticationUrl: string | null;
  createdAt: string;
  updatedAt: string;
  establishedAt: string | null;
}

export interface UserErrorJson {
  field: string[] | null;
  message: string;
  code: string;
}

export interface StartResult {
  startConnection: {
    connection: ConnectionJson | null;
    authenticationUrl: string | null;
    userErrors: UserErrorJson[];
  } | null;
}

export interface RefreshResult {
  refreshConnection: { connection: ConnectionJson | null; userErrors: UserErrorJson[] } | null;
}

/** Requests API Panda's sandbox received for one route (e.g. `/api/v1/connection/initiate`). */
export const upstreamCalls = (t: TestGateway, route?: string) =>
  t.sandbox.server.requests('apipanda').filter((r) => route === undefined || r.route === route)
    .length;

export const INITIATE = '/api/v1/connection/initiate';

/** The sandbox session behind an authenticationUrl (`…/oauth/authorize/<sessionId>`). */
export function sessionOf(t: TestGateway, authenticationUrl: string) {
  const sessionId = authenticationUrl.split('/').at(-1);
  const session = t.sandbox.apipanda.sessions().find((s) => s.id === sessionId);
  if (!session) throw new Error(`no sandbox session for ${authenticationUrl}`);
  return session;
}
