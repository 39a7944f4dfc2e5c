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
# Meanwhile another client PINGs the same server every 5 ms on a
# connection of its own: the slowest PING during each query shows how
# long the query kept the server's other clients waiting (the node runs
# one event loop, --io-threads 1, so both clients share it).
# Medians of ROUNDS, and each query's time against "search *". SETUPS:
# one node (node), then through `vcache proxy` over two data nodes (proxy:
# a gossip cluster, no replicas), where the proxy merges the nodes' partial
# reducers; there the CPU is the proxy's and the nodes' together, and a
# batch or query refused with CLUSTERDOWN (a node whose loop the loaded
# machine starved past its lease fences itself) or TRYAGAIN is sent again
# 100 ms later, counted and reported. Every reply's count is checked (the
# groups' counts sum to DOCS). BASE=rev adds, on one node, vcache built
# from that revision, loaded alike: each round runs each query on both
# nodes, in turns (the order swapped every round), and a last table gives
# this build's figures against the base's.
#
#   bench/ftagg.sh                          # DOCS=1000000 ROUNDS=5 SETUPS="node proxy"
#   DOCS=100000 ROUNDS=3 SETUPS=node bench/ftagg.sh
#   BASE=main SETUPS=node ROUNDS=5 bench/ftagg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${DOCS:-1000000}
ROUNDS=${ROUNDS:-5}
SETUPS=${SETUPS:-node proxy}
. bench/lib.sh
need redis-cli python3
build_vcache
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
fi
VCACHE_ARGS="--io-threads 1 ${VCACHE_ARGS:-}"

drive() { # load PORT PIDS | query NAME=PORT:PIDS[;NAME=PORT:PIDS]
	timeout 3600 python3 - "$@" "$DOCS" "$ROUNDS" <<'PY'
import os, socket, statistics, sys, threading, time
mode = sys.argv[1]
if mode == "load":
    servers = [("", int(sys.argv[2]), sys.argv[3])]
    docs, rounds = int(sys.argv[4]), int(sys.argv[5])
else:
    servers = []
    for spec in sys.argv[2].split(";"):
        name, rest = spec.split("=")
        port, pids = rest.split(":")
        servers.append((name, int(port), pids))
    docs, rounds = int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, "bench")
from resp import Conn as Plain, Err, cmd, cpu
def down(e):  # a fenced node (its lease ran out, as on a starved machine) or a slot moving: try again
    return isinstance(e, Err) and e.startswith(("CLUSTERDOWN", "TRYAGAIN"))
retries = 0
class Conn(Plain):
    def do(self, *a):
        global retries
        for _ in range(100):
            self.s.sendall(cmd(*a))
            r = self.reply()
            if not down(r):
                break
            retries += 1
            time.sleep(0.1)
        if isinstance(r, Err):
            sys.exit("%s: %s" % (a[0], r))
        return r
class Pinger(threading.Thread):
    """PINGs every 5 ms on its own connection between start() and stop(): the slowest answer."""
    def __init__(self, port):
        super().__init__(daemon=True)
        self.c, self.go, self.worst, self.n = Conn(port), threading.Event(), 0.0, 0
        self.quit = False
        self.idle = threading.Event()
        super().start()
    def begin(self):
        self.worst, self.n = 0.0, 0
        self.idle.clear()
        self.go.set()
    def end(self):
        self.go.clear()
        self.idle.wait()
        return self.worst * 1e3, self.n
    def run(self):
        while True:
            if not self.go.is_set():
                self.idle.set()
                self.go.wait()
            t0 = time.perf_counter()
            if self.c.do("PING") != "PONG":
                sys.exit("PING")
            self.worst = max(self.worst, time.perf_counter() - t0)
            self.n += 1
            time.sleep(0.005)
