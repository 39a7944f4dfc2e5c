#!/usr/bin/env bash
# One-term TEXT queries over DOCS (200k) hashes of 20 words (2 in a title,
# 18 in a body, from 5,000), a word planted in one document in 1,000
# (rare), 100 (mid, and midway) and 10 (common), written with pipelined
# HSET after FT.CREATE ... SCHEMA title TEXT body TEXT. Each round runs
# every query in turn on each server (vcache as built here and, with
# BASE=<rev>, vcache built from that revision, taking turns query by
# query), repeating it for at least 0.5 s (at most 1,000 times), and reports
# the server's CPU per query (utime+stime from /proc/PID/stat over the
# repeats) and the client's milliseconds per query; medians of ROUNDS (3)
# and, with BASE, base/new ratios. Every reply's count is checked against
# the data, and the servers' against each other:
#   rare        FT.SEARCH idx rare NOCONTENT         (200 documents)
#   mid         FT.SEARCH idx mid NOCONTENT          (2,000)
#   common      FT.SEARCH idx common NOCONTENT       (20,000)
#   mid count   FT.SEARCH idx mid LIMIT 0 0
#   mid*        FT.SEARCH idx mid* NOCONTENT         (mid and midway)
#   @title:mid  FT.SEARCH idx @title:mid NOCONTENT   (the title's only)
#   agg mid     FT.AGGREGATE idx mid GROUPBY 0 REDUCE COUNT 0 AS n
#
#   BASE=main bench/fttext.sh                 # DOCS=200000 ROUNDS=3
#   DOCS=50000 ROUNDS=5 bench/fttext.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${DOCS:-200000}
ROUNDS=${ROUNDS:-3}
. bench/lib.sh
need redis-cli python3
build_vcache
servers=()
serve vcache
servers+=("new:$port:$pid")
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	serve base
	servers+=("base:$port:$pid")
fi
timeout 3600 python3 - "$DOCS" "$ROUNDS" "${servers[@]}" <<'PY'
import os, random, socket, statistics, sys, time
docs, rounds = int(sys.argv[1]), int(sys.argv[2])
sys.path.insert(0, "bench")
from resp import Conn, Err, cmd
from resp import cpu as proc_cpu
class Server(Conn):
    def __init__(self, spec):
        self.name, port, self.pid = spec.split(":")
        super().__init__(port)
    def reply(self):
        r = super().reply()
        if isinstance(r, Err):
            sys.exit("%s: %s" % (self.name, r))
        return r
    def send(self, cmds):
        self.s.sendall(b"".join(cmds))
        return [self.reply() for _ in cmds]
    def do(self, *a):
        return self.send([cmd(*a)])[0]
    def cpu(self):
        return proc_cpu(self.pid)
servers = [Server(s) for s in sys.argv[3:]]
planted = [(1000, "rare"), (100, "mid"), (100, "midway"), (10, "common")]
want = {w: 0 for _, w in planted}
title_mid = 0
r = random.Random(7)
batches = []
for start in range(0, docs, 1000):
    batch = []
    for i in range(start, min(start + 1000, docs)):
        ws = ["w%d" % r.randrange(5000) for _ in range(20)]
        for every, w in planted:
            if i % every == every // 2:
                ws[r.randrange(20)] = w
        for w in set(ws):
            if w in want:
                want[w] += 1
        title_mid += "mid" in ws[:2]
        batch.append(cmd("HSET", "doc:%d" % i, "title", " ".join(ws[:2]), "body", " ".join(ws[2:])))
    batches.append(batch)
for s in servers:
    s.do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", 1, "doc:", "SCHEMA", "title", "TEXT", "body", "TEXT")
    t0 = time.perf_counter()
    for b in batches:
        s.send(b)
    print("%s: loaded %d documents in %.1f s" % (s.name, docs, time.perf_counter() - t0), file=sys.stderr)
queries = [
    ("rare", ["FT.SEARCH", "idx", "rare", "NOCONTENT"], want["rare"]),
    ("mid", ["FT.SEARCH", "idx", "mid", "NOCONTENT"], want["mid"]),
    ("common", ["FT.SEARCH", "idx", "common", "NOCONTENT"], want["common"]),
    ("mid count", ["FT.SEARCH", "idx", "mid", "LIMIT", 0, 0], want["mid"]),
    ("mid*", ["FT.SEARCH", "idx", "mid*", "NOCONTENT"], None),
    ("@title:mid", ["FT.SEARCH", "idx", "@title:mid", "NOCONTENT"], title_mid),
    ("agg mid", ["FT.AGGREGATE", "idx", "mid", "GROUPBY", 0, "REDUCE", "COUNT", 0, "AS", "n"], want["mid"]),
]
def total(name, rep):
    if name.startswith("agg"):
        return int(rep[1][1])
    return rep[0]
cpu, ms, matches = {}, {}, {}
for rnd in range(rounds):
    for name, q, n in queries:
        seen = {}
        for s in servers:
            c0, t0, reps = s.cpu(), time.perf_counter(), 0
            while reps < 1000 and (reps == 0 or time.perf_counter() - t0 < 0.5):
                got = total(name, s.do(*q))
                reps += 1
            dt, c1 = time.perf_counter() - t0, s.cpu()
            if n is not None and got != n:
                sys.exit("%s on %s: %d documents, want %d" % (name, s.name, got, n))
            seen[s.name] = got
            cpu.setdefault((name, s.name), []).append((c1 - c0) * 1e3 / reps)
            ms.setdefault((name, s.name), []).append(dt * 1e3 / reps)
        if len(set(seen.values())) > 1:
            sys.exit("%s: servers disagree: %s" % (name, seen))
        matches[name] = got
    print("round %d done" % (rnd + 1), file=sys.stderr)
cols = [s.name for s in servers]
print("query\tmatches\t" + "\t".join("%s cpu ms\t%s ms" % (c, c) for c in cols) + ("\tbase/new cpu" if "base" in cols else ""))
for name, q, n in queries:
    row = [name, str(matches[name])]
    med = {}
    for c in cols:
        med[c] = statistics.median(cpu[(name, c)])
        row += ["%.3f" % med[c], "%.3f" % statistics.median(ms[(name, c)])]
    if "base" in cols:
        row.append("%.0f" % (med["base"] / max(med["new"], 1e-3)))
    print("\t".join(row))
PY
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
