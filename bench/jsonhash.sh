#!/usr/bin/env bash
# JSON.SET and JSON.GET against HSET and HGET of the same fields on vcache,
# measured side by side in the same run: redis-benchmark -c 50 -n N on
# 100k random keys at -P 1 and -P 16 of
#   JSON.SET j:<n> $ {"a":1,"b":"x"}     against HSET h:<n> a 1 b x
#   JSON.GET j:<n> $.a                   against HGET h:<n> a
#   JSON.GET j:<n>                       against HGETALL h:<n>
# (the 100k keys of each kind are written first, so every read finds its
# key). Each round runs every pair, JSON then hash, so the two alternate;
# medians of ROUNDS of the ops/s and of the server's CPU per request
# (utime+stime from /proc/PID/stat), with JSON/hash ratios. redis-server's
# HSET/HGET/HGETALL are given beside them for scale (it has no JSON).
#
#   bench/jsonhash.sh                         # N=200000 ROUNDS=3
#   N=50000 ROUNDS=1 bench/jsonhash.sh
#   REDIS=0 bench/jsonhash.sh                 # vcache only
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
ROUNDS=${ROUNDS:-3}
REDIS=${REDIS:-1}
. bench/lib.sh
need redis-server redis-benchmark redis-cli python3
build_vcache

# fill PORT JSON(0|1): the 100k keys redis-benchmark's -r 100000 names
# (12-digit __rand_int__), hashes under h: and, with JSON=1, documents
# under j:.
fill() {
	python3 - "$2" <<'PY' | redis-cli -p "$1" --pipe >/dev/null
import sys
def cmd(*a):
    b = "*%d\r\n" % len(a)
    for x in a:
        b += "$%d\r\n%s\r\n" % (len(x.encode()), x)
    return b
out = sys.stdout
for i in range(100000):
    k = "%012d" % i
    out.write(cmd("HSET", "h:" + k, "a", "1", "b", "x"))
    if sys.argv[1] == "1":
        out.write(cmd("JSON.SET", "j:" + k, "$", '{"a":1,"b":"x"}'))
PY
}

declare -A res cpus
cpu() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)
measure() { # SERVER TEST CMD...: notes ops/s and CPU µs per request
	local server=$1 t=$2 c0 v c1
	shift 2
	c0=$(cpu "$pid")
	v=$("$@")
	c1=$(cpu "$pid")
	res[$server,$t]+="$v "
	cpus[$server,$t]+="$(awk -v a="$c0" -v b="$c1" -v n="$N" -v hz="$hz" 'BEGIN{printf "%.3f", (b-a)*1e6/hz/n}') "
	echo "round $round $server: $t $v" >&2
}
servers=vcache
[ "$REDIS" = 1 ] && servers="vcache redis"
pairs=("SET" "GET field" "GET all")
for round in $(seq "$ROUNDS"); do
	for server in $servers; do
		serve "$server"
		fill "$port" "$([ "$server" = vcache ] && echo 1 || echo 0)"
		for P in 1 16; do
			if [ "$server" = vcache ]; then
				measure $server "JSON SET -P $P" bench_cmd "$port" "$P" JSON.SET j:__rand_int__ '$' '{"a":1,"b":"x"}'
			fi
			measure $server "hash SET -P $P" bench_cmd "$port" "$P" HSET h:__rand_int__ a 1 b x
			if [ "$server" = vcache ]; then
				measure $server "JSON GET field -P $P" bench_cmd "$port" "$P" JSON.GET j:__rand_int__ '$.a'
			fi
			measure $server "hash GET field -P $P" bench_cmd "$port" "$P" HGET h:__rand_int__ a
			if [ "$server" = vcache ]; then
				measure $server "JSON GET all -P $P" bench_cmd "$port" "$P" JSON.GET j:__rand_int__
			fi
			measure $server "hash GET all -P $P" bench_cmd "$port" "$P" HGETALL h:__rand_int__
		done
		stop_served
	done
done

med() { echo ${1:-0} | tr ' ' '\n' | median; }
names() { case $1 in SET) echo "JSON.SET / HSET" ;; "GET field") echo "JSON.GET \$.a / HGET a" ;; *) echo "JSON.GET / HGETALL" ;; esac; }
echo
head=("" "")
[ "$REDIS" = 1 ] && head=(" redis-server hash ops/s | redis-server hash CPU µs/req |" "---|---|")
echo "| vcache (N=$N, ROUNDS=$ROUNDS) | JSON ops/s | hash ops/s | JSON/hash | JSON CPU µs/req | hash CPU µs/req | JSON/hash CPU |${head[0]}"
echo "|---|---|---|---|---|---|---|${head[1]}"
for P in 1 16; do
	for p in "${pairs[@]}"; do
		j=$(med "${res[vcache,JSON $p -P $P]}") h=$(med "${res[vcache,hash $p -P $P]}")
		jc=$(med "${cpus[vcache,JSON $p -P $P]}") hc=$(med "${cpus[vcache,hash $p -P $P]}")
		printf "| %s, -P %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.2f |" "$(names "$p")" "$P" "$j" "$h" "$(ratio "$j" "$h")" "$jc" "$hc" "$(ratio "$jc" "$hc")"
		if [ "$REDIS" = 1 ]; then
			printf " %.0f | %.3f |" "$(med "${res[redis,hash $p -P $P]}")" "$(med "${cpus[redis,hash $p -P $P]}")"
		fi
		echo
	done
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
