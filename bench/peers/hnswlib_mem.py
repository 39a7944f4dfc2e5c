"""Measures hnswlib's memory per vector on a bench/data dataset: the first n
base vectors into an index of M 16, EF_CONSTRUCTION 200 (max_elements n),
built on two threads; prints one JSON line with the process's RSS growth
over the build (VmRSS after add_items less VmRSS with the vectors loaded,
before init_index) and the size hnswlib's layout gives, each per vector:

    data (dim float32) + level-0 links (M*2 ids of 4 bytes and a 4-byte
    count) + label (8 bytes), per element in one block; a level's links
    (M ids and a count) per upper level of an element; and per element
    the linkLists_ pointer (8), element_levels_ (4) and its std::mutex of
    link_list_locks_ (40), which the formula of hnswlib's README leaves out.

    hnswlib_mem.py <datadir> [n] [M] [ef_construction] [qps]

With qps, it then prints recall@10 and single-thread QPS at each ef, as
ann_peers.py does, over the ground truth's ids below n.
"""
import json
import os
import sys
import time

import numpy as np


def read_vecs(path, dtype, n=0):
    a = np.fromfile(path, dtype=dtype)
    d = a[:1].view(np.int32)[0]
    a = a.reshape(-1, d + 1)[:, 1:]
    if n:
        a = a[:n]
    return a.copy()


def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    import hnswlib
    d = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    efc = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    qps = len(sys.argv) > 5 and sys.argv[5] == "qps"
    name = os.path.basename(os.path.normpath(d))
    base = read_vecs(os.path.join(d, "base.fvecs"), np.float32, n)
    metric = open(os.path.join(d, "metric")).read().strip()
    n, dim = base.shape
    ids = np.arange(n)
    before = rss()
    ix = hnswlib.Index(space="cosine" if metric == "cosine" else "l2", dim=dim)
    ix.init_index(max_elements=n, M=m, ef_construction=efc)
    ix.set_num_threads(2)
    t = time.perf_counter()
    ix.add_items(base, ids)
    build = time.perf_counter() - t
    grown = rss() - before
    # The levels hnswlib drew: an element's level is the length of its
    # upper links, which get_items cannot see; draw them as it does
    # (mult = 1/ln(M)) for the expected count of upper-level lists.
    mult = 1 / np.log(m)
    upper = float(np.sum(np.floor(-np.log(np.random.default_rng(100).uniform(size=n)) * mult)))
    block = dim * 4 + (2 * m * 4 + 4) + 8
    links = m * 4 + 4
    formula = block + upper / n * links
    extra = 8 + 4 + 40
    print(json.dumps({"dataset": name, "engine": "hnswlib", "n": n, "dim": dim, "m": m, "efc": efc,
                      "rss_per_vector": grown / n, "formula_per_vector": formula,
                      "formula_with_arrays_per_vector": formula + extra, "raw_vector_bytes": dim * 4,
                      "build_s": build}), flush=True)
    if not qps:
        return
    del base
    queries = read_vecs(os.path.join(d, "query.fvecs"), np.float32)
    gt = read_vecs(os.path.join(d, "gt.ivecs"), np.int32)
    ix.set_num_threads(1)
    for ef in (10, 20, 40, 80, 160, 320):
        ix.set_ef(ef)
        hits = 0
        t, c = time.perf_counter(), time.process_time()
        for i, q in enumerate(queries):
            found = set(ix.knn_query(q, k=10)[0][0].tolist())
            hits += len(found & set(gt[i][:10].tolist()))
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(json.dumps({"dataset": name, "engine": "hnswlib", "param": "ef=%d" % ef, "recall": hits / (10 * len(queries)),
                          "qps": len(queries) / dt, "cpu_qps": len(queries) / dc, "build_s": build}), flush=True)


if __name__ == "__main__":
    main()
