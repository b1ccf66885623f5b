import { escapeHtml, htmlPage as page } from '../html-page.js';
import {
  mulberry32,
  route,
  type SandboxReply,
  type SandboxRequest,
  type Simulator,
} from '../framework.js';

/**
 * API Panda's connection onboarding, as its connection set-up guide documents it:
 * public token → link token → initiate (OAuth URL) → the person approves → established → access
 * token. The OAuth hand-off is a real page with Approve / Deny buttons, so the flow can be tried
 * in a browser and driven by headless Chromium in tests.
 *
 * Sandbox assumptions (the public docs are silent): public tokens of the form `pk_sandbox_*` are
 * valid and `pk_sandbox_revoked*` are revoked (code 4101); a denied authorisation answers
 * `established` with error 4103; unknown tokens are error 4001; a slug, when given, must be a
 * store handle (lower-case letters, digits and hyphens) or the answer is error 4012 on `slug`.
 */

export const SANDBOX_PUBLIC_TOKEN = 'pk_sandbox_demo';

export const INTEGRATION_TYPES_BY_CATEGORY = {
  Marketplace: ['Shopify', 'Etsy', 'TikTok', 'Amazon'],
  PrintOnDemand: ['Printify', 'Printful'],
} as const;

type Category = keyof typeof INTEGRATION_TYPES_BY_CATEGORY;

interface Session {
  id: string;
  linkToken: string;
  name: string;
  slug: string | undefined;
  integrationType: string;
  category: Category;
  decision: 'pending' | 'approved' | 'denied';
  connectionPublicToken: string;
  accessToken: string;
}

export interface ApiPandaSimulator extends Simulator {
  /** Approves or denies a pending authorisation without a browser (tests, CLI). */
  decide(sessionId: string, decision: 'approved' | 'denied'): void;
  sessions(): ReadonlyArray<Readonly<Session>>;
}

const apiError = (
  code: number,
  message: string,
  propertyName: string | null = null,
): SandboxReply => ({
  status: 400,
  body: { errors: [{ code, message, property_name: propertyName, context: {} }] },
});

