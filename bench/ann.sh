#!/usr/bin/env bash
# Vector search side by side, one engine at a time on the same machine:
# vcache's HNSW and IVFFLAT, hnswlib, faiss IVFFlat and coder/hnsw, on
# GloVe-100 (cosine) and fashion-mnist-784 (L2). Prints a markdown table
# per dataset (recall@10, single-thread QPS, build seconds) and keeps the
# JSON lines in bench/out/ann-<dataset>.jsonl.
#
#   bench/ann.sh                 # both datasets
#   bench/ann.sh glove-100       # one
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
./bench/data.sh
mkdir -p bench/out
sets=${*:-glove-100 fashion-mnist}
for ds in $sets; do
	out=bench/out/ann-$ds.jsonl
	: >"$out"
	go run ./bench/ann -data "bench/data/$ds" -engines hnsw,ivfflat,coder >>"$out"
	"$PY" bench/peers/ann_peers.py "bench/data/$ds" all >>"$out"
	echo
	echo "### $ds"
	echo
	"$PY" bench/peers/table.py "$out"
done
