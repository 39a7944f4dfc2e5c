#!/usr/bin/env bash
# maxmemory with vector indexes: starts `vcache server --maxmemory $MAXMEM`
# under noeviction and then allkeys-lru, loads 128-d vectors through HSET
# into an HNSW index (bench/memlimit) until OOM, or up to N documents under
# eviction, and prints RSS at the end against maxmemory, with used_memory,
# used_memory_vector and FT.INFO's vector_index_sz_mb.
#
#   bench/memlimit.sh                      # MAXMEM=50mb N=300000 DIM=128 ALG=HNSW
#   MAXMEM=20mb N=100000 bench/memlimit.sh
#   POLICIES="allkeys-lru allkeys-lfu volatile-lru" MAXMEM=40mb N=100000 TIMEOUT=60s bench/memlimit.sh
#
# Under the volatile-* policies every document gets a TTL (TTL, default
# 1h) so that it may be evicted. CONFIG_SET=1 starts the server without
# --maxmemory and sets maxmemory and the policy with CONFIG SET instead.
#
# MIX=1 loads every kind of key instead, interleaved: strings, hashes
# under an HNSW and a FLAT index, JSON documents under an index with
# TEXT, TAG, NUMERIC and VECTOR fields, lists, sets, sorted sets, streams
# and vector sets (N counts writes; under the volatile-* policies each key
# gets a TTL between TTL and twice that), under every policy by default,
# ROUNDS times each (the policies in turn), and prints peak RSS (VmHWM)
# against 1.3x maxmemory plus the empty process's RSS:
#
#   MIX=1 MAXMEM=50mb N=200000 ROUNDS=2 bench/memlimit.sh
#   MIX=1 SKIP=v:,w: POLICIES=allkeys-lfu bench/memlimit.sh   # without vector sets
set -euo pipefail
cd "$(dirname "$0")/.."
MAXMEM=${MAXMEM:-50mb}
N=${N:-300000}
DIM=${DIM:-128}
ALG=${ALG:-HNSW}
TIMEOUT=${TIMEOUT:-5m}
MIX=${MIX:-0}
if [ "$MIX" = 1 ]; then
	POLICIES=${POLICIES:-noeviction allkeys-lru allkeys-lfu allkeys-random volatile-lru volatile-lfu volatile-random volatile-ttl}
else
	POLICIES=${POLICIES:-noeviction allkeys-lru}
fi
ROUNDS=${ROUNDS:-1}
TTL=${TTL:-1h}
CONFIG_SET=${CONFIG_SET:-0}
SKIP=${SKIP:-}
. bench/lib.sh
need redis-cli
build_vcache
go build -o "$work/memlimit" ./bench/memlimit

for round in $(seq "$ROUNDS"); do
for policy in $POLICIES; do
	ttl=0
	case $policy in volatile-*) ttl=$TTL ;; esac
	port=$(free_port)
	if [ "$CONFIG_SET" = 1 ]; then
		"$work/vcache" server --port "$port" --loglevel warn >/dev/null 2>&1 &
		pid=$!
		wait_port "$port"
		redis-cli -p "$port" CONFIG SET maxmemory "$MAXMEM" maxmemory-policy "$policy" >/dev/null
	else
		"$work/vcache" server --port "$port" --maxmemory "$MAXMEM" --maxmemory-policy "$policy" --loglevel warn >/dev/null 2>&1 &
		pid=$!
		wait_port "$port"
	fi
	[ "$ROUNDS" = 1 ] || echo "round $round"
	if [ "$MIX" = 1 ]; then
		"$work/memlimit" -mix -skip "$SKIP" -pid "$pid" -addr "127.0.0.1:$port" -n "$N" -dim "$DIM" -timeout "$TIMEOUT" -ttl "$ttl"
	else
		"$work/memlimit" -addr "127.0.0.1:$port" -n "$N" -dim "$DIM" -alg "$ALG" -timeout "$TIMEOUT" -ttl "$ttl"
	fi
	# The true peak of RSS (VmHWM: the "peak seen" above samples it every
	# thousand documents, so a long run under eviction sees more of its
	# peaks than a short one under noeviction), and RSS's two parts: the
	# executable's pages (file-backed, shared, the kernel may drop them)
	# and the process's own memory.
	awk '/^VmHWM|^RssAnon|^RssFile/ {printf "  %s %.1f MB", $1, $2/1024} END {print ""}' "/proc/$pid/status" 2>/dev/null || true
	kill "$pid"; wait "$pid" 2>/dev/null || true
done
done
