"""Runs hnswlib and faiss (IVFFlat, and IVF on 8-bit codes with a float32 re-rank) on a bench/data dataset, single-threaded
queries, and prints one JSON line per setting: recall@10 against the exact
ground truth, queries per second, build seconds.

    ann_peers.py <datadir> [hnswlib|faiss|all]
"""
import json
import os
import sys
import time

import numpy as np


def read_vecs(path, dtype):
    a = np.fromfile(path, dtype=dtype)
    d = a[:1].view(np.int32)[0]
    return a.reshape(-1, d + 1)[:, 1:].copy()


def recall(found, gt, k=10):
    return float(np.mean([len(set(found[i][:k]) & set(gt[i][:k])) / k for i in range(len(gt))]))


def emit(**kw):
    print(json.dumps(kw), flush=True)


def run_hnswlib(name, base, queries, gt, metric):
    import hnswlib
    space = "cosine" if metric == "cosine" else "l2"
    ix = hnswlib.Index(space=space, dim=base.shape[1])
    ix.init_index(max_elements=len(base), M=16, ef_construction=200)
    ix.set_num_threads(2)  # the build may use both cores, as vcache's does
    t = time.perf_counter()
    ix.add_items(base, np.arange(len(base)))
    build = time.perf_counter() - t
    ix.set_num_threads(1)
    for ef in (10, 20, 40, 80, 160, 320):
        ix.set_ef(ef)
        found = np.empty((len(queries), 10), dtype=np.int64)
        t, c = time.perf_counter(), time.process_time()
        for i, q in enumerate(queries):  # one query at a time, like a server
            found[i] = ix.knn_query(q, k=10)[0][0]
        dt, dc = time.perf_counter() - t, time.process_time() - c
        # cpu_qps: per second of the process's CPU time (as bench/ann's).
        emit(dataset=name, engine="hnswlib", param=f"ef={ef}", recall=recall(found, gt), qps=len(queries) / dt,
             cpu_qps=len(queries) / dc, build_s=build)


def run_faiss(name, base, queries, gt, metric):
    import faiss
    faiss.omp_set_num_threads(2)
    b, q = base, queries
    if metric == "cosine":
        b = base / np.linalg.norm(base, axis=1, keepdims=True)
        q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    d = b.shape[1]
    nlist = int(4 * np.sqrt(len(b)))
    quant = faiss.IndexFlatIP(d) if metric == "cosine" else faiss.IndexFlatL2(d)
    mt = faiss.METRIC_INNER_PRODUCT if metric == "cosine" else faiss.METRIC_L2
    ix = faiss.IndexIVFFlat(quant, d, nlist, mt)
    t = time.perf_counter()
    ix.train(b)
    ix.add(b)
    build = time.perf_counter() - t
    faiss_probes(name, "faiss-ivfflat", ix, ix, q, gt, nlist, build)
    # The same lists on 8-bit scalar codes, the best 40 re-ranked on the
    # float32 vectors (IndexRefineFlat, k_factor 4): the peer of vcache's
    # IVFFLAT with COMPRESSION SQ8.
    faiss.omp_set_num_threads(2)
    quant = faiss.IndexFlatIP(d) if metric == "cosine" else faiss.IndexFlatL2(d)
    sq = faiss.IndexIVFScalarQuantizer(quant, d, nlist, faiss.ScalarQuantizer.QT_8bit, mt)
    ref = faiss.IndexRefineFlat(sq)
    ref.k_factor = 4
    t = time.perf_counter()
    ref.train(b)
    ref.add(b)
    build = time.perf_counter() - t
    faiss_probes(name, "faiss-ivfsq8-refine40", ref, sq, q, gt, nlist, build)


def faiss_probes(name, engine, ix, ivf, q, gt, nlist, build):
    import faiss
    faiss.omp_set_num_threads(1)
    for nprobe in (4, 8, 16, 32, 64, 128):
        ivf.nprobe = nprobe
        found = np.empty((len(q), 10), dtype=np.int64)
        t, c = time.perf_counter(), time.process_time()
        for i in range(len(q)):
            found[i] = ix.search(q[i:i + 1], 10)[1][0]
        dt, dc = time.perf_counter() - t, time.process_time() - c
        emit(dataset=name, engine=engine, param=f"nprobe={nprobe} nlist={nlist}", recall=recall(found, gt), qps=len(q) / dt,
             cpu_qps=len(q) / dc, build_s=build)


if __name__ == "__main__":
    datadir = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) > 2 else "all"
    name = os.path.basename(os.path.normpath(datadir))
    base = read_vecs(os.path.join(datadir, "base.fvecs"), np.float32)
    queries = read_vecs(os.path.join(datadir, "query.fvecs"), np.float32)
    gt = read_vecs(os.path.join(datadir, "gt.ivecs"), np.int32)
    metric = open(os.path.join(datadir, "metric")).read().strip()
    if which in ("hnswlib", "all"):
        run_hnswlib(name, base, queries, gt, metric)
    if which in ("faiss", "all"):
        run_faiss(name, base, queries, gt, metric)
