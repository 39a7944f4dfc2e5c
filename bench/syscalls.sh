#!/usr/bin/env bash
# System calls per request, by type, of a vcache node against redis-server,
# same run: redis-benchmark -c 50 -P $P -n $N, one test at a time (SET, then
# GET), each server in turn, counted for the server's process only with
# perf stat's syscall tracepoints (syscalls:sys_enter_*, every thread of the
# process). Prints, per test, each server's system calls per request by
# type (those of at least 0.005 per request) and in all, context switches
# per request, and the benchmark's ops/s. The counts depend little on what
# else the machine runs (the load average is printed with them); ops/s do,
# so compare them only between servers of the same run. TESTS may also name
# evalsha: EVALSHA of return redis.call('GET', KEYS[1]) on random keys.
#
#   bench/syscalls.sh                   # N=200000 at -P 1, N16=1000000 at -P 16, P="1 16"
#   P=1 TESTS=get bench/syscalls.sh
#   P=1 TESTS="get evalsha" bench/syscalls.sh
#   BASE=main bench/syscalls.sh         # also vcache built from that revision
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
N16=${N16:-1000000} # requests at any -P above 1
P=${P:-1 16}
TESTS=${TESTS:-set get}
. bench/lib.sh

# --- syscalls.sh's own helpers ---

# count_syscalls PID N CMD... runs CMD while perf counts PID's system calls
# (and context switches) and prints "name per-request" lines, N requests.
count_syscalls() {
	local pid=$1 n=$2 out ppid
	shift 2
	out=$(mktemp -p "$work")
	perf stat -x, -e 'syscalls:sys_enter_*' -e context-switches -p "$pid" -o "$out" &
	ppid=$!
	# perf attaches to every thread before it counts; give it a moment,
	# checked by its output file having its header.
	for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
	"$@" 2>/dev/null | tr '\r' '\n' | awk '/requests per second/ {for (i = 2; i <= NF; i++) if ($i == "requests") printf "ops/s %d\n", $(i - 1)}'
	kill -INT "$ppid"
	wait "$ppid" 2>/dev/null || true
	awk -F, -v n="$n" '$1 ~ /^[0-9]+$/ && $1 > 0 {
		name = $3; sub(/^syscalls:sys_enter_/, "", name)
		printf "%s %.4f\n", name, $1 / n
	}' "$out"
}

# --- end of syscalls.sh's own helpers ---

need redis-server redis-benchmark redis-cli python3 perf
build_vcache
servers="vcache redis"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base redis"
fi
declare -A port pid
# The servers run in command substitutions, not as this script's jobs:
# stop them by pid on exit (and remove $work, as lib.sh's trap does).
trap 'kill "${pid[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
for server in $servers; do
	port[$server]=$(free_port)
	pid[$server]=$(start_$server "${port[$server]}")
	wait_port "${port[$server]}"
done
load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A per
for p in $P; do
	n=$N
	[ "$p" = 1 ] || n=$N16
	for t in $TESTS; do
		for server in $servers; do
			what=(-t "$t")
			if [ "$t" = evalsha ]; then
				sha=$(redis-cli -p "${port[$server]}" SCRIPT LOAD "return redis.call('GET', KEYS[1])" | tr -d '\r')
				what=(-r 100000 EVALSHA "$sha" 1 key:__rand_int__)
			fi
			per[$server,$p,$t]=$(count_syscalls "${pid[$server]}" "$n" \
				timeout 300 redis-benchmark -p "${port[$server]}" -c 50 -n "$n" -P "$p" -q "${what[@]}")
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "redis-benchmark -c 50 -n $N (-P above 1: $N16), system calls per request of each server process (perf stat); load average $load0 before, $load1 after"
for p in $P; do
	for t in $TESTS; do
		echo
		echo "${t^^} -P $p"
		hdr="| system call |"
		sep="|---|"
		for s in $servers; do hdr+=" $s |"; sep+="---|"; done
		echo "$hdr"
		echo "$sep"
		names=$(for s in $servers; do echo "${per[$s,$p,$t]}"; done |
			awk '$1 != "context-switches" && $1 != "ops/s" && $2 >= 0.005 {print $1}' | sort -u)
		for name in $names total context-switches ops/s; do
			line="| $name |"
			for s in $servers; do
				v=$(echo "${per[$s,$p,$t]}" | awk -v k="$name" '
					k == "total" && $1 != "context-switches" && $1 != "ops/s" {sum += $2; next}
					$1 == k {sum += $2}
					END {printf(k == "ops/s" ? "%d" : "%.3f", sum)}')
				line+=" $v |"
			done
			echo "$line"
		done
	done
done
