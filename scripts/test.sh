#!/usr/bin/env bash
# Runs vcache's test suite: format check, vet, and every test under the race
# detector. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l . || true)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
if ! go mod tidy -diff >/dev/null; then
	echo "go.mod/go.sum are not tidy: run go mod tidy" >&2
	exit 1
fi
# The servers build for other Unix systems too (without event loops there).
for os in darwin freebsd; do
	GOOS=$os go build -o /dev/null ./cmd/vcache
done
go test -race -count=1 -timeout 20m "$@" ./...