export function createApiPandaSimulator(seed = 1): ApiPandaSimulator {
  const random = mulberry32(seed ^ 0x5a17);
  const token = (prefix: string) =>
    `${prefix}_${Array.from({ length: 24 }, () => Math.floor(random() * 36).toString(36)).join('')}`;

  /** linkToken → whether it has been used to initiate already. */
  const linkTokens = new Map<string, Session | undefined>();
  const sessionsById = new Map<string, Session>();
  const sessionsByPublicToken = new Map<string, Session>();

  function categoryOf(integrationType: string): Category | undefined {
    for (const [category, types] of Object.entries(INTEGRATION_TYPES_BY_CATEGORY)) {
      if ((types as readonly string[]).includes(integrationType)) return category as Category;
    }
    return undefined;
  }

  const createLinkToken = (req: SandboxRequest): SandboxReply => {
    const publicToken = req.params['publicToken'] ?? '';
    if (publicToken.startsWith('pk_sandbox_revoked')) {
      return apiError(4101, 'Unable to refresh token, it was revoked', 'publicToken');
    }
    if (!publicToken.startsWith('pk_sandbox_'))
      return apiError(4001, 'Public token is invalid', 'publicToken');
    const linkToken = token('lt');
    linkTokens.set(linkToken, undefined);
    return { status: 200, body: { linkToken } };
  };

  const initiate = (req: SandboxRequest): SandboxReply => {
    const linkToken = req.headers['x-link-token'];
    if (!linkToken || !linkTokens.has(linkToken)) {
      return apiError(4002, 'X-LINK-TOKEN header is missing or invalid', 'X-LINK-TOKEN');
    }
    if (linkTokens.get(linkToken))
      return apiError(4003, 'Link token was already used', 'X-LINK-TOKEN');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = typeof body['name'] === 'string' ? body['name'].trim() : '';
    if (!name) return apiError(4010, 'Name is required', 'name');
    const slug = typeof body['slug'] === 'string' ? body['slug'] : undefined;
    if (slug !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(slug)) {
      return apiError(
        4012,
        'Slug must contain only lower-case letters, digits and hyphens',
        'slug',
      );
    }
    const integrationType = String(body['integrationType'] ?? '');
    const category = categoryOf(integrationType);
    if (!category)
      return apiError(4011, `Unknown integration type "${integrationType}"`, 'integrationType');
    const session: Session = {
      id: token('sess'),
      linkToken,
      name,
      slug,
      integrationType,
      category,
      decision: 'pending',
      connectionPublicToken: token('pub'),
      accessToken: token('acc'),
    };
    linkTokens.set(linkToken, session);
    sessionsById.set(session.id, session);
    sessionsByPublicToken.set(session.connectionPublicToken, session);
    return {
      status: 200,
      body: {
        linkToken,
        authenticationProfile: {
          authenticationType: 'OAuth',
          category,
          integrationType,
          authenticationUrl: `${req.baseUrl}/oauth/authorize/${session.id}`,
        },
      },
    };
  };

  const established = (req: SandboxRequest): SandboxReply => {
    const session = linkTokens.get(req.params['linkToken'] ?? '');
    if (!session) return apiError(4002, 'Link token is invalid', 'linkToken');
    if (session.decision === 'denied')
      return apiError(4103, 'The account owner denied the authorisation', null);
    if (session.decision === 'pending') return { status: 200, body: { established: false } };
    return { status: 200, body: { established: true, publicToken: session.connectionPublicToken } };
  };

  const accessToken = (req: SandboxRequest): SandboxReply => {
    const session = sessionsByPublicToken.get(req.params['publicToken'] ?? '');
    if (!session) return apiError(4001, 'Public token is invalid', 'publicToken');
    if (session.decision !== 'approved')
      return apiError(4102, 'Connection is not established yet', 'publicToken');
    return { status: 200, body: { accessToken: session.accessToken } };
  };

  const authorizePage = (req: SandboxRequest): SandboxReply => {
    const session = sessionsById.get(req.params['sessionId'] ?? '');
    if (!session)
      return { status: 404, html: page('Unknown authorisation', '<p>This link is not valid.</p>') };
    if (session.decision !== 'pending') {
      return {
        status: 200,
        html: page(
          'Already answered',
          `<p id="result">This authorisation was ${session.decision}.</p>`,
        ),
      };
    }
    const action = `${req.baseUrl}/oauth/authorize/${session.id}`;
    return {
      status: 200,
      html: page(
        `Connect ${escapeHtml(session.integrationType)}`,
        `<p>API Panda sandbox: <strong>${escapeHtml(session.name)}</strong> asks to connect your
        ${escapeHtml(session.integrationType)} account (${escapeHtml(session.category)}).</p>
        <form method="post" action="${action}">
          <button type="submit" name="decision" value="approve" id="approve">Approve</button>
          <button type="submit" name="decision" value="deny" id="deny">Deny</button>
        </form>`,
      ),
    };
  };

  const decidePage = (req: SandboxRequest): SandboxReply => {
    const session = sessionsById.get(req.params['sessionId'] ?? '');
    if (!session)
      return { status: 404, html: page('Unknown authorisation', '<p>This link is not valid.</p>') };
    const decision = new URLSearchParams(req.rawBody).get('decision');
    if (session.decision === 'pending')
      session.decision = decision === 'approve' ? 'approved' : 'denied';
    return {
      status: 200,
      html: page(
        'Done',
        `<p id="result">Authorisation ${session.decision}. You can close this window.</p>`,
      ),
    };
  };

  return {
    name: 'apipanda',
    routes: [
      route('POST', '/api/v1/connection/link-token/:publicToken', createLinkToken),
      route('POST', '/api/v1/connection/initiate', initiate),
      route('POST', '/api/v1/connection/established/:linkToken', established),
      route('POST', '/api/v1/connection/access-token/:publicToken', accessToken),
      route('GET', '/oauth/authorize/:sessionId', authorizePage),
      route('POST', '/oauth/authorize/:sessionId', decidePage),
    ],
    decide(sessionId, decision) {
      const session = sessionsById.get(sessionId);
      if (!session) throw new Error(`no authorisation ${sessionId}`);
      session.decision = decision;
    },
    sessions: () => [...sessionsById.values()],
  };
}
