#!/usr/bin/env bash
# Fails when src/generated/, schema.graphql, subgraph.graphql or the client examples' typed
# documents and Relay artifacts are stale: regenerate and compare with what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s codegen >/dev/null
if ! git diff --quiet -- src/generated schema.graphql subgraph.graphql subgraphs examples/clients/generated examples/clients/__generated__; then
  echo "Generated files are stale: run 'npm run codegen' and commit src/generated/, schema.graphql, subgraph.graphql, subgraphs/ and examples/clients/*generated*/"
  git --no-pager diff --stat -- src/generated schema.graphql subgraph.graphql subgraphs examples/clients/generated examples/clients/__generated__
  exit 1
fi
echo "generated files are up to date"
