#!/usr/bin/env bash
# Memory per vector of an HNSW index, vcache's (in process: the Go heap it
# holds after a collection, and its MemoryBytes) beside hnswlib's (its
# process's RSS growth over the build, and the size of its layout), on the
# first N (100000) vectors of each dataset, M 16, EF_CONSTRUCTION 200, the
# dataset's metric, float32 vectors (CODES=1: vcache with int8 search codes
# too). Bytes do not depend on the machine's load; one run is enough.
# BASE=<rev> adds vcache's index as of that revision (built with this
# revision's bench/hnswmem). QPS=1 then also measures recall@10 and
# single-thread QPS per EF of each, ROUNDS (3) times in turns, and prints
# the QPS at recall@10 0.95 (medians, ratios to hnswlib).
#
#   bench/hnswmem.sh                    # glove-100 and fashion-mnist
#   BASE=main QPS=1 bench/hnswmem.sh glove-100
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PY=${PYTHON:-/usr/bin/python3}
N=${N:-100000}
ROUNDS=${ROUNDS:-3}
./bench/data.sh >/dev/null
make_work
mkdir -p bench/out
go build -o "$work/hnswmem" ./bench/hnswmem
engines=(new)
if [ -n "${BASE:-}" ]; then
	mkdir "$work/base"
	git archive "$BASE" | tar -x -C "$work/base"
	mkdir -p "$work/base/bench/hnswmem"
	cp bench/hnswmem/main.go "$work/base/bench/hnswmem/"
	(cd "$work/base" && go build -o "$work/hnswmem-base" ./bench/hnswmem)
	engines+=(base)
fi
codes=()
[ "${CODES:-0}" = 1 ] && codes=(-codes)
vc() { # ENGINE DATASET [FLAG...]
	local bin=$work/hnswmem label=vcache
	[ "$1" = base ] && bin=$work/hnswmem-base label=vcache-base
	"$bin" -data "bench/data/$2" -n "$N" -label "$label" ${codes[@]+"${codes[@]}"} "${@:3}"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for ds in ${*:-glove-100 fashion-mnist}; do
	out=bench/out/hnswmem-$ds.jsonl
	: >"$out"
	for e in "${engines[@]}"; do vc "$e" "$ds" >>"$out"; done
	"$PY" bench/peers/hnswlib_mem.py "bench/data/$ds" "$N" >>"$out"
	echo
	echo "### $ds"
	echo
	"$PY" bench/peers/mem_table.py "$out"
	if [ "${QPS:-0}" = 1 ]; then
		qout=bench/out/hnswmem-qps-$ds.jsonl
		: >"$qout"
		for r in $(seq "$ROUNDS"); do
			for e in "${engines[@]}"; do vc "$e" "$ds" -qps | grep param >>"$qout"; done
			"$PY" bench/peers/hnswlib_mem.py "bench/data/$ds" "$N" 16 200 qps | grep param >>"$qout"
		done
		echo
		"$PY" bench/peers/at_recall.py "$qout" --recall "${RECALL:-0.95}"
	fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
