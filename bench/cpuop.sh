#!/usr/bin/env bash
# Server CPU per request of a vcache node against redis-server, same run:
# redis-benchmark -c 50 -P $P -n $N -r $KEYS, one test at a time (SET, then
# GET), against servers preloaded with $KEYS keys (3-byte values, the
# benchmark's, key names the benchmark's -r names), alternating servers each
# round. For every run it reads the server's utime+stime (/proc/PID/stat)
# before and after and prints microseconds of CPU per request, then the
# median of the rounds and vcache/redis. CPU per request depends far less
# on what else the machine runs than ops/s does (a busy machine lowers both
# servers' ops/s unevenly, but not what each request costs); the load
# average is printed with the table. PERF=1 also counts the servers'
# system calls and context switches per request (perf stat; hardware
# counters too where the machine has them).
#
#   bench/cpuop.sh                      # N=2000000 (N1=200000 at -P 1), KEYS=1000000, P="16 1", ROUNDS=3
#   N=1000000 ROUNDS=5 P=16 bench/cpuop.sh
#   BASE=HEAD~1 bench/cpuop.sh          # also vcache built from that revision
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000000}
N1=${N1:-$((N / 10))} # requests at -P 1, ten times slower
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000000}
P=${P:-16 1}
TESTS=${TESTS:-set get}
VCACHE_ARGS=${VCACHE_ARGS:-}
. bench/lib.sh
need redis-server redis-benchmark redis-cli python3
build_vcache
servers="vcache redis"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base redis"
fi

# cpu PID prints the process's utime+stime in clock ticks.
cpu() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)

# The keys redis-benchmark -r $KEYS uses: key:%012d.
python3 - "$KEYS" > "$work/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); out = sys.stdout
for i in range(n):
    k = "key:%012d" % i
    out.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nxxx\r\n" % (len(k), k))
PY

declare -A port pid res
# The servers run in command substitutions, not as this script's jobs:
# stop them by pid on exit (and remove $work, as lib.sh's trap does).
trap 'kill "${pid[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
for server in $servers; do
	port[$server]=$(free_port)
	pid[$server]=$(start_$server "${port[$server]}")
	wait_port "${port[$server]}"
	redis-cli -p "${port[$server]}" --pipe < "$work/load.resp" >/dev/null
done
load0=$(cut -d' ' -f1-3 /proc/loadavg)

perfs=""
if [ -n "${PERF:-}" ] && command -v perf >/dev/null; then
	perfs="raw_syscalls:sys_enter,context-switches"
	if perf stat -e instructions -- true 2>&1 | grep -q 'not supported'; then
		echo "(no hardware counters here: instructions and cache-misses not counted)" >&2
	else
		perfs+=",instructions,cache-misses"
	fi
fi

for round in $(seq "$ROUNDS"); do
	for p in $P; do
		for t in $TESTS; do
			for server in $servers; do
				sp=${pid[$server]}
				if [ -n "$perfs" ]; then
					perf stat -x, -e "$perfs" -p "$sp" -o "$work/perf.$server" &
					ppid=$!
				fi
				n=$N
				[ "$p" != 1 ] || n=$N1
				if [ "$t" = zpopmin ]; then
					# Something to pop: about n members in redis-benchmark's
					# myzset first (not measured), else ZPOPMIN meets no key.
					redis-benchmark -p "${port[$server]}" -c 50 -n "$n" -r "$((n * 100))" -P 16 -t zadd >/dev/null 2>&1
				fi
				c0=$(cpu "$sp")
				ops=$(redis-benchmark -p "${port[$server]}" -c 50 -n "$n" -r "$KEYS" -P "$p" -t "$t" --csv 2>/dev/null |
					tr '\r' '\n' | awk -F'"' 'NR > 1 && $4 != "" {print $4; exit}')
				c1=$(cpu "$sp")
				us=$(awk -v d="$((c1 - c0))" -v hz="$hz" -v n="$n" 'BEGIN{printf "%.3f", d / hz * 1e6 / n}')
				res[$server,$p,$t]+="$us "
				res[$server,$p,$t,ops]+="$ops "
				extra=""
				if [ -n "$perfs" ]; then
					kill -INT "$ppid"; wait "$ppid" 2>/dev/null || true
					extra=$(awk -F, -v n="$n" '$1 ~ /^[0-9]+$/ {printf " %s/op %.3f", $3, $1 / n}' "$work/perf.$server")
					res[$server,$p,$t,perf]+="$(awk -F, -v n="$n" '$3=="raw_syscalls:sys_enter" {printf "%.3f", $1 / n}' "$work/perf.$server") "
				fi
				echo "round $round -P $p ${t^^} $server: $us µs/op, $ops ops/s$extra" >&2
			done
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "redis-benchmark -c 50 -n $N (-P 1: $N1) -r $KEYS, $KEYS keys preloaded, $ROUNDS rounds (medians); load average $load0 before, $load1 after"
echo
hdr="| test | redis µs/op |"
sep="|---|---|"
for s in $servers; do [ "$s" = redis ] || { hdr+=" $s µs/op | $s/redis |"; sep+="---|---|"; }; done
[ -z "$perfs" ] || { hdr+=" syscalls/op (redis, vcache) |"; sep+="---|"; }
hdr+=" vcache/redis ops/s |"; sep+="---|"
echo "$hdr"; echo "$sep"
for p in $P; do
	for t in $TESTS; do
		r=$(echo ${res[redis,$p,$t]} | tr ' ' '\n' | median)
		line="| ${t^^} -P $p | $r |"
		for s in $servers; do
			[ "$s" = redis ] && continue
			v=$(echo ${res[$s,$p,$t]} | tr ' ' '\n' | median)
			line+=" $v | $(printf %.2f "$(ratio "$v" "$r")") |"
		done
		if [ -n "$perfs" ]; then
			line+=" $(echo ${res[redis,$p,$t,perf]} | tr ' ' '\n' | median), $(echo ${res[vcache,$p,$t,perf]} | tr ' ' '\n' | median) |"
		fi
		ro=$(echo ${res[redis,$p,$t,ops]} | tr ' ' '\n' | median)
		vo=$(echo ${res[vcache,$p,$t,ops]} | tr ' ' '\n' | median)
		line+=" $(printf %.2f "$(ratio "$vo" "$ro")") |"
		echo "$line"
	done
done
