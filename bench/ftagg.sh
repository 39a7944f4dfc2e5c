#!/usr/bin/env bash
# FT.AGGREGATE GROUPBY over DOCS (1M) small hash documents against
# FT.SEARCH of the same set. The documents doc:0.. hold a TAG (one of 16
# values), a NUMERIC (0-999, SORTABLE) and a TEXT field of three words (of
# 64), written with HSET in pipelined batches of 1000 after FT.CREATE (so
# they are indexed as they arrive). Each round then runs every query once
# in turn (so they alternate), timing each reply at the client and the
# servers' CPU (utime+stime from /proc/PID/stat) across it:
#   agg count   FT.AGGREGATE idx * GROUPBY 1 @tag REDUCE COUNT 0 AS n
#   agg avg     FT.AGGREGATE idx * GROUPBY 1 @tag REDUCE AVG 1 @num AS a
#   agg both    ... REDUCE COUNT 0 AS n REDUCE AVG 1 @num AS a
#   search *    FT.SEARCH idx * LIMIT 0 0 (the count of all documents)
#   search tag  FT.SEARCH idx @tag:{t3} LIMIT 0 0 (the count of one group)
#   search num  FT.SEARCH idx @num:[0 499] LIMIT 0 0 (half the documents)
#   search text FT.SEARCH idx @body:w7 LIMIT 0 0 (a term in 3/64 of them)
# Medians of ROUNDS, and each query's time against "search *". SETUPS:
# one node (node), then through `vcache proxy` over two data nodes (proxy:
# a gossip cluster, no replicas), where the proxy merges the nodes' partial
# reducers; there the CPU is the proxy's and the nodes' together, and a
# batch or query refused with CLUSTERDOWN (a node whose loop the loaded
# machine starved past its lease fences itself) or TRYAGAIN is sent again
# 100 ms later, counted and reported. Every reply's count is checked (the
# groups' counts sum to DOCS).
#
#   bench/ftagg.sh                          # DOCS=1000000 ROUNDS=5 SETUPS="node proxy"
#   DOCS=100000 ROUNDS=3 SETUPS=node bench/ftagg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${DOCS:-1000000}
ROUNDS=${ROUNDS:-5}
SETUPS=${SETUPS:-node proxy}
. bench/lib.sh
need redis-cli python3
build_vcache

drive() { # load|query PORT PIDS
	timeout 1800 python3 - "$@" "$DOCS" "$ROUNDS" <<'PY'
import os, socket, statistics, sys, time
mode, port, pids, docs, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb", buffering=1 << 20)
def cmd(*a):
    b = b"*%d\r\n" % len(a)
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        b += b"$%d\r\n%s\r\n" % (len(x), x)
    return b
class Err(str):
    pass
def down(e):  # a fenced node (its lease ran out, as on a starved machine) or a slot moving: try again
    return isinstance(e, Err) and e.startswith(("CLUSTERDOWN", "TRYAGAIN"))
retries = 0
def reply():
    line = f.readline()
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b":"):
        return int(rest) if t == b":" else rest.decode()
    if t == b"-":
        return Err(rest.decode())
    if t == b"$":
        n = int(rest)
        return None if n < 0 else f.read(n + 2)[:-2].decode()
    if t == b"*":
        n = int(rest)
        return None if n < 0 else [reply() for _ in range(n)]
    sys.exit("unexpected reply %r" % line)
def do(*a):
    global retries
    for _ in range(100):
        s.sendall(cmd(*a))
        r = reply()
        if not down(r):
            break
        retries += 1
        time.sleep(0.1)
    if isinstance(r, Err):
        sys.exit("%s: %s" % (a[0], r))
    return r
def cpu():
    t = 0
    for p in pids.split(","):
        st = open("/proc/%s/stat" % p).read()
        fl = st[st.rindex(")") + 2:].split()
        t += int(fl[11]) + int(fl[12])
    return t / os.sysconf("SC_CLK_TCK")
