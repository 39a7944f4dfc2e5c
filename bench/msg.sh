#!/usr/bin/env bash
# Messaging and scripting throughput of vcache against redis-server,
# measured side by side in the same run (alternating servers each round,
# medians and vcache/redis ratios):
#   - PUBLISH with no subscriber and with one subscriber reading
#     (redis-cli SUBSCRIBE), redis-benchmark -c 50 at -P 1 and -P 16;
#   - EVALSHA of return redis.call('INCR', KEYS[1]) and FCALL of the same
#     function, on 100k random keys, -c 50 at -P 1 and -P 16;
#   - SUBSCRIBE fan-out: SUBS subscribers on one channel, one publisher
#     pipelining MSGS messages; deliveries per second until every
#     subscriber has read every message;
#   - SET on 100k random keys, -P 1 and -P 16, with a MONITOR reading
#     every command (monitor), and with a RESP3 client tracking every key
#     (CLIENT TRACKING ON BCAST: one invalidation per SET; tracking).
# With the ops/s it prints each server's CPU (utime+stime from /proc) per
# request, or per delivery for the fan-out: what a request costs depends
# far less on what else the machine runs than ops/s do.
#
#   bench/msg.sh                              # defaults: N=200000 requests, ROUNDS=3, SUBS=20, MSGS=20000
#   N=20000 ROUNDS=1 SUBS=10 MSGS=5000 bench/msg.sh
#   TESTS="publish fanout" bench/msg.sh       # only these groups (publish, script, fanout, monitor, tracking)
#   BASE=main bench/msg.sh                    # also vcache built from that revision
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
ROUNDS=${ROUNDS:-3}
SUBS=${SUBS:-20}
MSGS=${MSGS:-20000}
TESTS=${TESTS:-publish script fanout}
want() { [[ " $TESTS " == *" $1 "* ]]; }
. bench/lib.sh
need redis-server redis-benchmark redis-cli python3
build_vcache
servers="vcache redis"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base redis"
fi

SCRIPT="return redis.call('INCR', KEYS[1])"
LIB=$'#!lua name=benchmsg\nredis.register_function(\'incr1\', function(keys, args) return redis.call(\'INCR\', keys[1]) end)'

# fanout port -> deliveries/s: SUBS subscribers, MSGS messages of 16 bytes.
fanout() {
	timeout 300 python3 - "$1" "$SUBS" "$MSGS" <<'PY'
import selectors, socket, sys, time
port, subs, msgs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, "bench")
from resp import cmd
def readn(s, n):
    got = b""
    while len(got) < n:
        d = s.recv(n - len(got))
        if not d:
            sys.exit("connection closed")
        got += d
    return got
conf = b"*3\r\n$9\r\nsubscribe\r\n$6\r\nfanout\r\n:1\r\n"
payload = b"x" * 16
one = b"*3\r\n$7\r\nmessage\r\n$6\r\nfanout\r\n$16\r\n" + payload + b"\r\n"
ss = []
for _ in range(subs):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(cmd("SUBSCRIBE", "fanout"))
    if readn(s, len(conf)) != conf:
        sys.exit("unexpected SUBSCRIBE reply")
    s.setblocking(False)
    ss.append(s)
pub = socket.create_connection(("127.0.0.1", port))
sel = selectors.DefaultSelector()
left = {}
for s in ss:
    sel.register(s, selectors.EVENT_READ)
    left[s] = msgs * len(one)
batch = cmd("PUBLISH", "fanout", payload) * 100
rep = b":%d\r\n" % subs
t0 = time.perf_counter()
sent = 0
pending = b""
while sent < msgs or any(left.values()):
    if sent < msgs:
        pub.sendall(batch)
        sent += 100
        want = len(rep) * 100
        while len(pending) < want:
            pending += pub.recv(65536)
        if pending[:want] != rep * 100:
            sys.exit("PUBLISH did not reach every subscriber")
        pending = pending[want:]
    for key, _ in sel.select(timeout=0 if sent < msgs else 10):
        d = key.fileobj.recv(1 << 20)
        if not d:
            sys.exit("subscriber closed")
        left[key.fileobj] -= len(d)
    if time.perf_counter() - t0 > 240:
        sys.exit("fan-out took too long")
dt = time.perf_counter() - t0
print("%.0f" % (subs * msgs / dt))
PY
}

# tracker port: a RESP3 client tracking every key (BCAST), reading its
# invalidations until it is killed.
tracker() {
	exec python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*4\r\n$6\r\nCLIENT\r\n$8\r\nTRACKING\r\n$2\r\nON\r\n$5\r\nBCAST\r\n")
while s.recv(1 << 20):
    pass
PY
}

