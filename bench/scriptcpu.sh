#!/usr/bin/env bash
# Server CPU per script call of vcache against redis-server, in the same
# run: the server's utime+stime (/proc/PID/stat) before and after
# redis-benchmark -c 50 sends N calls, divided by N. CPU per call depends
# much less on the machine's load than ops/s does (other processes take
# turns on the cores, they do not add to the server's CPU time), so the
# vcache/redis ratio holds on a shared machine. The servers run side by
# side and take turns at each test; medians of ROUNDS, at -P 1 and -P 16:
#   - GET without a script (the floor a script call adds to);
#   - EVALSHA of return redis.call('GET', KEYS[1]) on keys SET before;
#   - EVALSHA of a rate limiter: INCR, EXPIRE on the first hit, compare;
#   - EVALSHA of a lock: SET NX PX, 1 or 0;
#   - FCALL of the GET function and of the rate limiter.
#
# BASE=<commit> adds a third server, vcache built from that commit, in
# the same rounds (to see what a change does, against the same load).
#
#   bench/scriptcpu.sh                 # N=100000 calls a test, ROUNDS=3
#   N=20000 ROUNDS=1 bench/scriptcpu.sh
#   BASE=main bench/scriptcpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${N:-100000}
ROUNDS=${ROUNDS:-3}
need redis-server redis-benchmark redis-cli python3
build_vcache
hz=$(getconf CLK_TCK)
servers=(vcache redis)
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers+=(base)
fi

GET_SCRIPT="return redis.call('GET', KEYS[1])"
RATE_SCRIPT="local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if c > tonumber(ARGV[2]) then return 0 end
return 1"
LOCK_SCRIPT="if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0"
LIB="#!lua name=cpulib
redis.register_function('get1', function(keys, args) return redis.call('GET', keys[1]) end)
redis.register_function('rate', function(keys, args)
local c = redis.call('INCR', keys[1])
if c == 1 then redis.call('EXPIRE', keys[1], args[1]) end
if c > tonumber(args[2]) then return 0 end
return 1
end)"

# ticks PID prints the process's utime+stime in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# cpu_per_call PID PORT PIPELINE COMMAND... prints the server's CPU
# microseconds per call over N calls.
cpu_per_call() {
	local pid=$1 port=$2 p=$3 before after
	shift 3
	before=$(ticks "$pid")
	timeout 300 redis-benchmark -p "$port" -q -c 50 -n "$N" -r 100000 -P "$p" "$@" >/dev/null 2>&1
	after=$(ticks "$pid")
	awk -v d=$((after - before)) -v hz="$hz" -v n="$N" 'BEGIN{printf "%.2f\n", d * 1e6 / hz / n}'
}

declare -A res
tests=()
note() { # server test value
	res[$1,$2]+="$3 "
	[[ " ${tests[*]} " == *" $2 "* ]] || tests+=("$2")
	echo "round $round $1: $2 $3" >&2
}
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A pids ports shas
for server in "${servers[@]}"; do
	port=$(free_port)
	pids[$server]=$(start_$server "$port")
	ports[$server]=$port
	wait_port "$port"
	shas[$server,get]=$(redis-cli -p "$port" SCRIPT LOAD "$GET_SCRIPT" | tr -d '\r')
	shas[$server,rate]=$(redis-cli -p "$port" SCRIPT LOAD "$RATE_SCRIPT" | tr -d '\r')
	shas[$server,lock]=$(redis-cli -p "$port" SCRIPT LOAD "$LOCK_SCRIPT" | tr -d '\r')
	redis-cli -p "$port" FUNCTION LOAD REPLACE "$LIB" >/dev/null
	timeout 300 redis-benchmark -p "$port" -q -c 50 -n 200000 -r 100000 -P 16 -t set >/dev/null 2>&1
done
# Each test runs on every server in turn, ROUNDS times, so that a change
# of the machine's load falls on all of them alike.
for P in 1 16; do
	for test in get evalget rate lock fget frate; do
		for round in $(seq "$ROUNDS"); do
			for server in "${servers[@]}"; do
				pid=${pids[$server]} port=${ports[$server]}
				case $test in
				get) note $server "GET (no script), -P $P" "$(cpu_per_call "$pid" "$port" "$P" GET key:__rand_int__)" ;;
				evalget) note $server "EVALSHA GET, -P $P" "$(cpu_per_call "$pid" "$port" "$P" EVALSHA "${shas[$server,get]}" 1 key:__rand_int__)" ;;
				rate) note $server "EVALSHA rate limiter, -P $P" "$(cpu_per_call "$pid" "$port" "$P" EVALSHA "${shas[$server,rate]}" 1 rl:__rand_int__ 60 100)" ;;
				lock) note $server "EVALSHA SET NX PX lock, -P $P" "$(cpu_per_call "$pid" "$port" "$P" EVALSHA "${shas[$server,lock]}" 1 lock:__rand_int__ tok 30000)" ;;
				fget) note $server "FCALL GET, -P $P" "$(cpu_per_call "$pid" "$port" "$P" FCALL get1 1 key:__rand_int__)" ;;
				frate) note $server "FCALL rate limiter, -P $P" "$(cpu_per_call "$pid" "$port" "$P" FCALL rate 1 rl:__rand_int__ 60 100)" ;;
				esac
			done
		done
	done
done
for server in "${servers[@]}"; do
	kill "${pids[$server]}"; wait "${pids[$server]}" 2>/dev/null || true
done

echo
if [ -n "${BASE:-}" ]; then
	echo "| server CPU per call (N=$N, ROUNDS=$ROUNDS, -c 50) | redis-server µs | vcache $BASE µs | vcache µs | $BASE/redis | vcache/redis |"
	echo "|---|---|---|---|---|---|"
else
	echo "| server CPU per call (N=$N, ROUNDS=$ROUNDS, -c 50) | redis-server µs | vcache µs | vcache/redis |"
	echo "|---|---|---|---|"
fi
for t in "${tests[@]}"; do
	r=$(echo ${res[redis,$t]:-0} | tr ' ' '\n' | median)
	v=$(echo ${res[vcache,$t]:-0} | tr ' ' '\n' | median)
	if [ -n "${BASE:-}" ]; then
		b=$(echo ${res[base,$t]:-0} | tr ' ' '\n' | median)
		printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n" "$t" "$r" "$b" "$v" "$(ratio "$b" "$r")" "$(ratio "$v" "$r")"
	else
		printf "| %s | %.2f | %.2f | %.2f |\n" "$t" "$r" "$v" "$(ratio "$v" "$r")"
	fi
done
echo
echo "load average: $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