if mode == "load":
    do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", 1, "doc:", "SCHEMA", "tag", "TAG", "num", "NUMERIC", "SORTABLE", "body", "TEXT")
    t0 = time.perf_counter()
    for start in range(0, docs, 1000):
        batch = b"".join(cmd("HSET", "doc:%d" % i, "tag", "t%d" % (i % 16), "num", i % 1000,
                             "body", "w%d w%d w%d" % (i % 64, (i // 64) % 64, (i * 7 + 3) % 64))
                         for i in range(start, min(start + 1000, docs)))
        for _ in range(100):
            s.sendall(batch)
            errs = [r for r in [reply() for _ in range(start, min(start + 1000, docs))] if isinstance(r, Err)]
            if not errs:
                break
            if not all(down(e) for e in errs):
                sys.exit("HSET: " + errs[0])
            retries += 1  # HSET of the same fields again changes nothing
            time.sleep(0.1)
        else:
            sys.exit("HSET: " + errs[0])
    dt = time.perf_counter() - t0
    print("loaded %d documents in %.1f s (%.0f/s), %d batches sent again after CLUSTERDOWN or TRYAGAIN" % (docs, dt, docs / dt, retries), file=sys.stderr)
    sys.exit(0)
queries = [
    ("agg count", ["FT.AGGREGATE", "idx", "*", "GROUPBY", 1, "@tag", "REDUCE", "COUNT", 0, "AS", "n"]),
    ("agg avg", ["FT.AGGREGATE", "idx", "*", "GROUPBY", 1, "@tag", "REDUCE", "AVG", 1, "@num", "AS", "a"]),
    ("agg both", ["FT.AGGREGATE", "idx", "*", "GROUPBY", 1, "@tag", "REDUCE", "COUNT", 0, "AS", "n", "REDUCE", "AVG", 1, "@num", "AS", "a"]),
    ("search *", ["FT.SEARCH", "idx", "*", "LIMIT", 0, 0]),
    ("search tag", ["FT.SEARCH", "idx", "@tag:{t3}", "LIMIT", 0, 0]),
    ("search num", ["FT.SEARCH", "idx", "@num:[0 499]", "LIMIT", 0, 0]),
    ("search text", ["FT.SEARCH", "idx", "@body:w7", "LIMIT", 0, 0]),
]
def check(name, r):
    if name.startswith("agg"):
        rows = [dict(zip(row[::2], row[1::2])) for row in r[1:]]
        if len(rows) != 16:
            sys.exit("%s: %d groups, want 16" % (name, len(rows)))
        if "n" in rows[0] and sum(int(x["n"]) for x in rows) != docs:
            sys.exit("%s: counts sum to %d, want %d" % (name, sum(int(x["n"]) for x in rows), docs))
        if "a" in rows[0] and docs >= 16000 and not all(400 < float(x["a"]) < 600 for x in rows):
            sys.exit("%s: averages %s" % (name, [x["a"] for x in rows]))
        return len(rows)
    want = {"search *": docs, "search tag": len(range(3, docs, 16)), "search num": sum(1 for i in range(docs) if i % 1000 < 500),
            "search text": sum(1 for i in range(docs) if 7 in (i % 64, (i // 64) % 64, (i * 7 + 3) % 64))}[name]
    if r[0] != want:
        sys.exit("%s: total %d, want %d" % (name, r[0], want))
    return r[0]
ms, cpus, n = {}, {}, {}
for rnd in range(rounds):
    for name, q in queries:
        c0 = cpu()
        t0 = time.perf_counter()
        r = do(*q)
        dt = time.perf_counter() - t0
        c1 = cpu()
        n[name] = check(name, r)
        ms.setdefault(name, []).append(dt * 1e3)
        cpus.setdefault(name, []).append((c1 - c0) * 1e3)
        print("round %d: %s %.1f ms" % (rnd + 1, name, dt * 1e3), file=sys.stderr)
if retries:
    print("%d queries sent again after CLUSTERDOWN or TRYAGAIN (their time counted)" % retries, file=sys.stderr)
base = statistics.median(ms["search *"])
for name, _ in queries:
    m = statistics.median(ms[name])
    print("%s\t%.1f\t%.1f\t%.0f\t%.1f\t%.2f\t%d" % (name, m, min(ms[name]), max(ms[name]), statistics.median(cpus[name]), m / base, n[name]))
PY
}

table() { # title file
	echo
	echo "$1 (DOCS=$DOCS, ROUNDS=$ROUNDS)"
	echo
	echo "| query | median ms [min-max] | server CPU ms | / search * | rows or total |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '{printf "| %s | %s [%s-%s] | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}' "$2"
}

if [[ " $SETUPS " == *" node "* ]]; then
	serve vcache
	drive load "$port" "$pid"
	drive query "$port" "$pid" >"$work/node.tsv"
	echo "one node: used_memory $(used "$port")" >&2
	stop_served
	table "one node" "$work/node.tsv"
fi
if [[ " $SETUPS " == *" proxy "* ]]; then
	start_cluster "$work/vcache"
	if ! { drive load "$port" "$pids" && drive query "$port" "$pids" >"$work/proxy.tsv"; }; then
		tail -n 20 "$work"/n1.log "$work"/n2.log "$work"/proxy.log >&2
		exit 1
	fi
	stop_cluster
	table "proxy over two nodes (CPU: proxy and nodes)" "$work/proxy.tsv"
fi
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
