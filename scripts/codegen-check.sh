#!/usr/bin/env bash
# Fails when src/generated/, schema.graphql or subgraph.graphql are stale: regenerate and compare with what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s codegen >/dev/null
if ! git diff --quiet -- src/generated schema.graphql subgraph.graphql subgraphs; then
  echo "Generated files are stale: run 'npm run codegen' and commit src/generated/, schema.graphql, subgraph.graphql and subgraphs/"
  git --no-pager diff --stat -- src/generated schema.graphql subgraph.graphql subgraphs
  exit 1
fi
echo "generated files are up to date"
