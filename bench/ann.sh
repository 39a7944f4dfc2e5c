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
	echo "| engine | setting | recall@10 | QPS (1 thread) | build s |"
	echo "|---|---|---|---|---|"
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"| {r[\"engine\"]} | {r[\"param\"]} | {r[\"recall\"]:.3f} | {r[\"qps\"]:.0f} | {r[\"build_s\"]:.1f} |")
' "$out"
done
