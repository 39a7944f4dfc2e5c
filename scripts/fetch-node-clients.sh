#!/usr/bin/env bash
# Installs the Node.js clients the tests run against vcache (node-redis,
# ioredis, BullMQ, redis-om, LangChain.js; exact versions in
# cmd/vcache/testdata/nodeclients/package.json) into .cache/node-clients
# (not committed). Needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/node-clients
want=cmd/vcache/testdata/nodeclients/package.json
if [ -d "$dir/node_modules" ] && cmp -s "$want" "$dir/package.json"; then
	exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
cp "$want" "$dir/package.json"
(cd "$dir" && npm install --silent --no-audit --no-fund --ignore-scripts --no-package-lock)
