#!/usr/bin/env bash
# Latency tail of a vcache node against redis-server, same run: for each
# round and pipeline depth, redis-benchmark's own percentiles (-c 50, SET
# and GET) and vcache bench kv's (p50/p99/p99.9), alternating servers, then
# the median of the rounds. vcache runs as configured by VCACHE_ARGS (the
# default: event loops scaled by load and processor wait); add e.g.
# VCACHE_ARGS="--io-threads 2" to see fixed loops. PERF=1 also records the
# kernel's scheduler during one vcache -P 1 run and prints the longest
# run-queue waits per thread (needs perf and root): where the tail came
# from (loopscale_linux.go).
#
#   bench/tail.sh                 # N=300000 requests, ROUNDS=3
#   N=100000 ROUNDS=1 PERF=1 bench/tail.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}
ROUNDS=${ROUNDS:-3}
VCACHE_ARGS=${VCACHE_ARGS:-}
. bench/lib.sh
need redis-server redis-benchmark redis-cli
build_vcache

# rb port P -> lines "SET rps p50 p99" "GET rps p50 p99" (milliseconds)
rb() {
	redis-benchmark -p "$1" -c 50 -n "$N" -r 100000 -P "$2" -t set,get --csv 2>/dev/null | tr '\r' '\n' |
		awk -F'"' '$2=="SET" || $2=="GET" {print $2, $4, $10, $14}'
}
# kv port P -> lines "set rps p50 p99 p99.9" (microseconds)
kv() {
	"$work/vcache" bench kv --addr "127.0.0.1:$1" -n "$N" -c 50 -P "$2" --json 2>/dev/null |
		python3 -c 'import json,sys
for r in json.load(sys.stdin)[0]["results"]:
    print(r["test"], round(r["ops_per_sec"]), r["p50_ns"]//1000, r["p99_ns"]//1000, r["p999_ns"]//1000)'
}

declare -A res
for round in $(seq "$ROUNDS"); do
	for server in vcache redis; do
		serve "$server"
		for P in 1 16; do
			while read -r t rps p50 p99; do
				res[$server,rb,$P,$t]+="$rps/$p50/$p99 "
			done < <(rb "$port" "$P")
			while read -r t rps p50 p99 p999; do
				res[$server,kv,$P,$t]+="$rps/$p50/$p99/$p999 "
			done < <(kv "$port" "$P")
			echo "round $round $server -P $P done" >&2
		done
		if [ "$server" = vcache ]; then
			redis-cli -p "$port" INFO stats | tr -d '\r' | grep '^event_loops' | tr '\n' ' ' >&2
			echo >&2
		fi
		stop_served
	done
done

if [ -n "${PERF:-}" ] && command -v perf >/dev/null; then
	serve vcache
	"$work/vcache" bench kv --addr "127.0.0.1:$port" -n "$((N * 10))" -c 50 -P 1 -t get --timeout 4s >/dev/null 2>&1 &
	bpid=$!
	sleep 1
	perf sched record -o "$work/sched.data" -- sleep 2 >/dev/null 2>&1 || true
	wait "$bpid" || true
	stop_served
	echo
	echo "run-queue waits of the node's threads during vcache bench kv -P 1 (perf sched timehist, 2 s):"
	perf sched timehist -i "$work/sched.data" 2>/dev/null | awk -v pid="$pid" '
		NR > 3 && $3 ~ ("\\[[0-9]+/" pid "\\]") { n++; if ($5 > 1) over1++; if ($5 > 3) over3++; if ($5 > max) max = $5 }
		END { printf "  wakeups %d, waits over 1 ms %d, over 3 ms %d, longest %.2f ms\n", n, over1, over3, max }'
fi

# col i of "a/b/c" entries -> median
med() { tr ' ' '\n' | awk -F/ -v i="$1" 'NF {print $i}' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
echo
echo "| client | test | vcache ops/s | redis ops/s | ratio | vcache p50 / p99 / p99.9 | redis p50 / p99 / p99.9 | p99 ratio |"
echo "|---|---|---|---|---|---|---|---|"
for P in 1 16; do
	for t in SET GET; do
		v=${res[vcache,rb,$P,$t]}; r=${res[redis,rb,$P,$t]}
		printf "| redis-benchmark -P %s | %s | %.0f | %.0f | %s | %s / %s ms | %s / %s ms | %s |\n" "$P" "$t" \
			"$(echo $v | med 1)" "$(echo $r | med 1)" "$(ratio "$(echo $v | med 1)" "$(echo $r | med 1)")" \
			"$(echo $v | med 2)" "$(echo $v | med 3)" "$(echo $r | med 2)" "$(echo $r | med 3)" \
			"$(ratio "$(echo $v | med 3)" "$(echo $r | med 3)")"
	done
	for t in set get; do
		v=${res[vcache,kv,$P,$t]}; r=${res[redis,kv,$P,$t]}
		printf "| vcache bench kv -P %s | %s | %.0f | %.0f | %s | %s / %s / %s µs | %s / %s / %s µs | %s |\n" "$P" "${t^^}" \
			"$(echo $v | med 1)" "$(echo $r | med 1)" "$(ratio "$(echo $v | med 1)" "$(echo $r | med 1)")" \
			"$(echo $v | med 2)" "$(echo $v | med 3)" "$(echo $v | med 4)" "$(echo $r | med 2)" "$(echo $r | med 3)" "$(echo $r | med 4)" \
			"$(ratio "$(echo $v | med 3)" "$(echo $r | med 3)")"
	done
done
