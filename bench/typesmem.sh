#!/usr/bin/env bash
# Memory per element of sorted sets, hashes, lists and sets in vcache against
# redis-server, both started alike on free ports: used_memory and RSS
# (VmRSS of the process) after loading minus before, divided by the
# elements loaded (members or fields). Bytes do not depend on the
# machine's load, so one run is enough.
#
#   bench/typesmem.sh                 # every data set below
#   SCALE=0.1 bench/typesmem.sh       # a tenth of each
#   SETS=bigz bench/typesmem.sh       # only some data sets
#   BASE=main SETS=bigh bench/typesmem.sh  # also vcache built from that revision
#   CONFIG="list-compress-depth 1" SETS=bigl bench/typesmem.sh  # CONFIG SET in every server first
#   IDLE=10 bench/typesmem.sh         # RSS read again after 10 s idle (default 5)
#
# smallz: 100k zsets x 10; bigz: one 1M-member zset; hashes: 1M hashes x 5
# fields; bigh: one 1M-field hash; smalll: 100k lists x 10 elements of 10 B; bigl: one 1M-element
# list; smallis: 100k sets x 10 integers (intset); smallss: 100k sets x 10
# strings (hashtable in Redis 7.0, listpack from 7.2); bigs: one 1M-member set.
#
# Small keys, bytes per key rather than per element (SETS=keys picks them
# all): k1s: 1M sets of one short string member; k1i, k5i: 1M sets of 1
# and 5 small integers; k3l: 1M lists of 3 short elements; k1z, k5z: 1M sorted sets of
# 1 and 5 members; k1h, k5h: 1M hashes of 1 and 5 short fields.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
IDLE=${IDLE:-5} # seconds before RSS is read again (vcache gives freed heap back once idle)
SETS=${SETS:-smallz,bigz,hashes,smalll,bigl,smallis,smallss,bigs}
[[ $SETS != keys ]] || SETS=k1s,k1i,k5i,k3l,k1z,k5z,k1h,k5h
. bench/lib.sh
need redis-server redis-cli python3
build_vcache
servers="redis vcache"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="redis vcache base"
fi

rss() { awk '/VmRSS/ {print $2*1024}' /proc/"$1"/status; }

