#!/usr/bin/env bash
# Throughput and memory of lists, sets, sorted sets and hashes in vcache
# against redis-server, measured side by side in the same run:
# redis-benchmark -c 50 -r 100000 -t lpush,rpush,lpop,rpop,sadd,spop,zadd,
# zpopmin,lrange_100,hset at -P 1 and -P 16, alternating servers each round,
# medians and vcache/redis ratios; then used_memory per element (and
# MEMORY USAGE of one key) after loading 100k small sorted sets, one 1M-member
# sorted set, 1M small hashes and 1M small sets of integers into each server.
#
#   bench/types.sh                          # defaults: N=1000000 requests, ROUNDS=3, SCALE=1
#   N=50000 ROUNDS=1 SCALE=0.05 bench/types.sh
#   BASE=main TESTS=zadd,hset PIPES=16 MEM=0 bench/types.sh
#
# SCALE multiplies the key and member counts of the memory part (1: the sizes above).
# BASE=<rev> adds vcache built from that revision to the throughput part
# (its own columns, taking its turn in each round); TESTS picks
# redis-benchmark's tests, PIPES the pipeline depths (1 16); MEM=0 skips
# the memory part.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
PIPES=${PIPES:-1 16}
SCALE=${SCALE:-1}
TESTS=${TESTS:-lpush,rpush,lpop,rpop,sadd,spop,zadd,zpopmin,lrange_100,hset}
. bench/lib.sh
need redis-server redis-benchmark redis-cli python3
build_vcache
servers="vcache redis"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base redis"
fi

bench_one() { # port pipeline -> lines "TEST ops/s"
	redis-benchmark -p "$1" -q -c 50 -n "$N" -r 100000 -P "$2" -t "$TESTS" 2>/dev/null |
		tr '\r' '\n' | awk -F: '/requests per second/ {
			name = $1; sub(/ .*/, "", name)
			n = split($2, w, " "); for (i = 1; i < n; i++) if (w[i+1] == "requests") v = w[i]
			print tolower(name), v }'
}

declare -A res
for round in $(seq "$ROUNDS"); do
	for server in $servers; do
		serve "$server"
		for P in $PIPES; do
			redis-cli -p "$port" FLUSHALL >/dev/null
			while read -r t v; do
				res[$server,$P,$t]+="$v "
				echo "round $round $server -P $P: $t $v" >&2
			done < <(bench_one "$port" "$P")
		done
		stop_served
	done
done

echo
hdr="| test | redis-server ops/s | vcache ops/s | vcache/redis |"
sep="|---|---|---|---|"
[ -z "${BASE:-}" ] || { hdr+=" base ops/s | base/redis |"; sep+="---|---|"; }
echo "$hdr"; echo "$sep"
for P in $PIPES; do
	for t in ${TESTS//,/ }; do
		r=$(echo ${res[redis,$P,$t]:-0} | tr ' ' '\n' | median)
		v=$(echo ${res[vcache,$P,$t]:-0} | tr ' ' '\n' | median)
		line=$(printf "| %s -P %s | %.0f | %.0f | %.2f |" "${t^^}" "$P" "$r" "$v" "$(ratio "$v" "$r")")
		if [ -n "${BASE:-}" ]; then
			b=$(echo ${res[base,$P,$t]:-0} | tr ' ' '\n' | median)
			line+=$(printf " %.0f | %.2f |" "$b" "$(ratio "$b" "$r")")
		fi
		echo "$line"
	done
done
[ "${MEM:-1}" != 0 ] || exit 0

# Memory: each data set is loaded into a fresh server with redis-cli --pipe;
# used_memory after minus before, per element (member or field), and MEMORY
# USAGE of one key of the set.
python3 - "$SCALE" "$work" <<'PY'
import sys
scale, work = float(sys.argv[1]), sys.argv[2]
def cmd(out, *args):
    out.write("*%d\r\n" % len(args))
    for a in args:
        a = str(a)
        out.write("$%d\r\n%s\r\n" % (len(a.encode()), a))
def gen(name, fn):
    with open("%s/%s.resp" % (work, name), "w") as out:
        elems, key = fn(out)
    with open("%s/%s.meta" % (work, name), "w") as m:
        m.write("%d %s\n" % (elems, key))
def small_zsets(out):
    n = int(100000 * scale)
    for i in range(n):
        cmd(out, "ZADD", "z:%d" % i, 1, "alpha", 2, "beta", 3, "gamma", 4, "delta", 5, "epsilon")
    return 5 * n, "z:0"
def big_zset(out):
    n, step = int(1000000 * scale), 1000
    for i in range(0, n, step):
        args = []
        for j in range(i, min(n, i + step)):
            args += [j * 0.5, "member:%d" % j]
        cmd(out, "ZADD", "bigz", *args)
    return n, "bigz"
def small_hashes(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "HSET", "h:%d" % i, "name", "user%d" % i, "age", i % 90, "city", "paris")
    return 3 * n, "h:0"
def int_sets(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "SADD", "s:%d" % i, i, i + 1, i + 2, i + 3)
    return 4 * n, "s:0"
gen("100k small zsets (5 members)", small_zsets)
gen("one 1M-member zset", big_zset)
gen("1M small hashes (3 fields)", small_hashes)
gen("1M small integer sets (4 members)", int_sets)
PY
declare -A mem
for f in "$work"/*.resp; do
	name=$(basename "$f" .resp)
	read -r elems key < "$work/$name.meta"
	for server in vcache redis; do
		serve "$server"
		before=$(used "$port")
		redis-cli -p "$port" --pipe < "$f" >/dev/null
		after=$(used "$port")
		mu=$(redis-cli -p "$port" MEMORY USAGE "$key" | tr -d '\r')
		mem[$name,$server]=$(awk -v a="$after" -v b="$before" -v n="$elems" 'BEGIN{printf "%.1f", (a-b)/n}')
		mem[$name,$server,usage]=$mu
		mem[$name,$server,enc]=$(redis-cli -p "$port" OBJECT ENCODING "$key" | tr -d '\r')
		stop_served
	done
done
echo
echo "| data set (SCALE=$SCALE) | redis-server B/element | vcache B/element | vcache/redis | MEMORY USAGE of one key, redis / vcache | encoding, redis / vcache |"
echo "|---|---|---|---|---|---|"
for f in "$work"/*.resp; do
	name=$(basename "$f" .resp)
	r=${mem[$name,redis]}; v=${mem[$name,vcache]}
	printf "| %s | %s | %s | %.2f | %s / %s | %s / %s |\n" "$name" "$r" "$v" "$(ratio "$v" "$r")" \
		"${mem[$name,redis,usage]}" "${mem[$name,vcache,usage]}" "${mem[$name,redis,enc]}" "${mem[$name,vcache,enc]}"
done