if mode == "load":
    c = Conn(servers[0][1])
    s, f, reply, do = c.s, c.f, c.reply, c.do
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
conns = [(name, Conn(port), pids, Pinger(port)) for name, port, pids in servers]
ms, cpus, n, pings = {}, {}, {}, {}
for rnd in range(rounds):
    for qname, q in queries:
        for name, c, pids, pinger in (conns if rnd % 2 == 0 else conns[::-1]):
            c0 = cpu(pids)
            pinger.begin()
            t0 = time.perf_counter()
            r = c.do(*q)
            dt = time.perf_counter() - t0
            worst, _ = pinger.end()
            c1 = cpu(pids)
            n[name, qname] = check(qname, r)
            ms.setdefault((name, qname), []).append(dt * 1e3)
            cpus.setdefault((name, qname), []).append((c1 - c0) * 1e3)
            pings.setdefault((name, qname), []).append(worst)
            print("round %d: %s %s %.1f ms, slowest PING meanwhile %.1f ms" % (rnd + 1, name, qname, dt * 1e3, worst), file=sys.stderr)
if retries:
    print("%d queries sent again after CLUSTERDOWN or TRYAGAIN (their time counted)" % retries, file=sys.stderr)
for name, _, _, _ in conns:
    base = statistics.median(ms[name, "search *"])
    for qname, _ in queries:
        k = (name, qname)
        m = statistics.median(ms[k])
        print("%s\t%s\t%.1f\t%.1f\t%.0f\t%.1f\t%.2f\t%d\t%.1f\t%.1f" % (name, qname, m, min(ms[k]), max(ms[k]), statistics.median(cpus[k]), m / base, n[k],
              statistics.median(pings[k]), max(pings[k])))
PY
}

table() { # title file name
	echo
	echo "$1 (DOCS=$DOCS, ROUNDS=$ROUNDS)"
	echo
	echo "| query | median ms [min-max] | server CPU ms | / search * | rows or total | slowest PING meanwhile, median [max] ms |"
	echo "|---|---|---|---|---|---|"
	awk -F'\t' -v n="$3" '$1 == n {printf "| %s | %s [%s-%s] | %s | %s | %s | %s [%s] |\n", $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$2"
}

# versus file: this build's figures against the base's, query by query.
versus() {
	echo
	echo "this build against $BASE, one node, same run (DOCS=$DOCS, ROUNDS=$ROUNDS)"
	echo
	echo "| query | ms, this / base | server CPU, this / base | slowest PING, this / base (ms) |"
	echo "|---|---|---|---|"
	awk -F'\t' '{ms[$1,$2]=$3; c[$1,$2]=$6; p[$1,$2]=$9; if ($1 == "vcache") q[++k]=$2}
		END {for (i = 1; i <= k; i++) printf "| %s | %.2f | %.2f | %s / %s |\n", q[i], ms["vcache",q[i]]/ms["base",q[i]],
			(c["base",q[i]] > 0 ? c["vcache",q[i]]/c["base",q[i]] : 0), p["vcache",q[i]], p["base",q[i]]}' "$1"
}

if [[ " $SETUPS " == *" node "* ]]; then
	serve vcache
	drive load "$port" "$pid"
	spec="vcache=$port:$pid" vport=$port vpid=$pid
	if [ -n "${BASE:-}" ]; then
		serve base
		drive load "$port" "$pid"
		spec="$spec;base=$port:$pid"
	fi
	drive query "$spec" >"$work/node.tsv"
	echo "one node: used_memory $(used "$vport")" >&2
	[ -z "${BASE:-}" ] || { echo "base node: used_memory $(used "$port")" >&2; kill "$pid"; wait "$pid" 2>/dev/null || true; }
	port=$vport pid=$vpid
	stop_served
	table "one node" "$work/node.tsv" vcache
	if [ -n "${BASE:-}" ]; then
		table "one node, vcache built from $BASE" "$work/node.tsv" base
		versus "$work/node.tsv"
	fi
fi
if [[ " $SETUPS " == *" proxy "* ]]; then
	start_cluster "$work/vcache"
	if ! { drive load "$port" "$pids" && drive query "vcache=$port:$pids" >"$work/proxy.tsv"; }; then
		tail -n 20 "$work"/n1.log "$work"/n2.log "$work"/proxy.log >&2
		exit 1
	fi
	stop_cluster
	table "proxy over two nodes (CPU: proxy and nodes)" "$work/proxy.tsv" vcache
fi
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
