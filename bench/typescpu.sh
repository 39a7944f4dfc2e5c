#!/usr/bin/env bash
# Server CPU per request of bench/types.sh's tests, vcache against
# redis-server in the same run: each test is redis-benchmark -c 50 -n N
# -r 100000 -P P -t TEST on its own, and the server's CPU time (the sum of
# its threads' run time, /proc/PID/task/*/schedstat, in ns; utime+stime
# of /proc/PID/stat counts 10 ms ticks, too coarse for the fast tests at
# -P 16) before and after, divided by N. The servers run side by side and
# take turns at each test; the tests run in redis-benchmark's order on
# a flushed server for each depth, so each pop meets what redis-benchmark
# -t lpush,rpush,lpop,rpop,... leaves: LPOP and RPOP pop mylist, which
# LPUSH and RPUSH filled with 2N elements "xxx"; SPOP pops myset, which
# SADD filled with element:<0..99999>; ZPOPMIN pops myzset, filled by
# ZADD (so at most 100,000 of the N pops find a member: the size of
# the key before each pop test is printed). LRANGE_100 reads mylist
# after an LPUSH of N elements that is not measured (redis-benchmark's
# own "LPUSH (needed to benchmark LRANGE)"). A pop test's filling test
# left out of TESTS still runs, unmeasured.
#
# CPU per request depends much less on the machine's other work than
# ops/s does (other processes take turns on the cores, they do not add to
# the server's CPU time); the load average is printed with the table.
#
#   bench/typescpu.sh                       # N=200000, ROUNDS=5, PIPES="1 16"
#   TESTS=lpop,rpop PIPES=16 bench/typescpu.sh
#   BASE=main ROUNDS=5 bench/typescpu.sh    # also vcache built from main
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
ROUNDS=${ROUNDS:-5}
PIPES=${PIPES:-1 16}
TESTS=${TESTS:-lpush,rpush,lpop,rpop,sadd,spop,zadd,zpopmin,lrange_100}
. bench/lib.sh
need redis-server redis-benchmark redis-cli
build_vcache
servers=(vcache redis)
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers=(vcache base redis)
fi

# cpu_ns PID prints the CPU time of the process's threads, in ns.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f", s}'; }

# The sequence types.sh's redis-benchmark run goes through, and what
# each pop needs filled before it.
order=(lpush rpush lpop rpop sadd hset spop zadd zpopmin lrange_100)
declare -A fills=([lpop]="lpush rpush" [rpop]="lpush rpush" [spop]=sadd [zpopmin]=zadd)
declare -A sizecmd=([lpop]=LLEN [rpop]=LLEN [spop]=SCARD [zpopmin]=ZCARD)
declare -A keyof=([lpop]=mylist [rpop]=mylist [spop]=myset [zpopmin]=myzset)
want=",$TESTS,"
declare -A run=()
for t in "${order[@]}"; do
	[[ $want == *",$t,"* ]] || continue
	run[$t]=measure
	for f in ${fills[$t]:-}; do [ -n "${run[$f]:-}" ] || run[$f]=fill; done
done

declare -A ports pids res
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
for s in "${servers[@]}"; do
	ports[$s]=$(free_port)
	pids[$s]=$(start_$s "${ports[$s]}")
	wait_port "${ports[$s]}"
done
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# bench PORT P TEST prints redis-benchmark's ops/s for TEST (LRANGE_100
# as the command alone, without its LPUSH).
bench() {
	local args=(-t "$3")
	[ "$3" != lrange_100 ] || args=(LRANGE mylist 0 99)
	timeout 600 redis-benchmark -p "$1" -c 50 -n "$N" -r 100000 -P "$2" --csv "${args[@]}" 2>/dev/null |
		tr '\r' '\n' | awk -F'"' 'NR > 1 && $4 != "" {print $4; exit}'
}

for round in $(seq "$ROUNDS"); do
	for P in $PIPES; do
		for s in "${servers[@]}"; do redis-cli -p "${ports[$s]}" FLUSHALL >/dev/null; done
		for t in "${order[@]}"; do
			[ -n "${run[$t]:-}" ] || continue
			for s in "${servers[@]}"; do
				port=${ports[$s]} pid=${pids[$s]}
				if [ "${run[$t]}" = fill ]; then
					bench "$port" 16 "$t" >/dev/null
					continue
				fi
				[ "$t" != lrange_100 ] || bench "$port" 16 lpush >/dev/null
				size=""
				if [ -n "${sizecmd[$t]:-}" ]; then
					size=$(redis-cli -p "$port" "${sizecmd[$t]}" "${keyof[$t]}" | tr -d '\r')
					res[$s,$P,$t,size]+="$size "
				fi
				c0=$(cpu_ns "$pid")
				ops=$(bench "$port" "$P" "$t")
				c1=$(cpu_ns "$pid")
				us=$(awk -v d="$((c1 - c0))" -v n="$N" 'BEGIN {printf "%.3f", d / 1e3 / n}')
				res[$s,$P,$t]+="$us "
				res[$s,$P,$t,ops]+="$ops "
				echo "round $round -P $P ${t^^} $s: $us µs/op, $ops ops/s${size:+, key size $size before}" >&2
			done
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

med() { echo "${res[$1]:-0}" | tr ' ' '\n' | grep . | median; }
echo
echo "redis-benchmark -c 50 -n $N -r 100000, each test alone in types.sh's order, $ROUNDS rounds (medians); load average $load0 before, $load1 after"
echo
hdr="| test | redis µs/op |"
sep="|---|---|"
for s in "${servers[@]}"; do [ "$s" = redis ] || { hdr+=" $s µs/op | $s/redis |"; sep+="---|---|"; }; done
hdr+=" vcache/redis ops/s | key size before (redis, vcache) |"; sep+="---|---|"
echo "$hdr"; echo "$sep"
for P in $PIPES; do
	for t in "${order[@]}"; do
		[ "${run[$t]:-}" = measure ] || continue
		r=$(med "redis,$P,$t")
		line="| ${t^^} -P $P | $r |"
		for s in "${servers[@]}"; do
			[ "$s" = redis ] && continue
			v=$(med "$s,$P,$t")
			line+=" $v | $(printf %.2f "$(ratio "$v" "$r")") |"
		done
		line+=" $(printf %.2f "$(ratio "$(med "vcache,$P,$t,ops")" "$(med "redis,$P,$t,ops")")") |"
		if [ -n "${sizecmd[$t]:-}" ]; then
			line+=" $(med "redis,$P,$t,size"), $(med "vcache,$P,$t,size") |"
		else
			line+=" |"
		fi
		echo "$line"
	done
done