# with_reader test kind: runs SET -P 1 and -P 16 while a reader of that
# kind (monitor, tracking) is connected.
with_reader() {
	local t=$1 reader
	if [ "$t" = monitor ]; then
		redis-cli -p "$port" MONITOR >/dev/null &
	else
		tracker "$port" &
	fi
	reader=$!
	for _ in $(seq 100); do
		[ "$(redis-cli -p "$port" CLIENT LIST | grep -c "flags=[A-Za-z]*[Ot]")" -ge 1 ] && break
		sleep 0.1
	done
	for P in 1 16; do
		measure $server "SET with a $t reader, -P $P" "$N" bench_cmd "$port" "$P" SET key:__rand_int__ v
	done
	kill "$reader"; wait "$reader" 2>/dev/null || true
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{print (b > 0 ? a/b : 0)}'; }

declare -A res cpus
tests=()
note() { # server test value
	res[$1,$2]+="$3 "
	[[ " ${tests[*]} " == *" $2 "* ]] || tests+=("$2")
	echo "round $round $1: $2 $3" >&2
}
cpu() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)
# measure SERVER TEST COUNT CMD... notes CMD's output (ops/s) and the
# server's ($pid's) CPU microseconds per operation, COUNT operations.
measure() {
	local server=$1 t=$2 count=$3 c0 v c1
	shift 3
	c0=$(cpu "$pid")
	v=$("$@")
	c1=$(cpu "$pid")
	note "$server" "$t" "$v"
	cpus[$server,$t]+="$(awk -v a="$c0" -v b="$c1" -v n="$count" -v hz="$hz" 'BEGIN{printf "%.3f", (b-a)*1e6/hz/n}') "
}
for round in $(seq "$ROUNDS"); do
	for server in $servers; do
		serve "$server"
		sha=$(redis-cli -p "$port" SCRIPT LOAD "$SCRIPT" | tr -d '\r')
		redis-cli -p "$port" FUNCTION LOAD REPLACE "$LIB" >/dev/null
		if want publish; then
			for P in 1 16; do
				measure $server "PUBLISH, 0 subscribers, -P $P" "$N" bench_cmd "$port" "$P" PUBLISH ch msg
			done
			redis-cli -p "$port" SUBSCRIBE ch >/dev/null &
			sub=$!
			for _ in $(seq 100); do
				[ "$(redis-cli -p "$port" PUBSUB NUMSUB ch | tail -1 | tr -d '\r')" = 1 ] && break
				sleep 0.1
			done
			for P in 1 16; do
				measure $server "PUBLISH, 1 subscriber, -P $P" "$N" bench_cmd "$port" "$P" PUBLISH ch msg
			done
			kill "$sub"; wait "$sub" 2>/dev/null || true
		fi
		if want script; then
			for P in 1 16; do
				measure $server "EVALSHA INCR, -P $P" "$N" bench_cmd "$port" "$P" EVALSHA "$sha" 1 key:__rand_int__
				measure $server "FCALL INCR, -P $P" "$N" bench_cmd "$port" "$P" FCALL incr1 1 key:__rand_int__
			done
		fi
		for t in monitor tracking; do
			if want $t; then with_reader $t; fi
		done
		if want fanout; then
			measure $server "fan-out deliveries/s, $SUBS subscribers" $((SUBS * MSGS)) fanout "$port"
		fi
		stop_served
	done
done

echo
echo "| test (N=$N, ROUNDS=$ROUNDS) | redis-server ops/s | vcache ops/s | vcache/redis |"
echo "|---|---|---|---|"
for t in "${tests[@]}"; do
	r=$(echo ${res[redis,$t]:-0} | tr ' ' '\n' | median)
	v=$(echo ${res[vcache,$t]:-0} | tr ' ' '\n' | median)
	printf "| %s | %.0f | %.0f | %.2f |\n" "$t" "$r" "$v" "$(ratio "$v" "$r")"
done
if [ -n "${BASE:-}" ]; then
	echo
	echo "| test | vcache $BASE ops/s | $BASE/redis | vcache/$BASE |"
	echo "|---|---|---|---|"
	for t in "${tests[@]}"; do
		r=$(echo ${res[redis,$t]:-0} | tr ' ' '\n' | median)
		v=$(echo ${res[vcache,$t]:-0} | tr ' ' '\n' | median)
		b=$(echo ${res[base,$t]:-0} | tr ' ' '\n' | median)
		printf "| %s | %.0f | %.2f | %.2f |\n" "$t" "$b" "$(ratio "$b" "$r")" "$(ratio "$v" "$b")"
	done
fi
echo
echo "| server CPU µs per request (fan-out: per delivery) | redis-server | vcache | vcache/redis |${BASE:+ vcache $BASE | vcache/$BASE |}"
echo "|---|---|---|---|${BASE:+---|---|}"
for t in "${tests[@]}"; do
	r=$(echo ${cpus[redis,$t]:-0} | tr ' ' '\n' | median)
	v=$(echo ${cpus[vcache,$t]:-0} | tr ' ' '\n' | median)
	printf "| %s | %.3f | %.3f | %.2f |" "$t" "$r" "$v" "$(ratio "$v" "$r")"
	if [ -n "${BASE:-}" ]; then
		b=$(echo ${cpus[base,$t]:-0} | tr ' ' '\n' | median)
		printf " %.3f | %.2f |" "$b" "$(ratio "$v" "$b")"
	fi
	echo
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
