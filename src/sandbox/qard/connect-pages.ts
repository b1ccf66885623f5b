import { decisionForm, escapeHtml, htmlPage, unknownLinkPage } from '../html-page.js';
import type { SandboxReply, SandboxRequest } from '../framework.js';
import type { QardState } from './state.js';

/**
 * The redirect page a user opens (a data connection's `redirect_url`) to authorise or refuse
 * sharing their store's data: Authorise makes the connection CONNECTED, Cancel AUTH_ERROR.
 */
export function connectPageHandlers(state: QardState) {
  const target = (req: SandboxRequest) =>
    state.users
      .get(req.params['userId'] ?? '')
      ?.connections.find((c) => c.id === req.params['connectionId']);

  const connectPage = (req: SandboxRequest): SandboxReply => {
    const connection = target(req);
    if (!connection) return unknownLinkPage();
    if (connection.status !== 'AUTH_REQUIRED') {
      return {
        status: 200,
        html: htmlPage(
          'Already answered',
          `<p id="result">This data connection is ${connection.status}.</p>`,
        ),
      };
    }
    const provider = state.providers.get(connection.providerName);
    return {
      status: 200,
      html: htmlPage(
        `Connect ${escapeHtml(provider?.displayName ?? connection.providerName)}`,
        `<p>Qard sandbox: share ${escapeHtml(connection.requestedDataTypes.join(', '))} from your store.</p>
        ${decisionForm(`${req.baseUrl}/connect/${connection.userId}/${connection.id}`)}`,
      ),
    };
  };

  const connectDecision = (req: SandboxRequest): SandboxReply => {
    const connection = target(req);
    if (!connection) return unknownLinkPage();
    if (connection.status === 'AUTH_REQUIRED') {
      connection.status =
        new URLSearchParams(req.rawBody).get('decision') === 'authorise'
          ? 'CONNECTED'
          : 'AUTH_ERROR';
      connection.updatedAt = new Date().toISOString();
    }
    return {
      status: 200,
      html: htmlPage(
        'Done',
        `<p id="result">Data connection ${connection.status}. You can close this window.</p>`,
      ),
    };
  };

  return { connectPage, connectDecision };
}
