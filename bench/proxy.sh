#!/usr/bin/env bash
# Throughput of the vcache proxy against a direct connection to the same
# redis-server and against twemproxy (nutcracker) in front of it, all in
# the same run: redis-benchmark -c 50 -r 100000 -t set,get at -P 1 and
# -P 16, targets alternating within each round. Prints medians, ratios,
# and the proxy's backend batch sizes.
#
#   bench/proxy.sh                    # N=200000 requests per test, ROUNDS=3
#   N=1000000 ROUNDS=1 bench/proxy.sh
#   PROXY_GOMAXPROCS=1 bench/proxy.sh  # the proxy limited to one core
#   PIPELINES=1 bench/proxy.sh         # only -P 1
#   PIN=1 bench/proxy.sh               # redis-benchmark on the first CPU,
#                                      # every server on the last one
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-1 16}
PIN=${PIN:-0}
# With PIN=1 the load generator gets a core of its own and the servers
# (redis-server, the proxy, twemproxy) share the other, as when clients
# run on other hosts; every target is measured in the same layout.
srv=() cli=()
if [ "$PIN" = 1 ]; then
	last=$(($(nproc) - 1))
	srv=(taskset -c "$last") cli=(taskset -c 0)
fi
. bench/lib.sh
need redis-server redis-benchmark redis-cli nutcracker
make_work

# The proxy binary: vcache itself, or, while the rest of the binary does
# not build, cmd/vcache/proxy.go with a stand-in main.
if ! go build -o "$work/vcache" ./cmd/vcache 2>/dev/null; then
	tmp=$(mktemp -d ./_proxybench.XXXXXX)
	cp cmd/vcache/proxy.go "$tmp/"
	cat > "$tmp/main.go" <<'GO'
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

var version = "bench"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := runProxy(ctx, os.Args[2:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
GO
	go build -o "$work/vcache" "./$tmp" || { rm -rf "$tmp"; exit 1; }
	rm -rf "$tmp"
fi

rport=$(free_port)
redis_job "$rport"
wait_pong "$rport"

vport=$(free_port)
GOMAXPROCS=${PROXY_GOMAXPROCS:-$(nproc)} proxy_job "$work/vcache" vcache "$vport" "$rport"
wait_pong "$vport"

nport=$(free_port)
nutcracker_job "$nport" "$rport"
wait_pong "$nport"

bench_one() { # port pipeline -> "set get" ops/s
	"${cli[@]}" redis-benchmark -p "$1" -q -c "$CLIENTS" -n "$N" -r 100000 -P "$2" -t set,get 2>/dev/null |
		tr '\r' '\n' | awk '/requests per second/ {for(i=1;i<=NF;i++) if ($i ~ /^[0-9.]+$/ && $(i+1)=="requests") v=$i; printf "%s ", v} END {print ""}'
}

declare -A res port=([direct]=$rport [vcache]=$vport [twemproxy]=$nport)
for round in $(seq "$ROUNDS"); do
	for P in $PIPELINES; do
		for target in direct vcache twemproxy; do
			read -r s g < <(bench_one "${port[$target]}" "$P")
			res[$target,$P,set]+="$s "
			res[$target,$P,get]+="$g "
			echo "round $round -P $P $target: SET $s GET $g" >&2
		done
	done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }'; }
echo
echo "redis-benchmark -c $CLIENTS -n $N -r 100000, median of $ROUNDS rounds (ops/s)"
echo
echo "| test | direct redis | vcache proxy | twemproxy | proxy/direct | proxy/twemproxy |"
echo "|---|---|---|---|---|---|"
for P in $PIPELINES; do
	for t in set get; do
		d=$(echo ${res[direct,$P,$t]} | tr ' ' '\n' | median)
		v=$(echo ${res[vcache,$P,$t]} | tr ' ' '\n' | median)
		n=$(echo ${res[twemproxy,$P,$t]} | tr ' ' '\n' | median)
		printf "| %s -P %s | %.0f | %.0f | %.0f | %s | %s |\n" "${t^^}" "$P" "$d" "$v" "$n" "$(ratio "$v" "$d")" "$(ratio "$v" "$n")"
	done
done
echo
echo "vcache proxy backend batches (requests per write to the node):"
redis-cli -p "$vport" INFO proxy | tr -d '\r' | grep -E '^backend' || true
