#!/usr/bin/env bash
# FT.SEARCH KNN (k = 10) over RESP at a target recall: GloVe-100 loaded as
# 100k hashes under an HNSW index (M 16, EF_CONSTRUCTION 200) into one
# vcache server, then `go run ./bench/ftsearch` with each number of
# CLIENTS at each EF_RUNTIME of EFS, ROUNDS times (rounds outermost), one
# JSON line per measurement into OUT; bench/peers/at_recall.py then
# interpolates QPS (and QPS per server CPU second) at recall@10 RECALL
# between the two efs that bracket it, per round, and prints the medians
# with their ratio to REF, a peer's published QPS at that recall (575:
# pgvector HNSW, one psycopg2 client, 0.948 recall, on this machine).
#
#   bench/ftsearch.sh                                  # CLIENTS=1,8 EFS=60,80,100,120,140,160,200 ROUNDS=3
#   CLIENTS=8 EFS=80,160 ROUNDS=1 bench/ftsearch.sh
#   OUT=ftsearch.jsonl bench/ftsearch.sh               # keep the JSON lines
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-1,8}
EFS=${EFS:-60,80,100,120,140,160,200}
ROUNDS=${ROUNDS:-3}
RECALL=${RECALL:-0.95}
REF=${REF:-575}
DATA=${DATA:-bench/data/glove-100}
. bench/lib.sh
need redis-cli python3
[ -f "$DATA/gt.ivecs" ] || { echo "no $DATA: run bench/data.sh" >&2; exit 1; }
build_vcache
go build -o "$work/ftsearch" ./bench/ftsearch
OUT=${OUT:-$work/ftsearch.jsonl}
serve vcache
"$work/ftsearch" -addr "127.0.0.1:$port" -data "$DATA" -clients "$CLIENTS" -ef "$EFS" -rounds "$ROUNDS" -pid "$pid" | tee "$OUT"
stop_served
echo
python3 bench/peers/at_recall.py "$OUT" --recall "$RECALL" --ref "$REF"
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
