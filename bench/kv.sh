#!/usr/bin/env bash
# Key-value throughput of vcache against redis-server, measured side by side
# in the same run: redis-benchmark -c 50 -r 100000 -t set,get at -P 1 and
# -P 16, alternating servers each round, then memory after loading 1M keys
# with 100-byte values. Prints medians and vcache/redis ratios.
#
#   bench/kv.sh                 # defaults: N=1000000 requests, ROUNDS=3
#   N=200000 ROUNDS=1 bench/kv.sh
#   BASE=HEAD~3 bench/kv.sh     # also runs vcache built from that git revision
#                               # ("base") in the same rounds, to compare a change
#   ROUNDS=0 bench/kv.sh        # memory only
#   IDLE=5 bench/kv.sh          # RSS again after 5 s idle (the default: vcache
#                               # gives freed heap back once idle, Redis keeps it)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000000}
IDLE=${IDLE:-5}
. bench/lib.sh
need redis-server redis-benchmark redis-cli
build_vcache
servers="vcache redis"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base redis"
fi

bench_one() { # port pipeline -> "set get" ops/s
	redis-benchmark -p "$1" -q -c 50 -n "$N" -r 100000 -P "$2" -t set,get 2>/dev/null |
		tr '\r' '\n' | awk '/requests per second/ {for(i=1;i<=NF;i++) if ($i ~ /^[0-9.]+$/ && $(i+1)=="requests") v=$i; printf "%s ", v} END {print ""}'
}

declare -A res
for round in $(seq "$ROUNDS"); do
	for server in $servers; do
		serve "$server"
		for P in 1 16; do
			read -r s g < <(bench_one "$port" "$P")
			res[$server,$P,set]+="$s "
			res[$server,$P,get]+="$g "
			echo "round $round $server -P $P: SET $s GET $g" >&2
		done
		stop_served
	done
done

if [ "$ROUNDS" -gt 0 ]; then
	echo
	if [ -n "${BASE:-}" ]; then
		echo "| test | redis-server ops/s | base ($BASE) ops/s | vcache ops/s | base/redis | vcache/redis | vcache/base |"
		echo "|---|---|---|---|---|---|---|"
	else
		echo "| test | redis-server ops/s | vcache ops/s | vcache/redis |"
		echo "|---|---|---|---|"
	fi
	for P in 1 16; do
		for t in set get; do
			r=$(echo ${res[redis,$P,$t]} | tr ' ' '\n' | median)
			v=$(echo ${res[vcache,$P,$t]} | tr ' ' '\n' | median)
			if [ -n "${BASE:-}" ]; then
				b=$(echo ${res[base,$P,$t]} | tr ' ' '\n' | median)
				printf "| %s -P %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f |\n" "${t^^}" "$P" "$r" "$b" "$v" "$(ratio "$b" "$r")" "$(ratio "$v" "$r")" "$(ratio "$v" "$b")"
			else
				printf "| %s -P %s | %.0f | %.0f | %.2f |\n" "${t^^}" "$P" "$r" "$v" "$(ratio "$v" "$r")"
			fi
		done
	done
fi

# Memory after loading $KEYS keys with 100-byte values.
python3 - "$KEYS" > "$work/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); v = "x" * 100; out = sys.stdout
for i in range(n):
    k = "key:%010d" % i
    out.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n" % (len(k), k, v))
PY
echo
echo "| after loading $KEYS keys x 100 B | used_memory | RSS | RSS after ${IDLE} s idle |"
echo "|---|---|---|---|"
for server in redis vcache; do
	serve "$server"
	redis-cli -p "$port" --pipe < "$work/load.resp" >/dev/null
	used=$(redis-cli -p "$port" INFO memory | tr -d '\r' | awk -F: '$1=="used_memory" {print $2}')
	rss=$(awk '/VmRSS/ {print $2*1024}' /proc/"$pid"/status)
	sleep "$IDLE"
	idle=$(awk '/VmRSS/ {print $2*1024}' /proc/"$pid"/status)
	printf "| %s | %.1f MiB | %.1f MiB | %.1f MiB |\n" "$server" "$(awk -v a="$used" 'BEGIN{print a/1048576}')" "$(awk -v a="$rss" 'BEGIN{print a/1048576}')" "$(awk -v a="$idle" 'BEGIN{print a/1048576}')"
	stop_served
done
