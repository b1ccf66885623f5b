import { decisionForm, escapeHtml, htmlPage, unknownLinkPage } from '../html-page.js';
import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { CodatCompanyState, CodatConnectionState, CodatState } from './state.js';

/**
 * The link page a business owner opens (a connection's `linkUrl` or the company's `redirect`) to
 * authorise or refuse sharing their store's data; Authorise links the connection and starts the
 * syncs its settings fetch on first link.
 */
export function linkPageHandlers(state: CodatState) {
  const linkTarget = (
    req: SandboxRequest,
  ): { company: CodatCompanyState; connection: CodatConnectionState } | undefined => {
    const company = state.companies.get(req.params['companyId'] ?? '');
    if (!company) return undefined;
    const wanted = req.params['connectionId'];
    const connection = wanted
      ? company.connections.find((c) => c.id === wanted)
      : (company.connections.find((c) => c.status === 'PendingAuth') ?? company.connections[0]);
    return connection ? { company, connection } : undefined;
  };

  const linkPage = (req: SandboxRequest): SandboxReply => {
    const target = linkTarget(req);
    if (!target) return unknownLinkPage();
    const { company, connection } = target;
    if (connection.status !== 'PendingAuth') {
      return {
        status: 200,
        html: htmlPage(
          'Already linked',
          `<p id="result">This connection is ${escapeHtml(connection.status)}.</p>`,
        ),
      };
    }
    const action = `${req.baseUrl}/link/${company.id}/${connection.id}`;
    return {
      status: 200,
      html: htmlPage(
        `Connect ${escapeHtml(connection.platformName)}`,
        `<p>Codat sandbox: share the commerce data of your ${escapeHtml(connection.platformName)} store with
        <strong>${escapeHtml(company.name)}</strong>'s app.</p>
        ${decisionForm(action)}`,
      ),
    };
  };

  const linkDecision = (req: SandboxRequest): SandboxReply => {
    const target = linkTarget(req);
    if (!target) return unknownLinkPage();
    if (new URLSearchParams(req.rawBody).get('decision') !== 'authorise') {
      return {
        status: 200,
        html: htmlPage(
          'Cancelled',
          '<p id="result">You did not share your data. You can close this window.</p>',
        ),
      };
    }
    state.authorize(target.company, target.connection);
    return {
      status: 200,
      html: htmlPage(
        'Linked',
        '<p id="result">Linked. Your data is syncing; you can close this window.</p>',
      ),
    };
  };

  return { linkPage, linkDecision };
}
