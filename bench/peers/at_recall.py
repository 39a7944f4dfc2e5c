"""Queries per second at a target recall@10, interpolated (log QPS linear in
recall) between the two settings of an engine that bracket it, from the
JSON lines of bench/ann and ann_peers.py. A setting measured several times
(bench/ann -rounds, or several runs in one file) gives one value per round:
the median and the range are printed, for wall-clock QPS and, where
recorded, for QPS per CPU second (less sensitive to other work on the
machine). Ratios are against the engine named by --base, or, with --ref,
against a fixed QPS figure (a peer's published one).

    at_recall.py FILE.jsonl [--recall 0.95] [--base hnswlib] [--ref 575]
"""
import argparse
import collections
import json
import math
import statistics


def at(points, target):
    points = sorted(points)
    for (r0, q0), (r1, q1) in zip(points, points[1:]):
        if r0 <= target <= r1 and q0 > 0 and q1 > 0:
            if r1 == r0:
                return max(q0, q1)
            f = (target - r0) / (r1 - r0)
            return math.exp(math.log(q0) + f * (math.log(q1) - math.log(q0)))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--recall", type=float, default=0.95)
    ap.add_argument("--base", default="hnswlib")
    ap.add_argument("--ref", type=float, help="wall QPS to divide by instead of --base's")
    a = ap.parse_args()
    seen = collections.Counter()
    rounds = collections.defaultdict(lambda: collections.defaultdict(list))  # engine -> round -> points
    for line in open(a.file):
        d = json.loads(line)
        key = (d["engine"], d["param"])
        r = seen[key]
        seen[key] += 1
        rounds[d["engine"]][r].append((d["recall"], d["qps"], d.get("cpu_qps", 0)))
    res = {}
    for eng, byr in rounds.items():
        wall, cpu = [], []
        for pts in byr.values():
            w = at([(r, q) for r, q, _ in pts], a.recall)
            c = at([(r, c) for r, _, c in pts if c], a.recall)
            if w:
                wall.append(w)
            if c:
                cpu.append(c)
        res[eng] = (wall, cpu)
    base = res.get(a.base)
    bw = statistics.median(base[0]) if base and base[0] else None
    bc = statistics.median(base[1]) if base and base[1] else None
    against = f"{a.base}'s median"
    if a.ref:
        bw, bc, against = a.ref, None, f"{a.ref:g} QPS"
    print(f"QPS at recall@10 {a.recall} (median of rounds [min-max]; ratio to {against})")
    print(f"{'engine':26s} {'rounds':>6s} {'wall QPS':>22s} {'ratio':>6s} {'CPU QPS':>22s} {'ratio':>6s}")
    for eng, (wall, cpu) in sorted(res.items()):
        def fmt(v):
            return f"{statistics.median(v):7.0f} [{min(v):.0f}-{max(v):.0f}]" if v else "n/a"
        rw = f"{statistics.median(wall) / bw:.2f}" if wall and bw else ""
        rc = f"{statistics.median(cpu) / bc:.2f}" if cpu and bc else ""
        print(f"{eng:26s} {len(wall):6d} {fmt(wall):>22s} {rw:>6s} {fmt(cpu):>22s} {rc:>6s}")


if __name__ == "__main__":
    main()