python3 - "$SCALE" "$work" "$SETS" <<'PY'
import sys
scale, work, sets = float(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
def cmd(out, *args):
    out.write("*%d\r\n" % len(args))
    for a in args:
        a = str(a)
        out.write("$%d\r\n%s\r\n" % (len(a.encode()), a))
def smallz(out):
    n = int(100000 * scale)
    for i in range(n):
        args = []
        for j in range(10):
            args += [j * 1.5 if j % 2 else j, "member:%d" % j]
        cmd(out, "ZADD", "z:%d" % i, *args)
    return 10 * n, "z:0", "100k sorted sets x 10 members"
def bigz(out):
    n, step = int(1000000 * scale), 1000
    for i in range(0, n, step):
        args = []
        for j in range(i, min(n, i + step)):
            args += [j * 0.5, "member:%d" % j]
        cmd(out, "ZADD", "bigz", *args)
    return n, "bigz", "one 1M-member sorted set"
def hashes(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "HSET", "h:%d" % i, "name", "user%d" % i, "age", i % 90, "city", "paris",
            "email", "user%d@example.com" % i, "active", i % 2)
    return 5 * n, "h:0", "1M hashes x 5 fields"
def bigh(out):
    n, step = int(1000000 * scale), 1000
    for i in range(0, n, step):
        args = []
        for j in range(i, min(n, i + step)):
            args += ["field:%d" % j, "value:%d" % j]
        cmd(out, "HSET", "bigh", *args)
    return n, "bigh", "one 1M-field hash"
def smalll(out):
    n = int(100000 * scale)
    for i in range(n):
        cmd(out, "RPUSH", "l:%d" % i, *["elem%06d" % j for j in range(10)])
    return 10 * n, "l:0", "100k lists x 10 elements of 10 B"
def bigl(out):
    n, step = int(1000000 * scale), 1000
    for i in range(0, n, step):
        cmd(out, "RPUSH", "bigl", *["elem%06d" % j for j in range(i, min(n, i + step))])
    return n, "bigl", "one 1M-element list (10 B elements)"
def smallis(out):
    n = int(100000 * scale)
    for i in range(n):
        cmd(out, "SADD", "is:%d" % i, *[i * 10 + j for j in range(10)])
    return 10 * n, "is:0", "100k sets x 10 integers"
def smallss(out):
    n = int(100000 * scale)
    for i in range(n):
        cmd(out, "SADD", "ss:%d" % i, *["member:%d" % j for j in range(10)])
    return 10 * n, "ss:0", "100k sets x 10 strings"
def bigs(out):
    n, step = int(1000000 * scale), 1000
    for i in range(0, n, step):
        cmd(out, "SADD", "bigs", *["member:%d" % j for j in range(i, min(n, i + step))])
    return n, "bigs", "one 1M-member set"
def k1s(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "SADD", "s:%d" % i, "m")
    return n, "s:0", "1M sets x 1 member 'm' (per key)"
def k1i(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "SADD", "s:%d" % i, i % 30000)
    return n, "s:0", "1M sets x 1 small int (per key)"
def k5i(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "SADD", "s:%d" % i, 1, 2, 3, 4, 5)
    return n, "s:0", "1M sets x 5 small ints (per key)"
def k3l(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "RPUSH", "l:%d" % i, "a", "bb", "ccc")
    return n, "l:0", "1M lists x 3 short elements (per key)"
def k1z(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "ZADD", "z:%d" % i, 1, "m")
    return n, "z:0", "1M zsets x 1 member (per key)"
def k5z(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "ZADD", "z:%d" % i, 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")
    return n, "z:0", "1M zsets x 5 members (per key)"
def k1h(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "HSET", "h:%d" % i, "f", "v")
    return n, "h:0", "1M hashes x 1 field (per key)"
def k5h(out):
    n = int(1000000 * scale)
    for i in range(n):
        cmd(out, "HSET", "h:%d" % i, "a", 1, "b", 2, "c", 3, "d", 4, "e", 5)
    return n, "h:0", "1M hashes x 5 fields (per key)"
for name in sets:
    with open("%s/%s.resp" % (work, name), "w") as out:
        elems, key, title = globals()[name](out)
    with open("%s/%s.meta" % (work, name), "w") as m:
        m.write("%d %s %s\n" % (elems, key, title))
PY

echo "| data set (SCALE=$SCALE) | redis used_memory B/elem (key) | vcache used_memory B/elem (key) | redis RSS B/elem (key) | vcache RSS B/elem (key) | RSS vcache/redis | RSS after ${IDLE} s idle redis / vcache | idle RSS vcache/redis | encoding redis / vcache | MEMORY USAGE B/elem redis / vcache |${BASE:+ base used_memory, RSS, MEMORY USAGE B/elem |}"
echo "|---|---|---|---|---|---|---|---|---|---|${BASE:+---|}"
for name in ${SETS//,/ }; do
	read -r elems key title < "$work/$name.meta"
	declare -A r=()
	for server in $servers; do
		serve "$server"
		# shellcheck disable=SC2086
		[ -z "${CONFIG:-}" ] || redis-cli -p "$port" CONFIG SET $CONFIG >/dev/null
		u0=$(used "$port"); r0=$(rss "$pid")
		redis-cli -p "$port" --pipe < "$work/$name.resp" >/dev/null
		u1=$(used "$port"); r1=$(rss "$pid")
		r[$server,u]=$(awk -v a="$u1" -v b="$u0" -v n="$elems" 'BEGIN{printf "%.1f", (a-b)/n}')
		r[$server,r]=$(awk -v a="$r1" -v b="$r0" -v n="$elems" 'BEGIN{printf "%.1f", (a-b)/n}')
		sleep "$IDLE"
		r2=$(rss "$pid")
		r[$server,ri]=$(awk -v a="$r2" -v b="$r0" -v n="$elems" 'BEGIN{printf "%.1f", (a-b)/n}')
		r[$server,enc]=$(redis-cli -p "$port" OBJECT ENCODING "$key" | tr -d '\r')
		r[$server,mu]=$(redis-cli -p "$port" MEMORY USAGE "$key" | tr -d '\r' | awk -v n="$elems" '{printf "%.1f", $1/n}')
		stop_served
	done
	base=""
	[ -z "${BASE:-}" ] || base=" ${r[base,u]}, ${r[base,r]}, ${r[base,mu]} |"
	printf "| %s | %s | %s | %s | %s | %.2f | %s / %s | %.2f | %s / %s | %s / %s |%s\n" "$title" "${r[redis,u]}" "${r[vcache,u]}" \
		"${r[redis,r]}" "${r[vcache,r]}" "$(awk -v a="${r[vcache,r]}" -v b="${r[redis,r]}" 'BEGIN{print a/b}')" \
		"${r[redis,ri]}" "${r[vcache,ri]}" "$(awk -v a="${r[vcache,ri]}" -v b="${r[redis,ri]}" 'BEGIN{print a/b}')" \
		"${r[redis,enc]}" "${r[vcache,enc]}" "${r[redis,mu]}" "${r[vcache,mu]}" "$base"
done
