"""Prints the JSON lines of bench/hnswmem and hnswlib_mem.py (memory per
vector) as a markdown table."""
import json
import sys


def f(x):
    return "" if x is None else "%.0f" % x


print("| engine | vectors | dim | Go heap B/vector | MemoryBytes B/vector | RSS growth B/vector | layout B/vector (+ arrays) | raw vector B |")
print("|---|---|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        if "param" in r:
            continue
        engine = r["engine"] + (" +sq8 codes" if r.get("codes") else "")
        layout = ""
        if "formula_per_vector" in r:
            layout = "%s (%s)" % (f(r["formula_per_vector"]), f(r["formula_with_arrays_per_vector"]))
        print("| %s | %d | %d | %s | %s | %s | %s | %d |" % (engine, r["n"], r["dim"], f(r.get("heap_per_vector")),
              f(r.get("memory_bytes_per_vector")), f(r.get("rss_per_vector")), layout, r["raw_vector_bytes"]))
