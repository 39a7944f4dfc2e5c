"""Prints bench JSON lines (from bench/ann, ann_peers.py, bench/ftsearch) as a
markdown table."""
import json
import sys

print("| engine | setting | recall@10 | QPS | build s |")
print("|---|---|---|---|---|")
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        build = r.get("build_s")
        build = "" if build is None else "%.1f" % build
        print("| %s | %s | %.3f | %.0f | %s |" % (r["engine"], r["param"], r["recall"], r["qps"], build))
