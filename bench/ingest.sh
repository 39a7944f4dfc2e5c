#!/usr/bin/env bash
# Bulk ingest over RESP against the in-process build of the same index, in
# the same run: each round builds the HNSW index (M 16, EF_CONSTRUCTION 200,
# the dataset's metric) in process with vector.AddBatch on WORKERS (2)
# goroutines, then loads the same vectors into `vcache server` with
# pipelined HSETs under FT.CREATE ... HNSW and times the load from the first
# HSET until FT.INFO counts every document indexed (bench/ingest). Prints
# each round, then medians of ROUNDS (3): seconds, RESP/in-process, the
# server's CPU seconds over the load (utime+stime of /proc/PID/stat), the
# latency of one KNN query at a time during the load, recall@10 (EF_RUNTIME
# 100) of both; and the load average before and after.
#
#   bench/ingest.sh                        # DATA=bench/data/glove-100 ROUNDS=3
#   BASE=main N=50000 bench/ingest.sh      # adds vcache built from BASE, its own turn each round
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-bench/data/glove-100}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
N=${N:-0}
. bench/lib.sh
need redis-cli
[ -f "$DATA/base.fvecs" ] || { echo "no $DATA: run bench/data.sh" >&2; exit 1; }
build_vcache
go build -o "$work/ingest" ./bench/ingest
servers=vcache
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base"
fi
hz=$(getconf CLK_TCK)
cpu_of() { awk -v hz="$hz" '{print ($14+$15)/hz}' "/proc/$1/stat"; }
field() { grep -o "\"$1\":[^,}]*" | cut -d: -f2; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	out=$("$work/ingest" -mode inproc -data "$DATA" -n "$N" -workers "$WORKERS")
	echo "round $r inproc: $out"
	echo "$out" | field seconds >>"$work/inproc.s"
	echo "$out" | field recall >>"$work/inproc.recall"
	for s in $servers; do
		serve "$s"
		c0=$(cpu_of "$pid")
		out=$("$work/ingest" -mode resp -addr "127.0.0.1:$port" -data "$DATA" -n "$N")
		c1=$(cpu_of "$pid")
		stop_served
		cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')
		echo "round $r $s: $out server_cpu_seconds=$cpu"
		sec=$(echo "$out" | field seconds)
		echo "$sec" >>"$work/$s.s"
		echo "$cpu" >>"$work/$s.cpu"
		echo "$out" | field recall >>"$work/$s.recall"
		echo "$out" | field query_p50_ms >>"$work/$s.p50"
		echo "$out" | field query_p99_ms >>"$work/$s.p99"
		ratio "$sec" "$(tail -1 "$work/inproc.s")" >>"$work/$s.ratio"
	done
done
ins=$(median <"$work/inproc.s")
printf '\nmedians of %s rounds (%s)\n' "$ROUNDS" "$DATA"
printf '%-8s %8s %10s %12s %10s %10s %7s\n' build seconds "/inproc" "server cpu s" "q p50 ms" "q p99 ms" recall
printf '%-8s %8s %10s %12s %10s %10s %7s\n' inproc "$ins" 1 - - - "$(median <"$work/inproc.recall")"
for s in $servers; do
	printf '%-8s %8s %10s %12s %10s %10s %7s\n' "$s" "$(median <"$work/$s.s")" "$(median <"$work/$s.ratio")" \
		"$(median <"$work/$s.cpu")" "$(median <"$work/$s.p50")" "$(median <"$work/$s.p99")" "$(median <"$work/$s.recall")"
done
echo "(/inproc: the median of each round's ratio to that round's in-process build)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
