import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GRAPHIQL_EXAMPLES } from './graphiql-examples.js';

/**
 * GraphiQL served entirely from this process: its bundle, React and the graphql-ws client come
 * from node_modules, so it works on networks without internet access (no CDN).
 */
const require = createRequire(import.meta.url);

const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': {
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    type: 'text/javascript',
  },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'graphql-ws.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' },
};

/** The package's folder: its exports map may hide the UMD files from require.resolve. */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(pkg)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${pkg}`);
    dir = parent;
  }
  return dir;
}

export function renderGraphiqlPage(options: {
  defaultHeaders?: Record<string, string>;
  sandbox: boolean;
}): string {
  const headers = JSON.stringify(options.defaultHeaders ?? {}, null, 2);
  // GraphiQL's TabDefinition: every tab carries the headers (a tab without them sends none).
  const tabs = JSON.stringify(
    GRAPHIQL_EXAMPLES.map((example) => ({
      query: example.query,
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
      headers,
    })),
  );
  const banner = options.sandbox
    ? '<div id="sandbox-banner">Sandbox mode: every upstream is simulated; the demo workspace key is already in Headers.</div>'
    : '';
  // Everything interpolated is JSON-encoded and `<` escaped, so no value can close the script.
  const safe = (v: string) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>commerce-graph · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>html,body{height:100%;margin:0}body{display:flex;flex-direction:column}#graphiql{flex:1;min-height:0}
#sandbox-banner{background:#fff4ce;color:#4a3b00;font:14px system-ui,sans-serif;padding:6px 12px;border-bottom:1px solid #e6d48a}</style>
</head>
<body>
${banner}
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphql-ws.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script>
  const url = new URL('/graphql', location.href).toString();
  const wsUrl = url.replace(/^http/, 'ws');
  const fetcher = GraphiQL.createFetcher({ url, wsClient: graphqlWs.createClient({ url: wsUrl, lazy: true,
    connectionParams: () => { try { return JSON.parse(localStorage.getItem('graphiql:headers') || ${safe(headers)}); } catch { return {}; } } }) });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultHeaders: ${safe(headers)}, shouldPersistHeaders: true,
      defaultTabs: JSON.parse(${safe(tabs)}) }),
  );
</script>
</body>
</html>`;
}

export function registerGraphiqlAssets(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { name: string } }>('/graphiql/assets/:name', async (request, reply) => {
    const asset = ASSETS[request.params.name];
    if (!asset) return reply.code(404).send({ error: 'not found' });
    let body = cache.get(request.params.name);
    if (!body) {
      body = readFileSync(join(packageDir(asset.pkg), asset.file));
      cache.set(request.params.name, body);
    }
    return reply
      .header('content-type', `${asset.type}; charset=utf-8`)
      .header('cache-control', 'public, max-age=86400')
      .send(body);
  });
}

/** A browser navigating to /graphql (HTML accepted, no query) gets GraphiQL instead of an error. */
export function wantsGraphiql(accept: string | undefined, query: Record<string, unknown>): boolean {
  return !!accept && accept.includes('text/html') && query['query'] === undefined;
}

/**
 * The GraphiQL page when a browser navigates to /graphql (see `wantsGraphiql`), as the answer
 * to send; undefined for any other request, which is an operation.
 */
export function sendGraphiqlIfWanted(
  request: FastifyRequest,
  reply: FastifyReply,
  options: Parameters<typeof renderGraphiqlPage>[0],
): FastifyReply | undefined {
  if (
    request.method !== 'GET' ||
    !wantsGraphiql(request.headers.accept, request.query as Record<string, unknown>)
  )
    return undefined;
  return reply.header('content-type', 'text/html; charset=utf-8').send(renderGraphiqlPage(options));
}
