#!/usr/bin/env bash
# Two builds of the vcache proxy loaded at the same moment: each in front
# of its own redis-server, each driven by its own redis-benchmark -c 50
# -r 100000 -t set,get, both running together, so that whatever else the
# machine does weighs on both alike. Prints, per round, each proxy's CPU
# µs per request (utime+stime from /proc/PID/stat) and ops/s, and B's
# ratio to A; then the medians of the ratios. Run it twice with A and B
# swapped: the benchmark started first may fare a little better.
#
#   bench/proxypair.sh OLD_BINARY NEW_BINARY     # -P 16, ROUNDS=4, N=300000
#   P=1 N=50000 ROUNDS=6 bench/proxypair.sh OLD NEW
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 2 ] || { echo "usage: $0 BINARY_A BINARY_B" >&2; exit 2; }
A=$1 B=$2
P=${P:-16}
N=${N:-300000}
ROUNDS=${ROUNDS:-4}
. bench/lib.sh
need redis-server redis-benchmark redis-cli
make_work
tck=$(getconf CLK_TCK)
cpu() { awk -v t="$tck" '{sub(/.*\) /, ""); print ($12 + $13) * 1e6 / t}' "/proc/$1/stat"; }

declare -A port pid
for side in A B; do
	r=$(free_port)
	redis-server --port "$r" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis$side.log" 2>&1 &
	wait_pong "$r"
	port[$side]=$(free_port)
	proxy_job "${!side}" "proxy$side" "${port[$side]}" "$r"
	pid[$side]=$!
	wait_pong "${port[$side]}"
done

ops() { awk -F, 'NR>1 {gsub(/"/, ""); s += $2} END {print s}' "$1"; }
cratios="" oratios=""
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
	a0=$(cpu "${pid[A]}") b0=$(cpu "${pid[B]}")
	redis-benchmark -p "${port[A]}" -c 50 -n "$N" -r 100000 -P "$P" -t set,get --csv >"$work/A.csv" 2>/dev/null &
	ja=$!
	redis-benchmark -p "${port[B]}" -c 50 -n "$N" -r 100000 -P "$P" -t set,get --csv >"$work/B.csv" 2>/dev/null &
	jb=$!
	wait "$ja" "$jb"
	a1=$(cpu "${pid[A]}") b1=$(cpu "${pid[B]}")
	ca=$(awk -v a="$a0" -v b="$a1" -v n=$((2 * N)) 'BEGIN {printf "%.3f", (b - a) / n}')
	cb=$(awk -v a="$b0" -v b="$b1" -v n=$((2 * N)) 'BEGIN {printf "%.3f", (b - a) / n}')
	oa=$(ops "$work/A.csv") ob=$(ops "$work/B.csv")
	cr=$(awk -v a="$ca" -v b="$cb" 'BEGIN {printf "%.3f", b / a}')
	or=$(awk -v a="$oa" -v b="$ob" 'BEGIN {printf "%.3f", b / a}')
	echo "round $round -P $P: A $ca B $cb µs/request (B/A $cr); SET+GET ops/s A $oa B $ob (B/A $or)"
	cratios+="$cr " oratios+="$or "
done
med() { echo "$1" | tr ' ' '\n' | grep . | median; }
echo
echo "-P $P, $ROUNDS rounds of redis-benchmark -c 50 -n $N on each at once; load average $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "B/A CPU per request: $cratios(median $(med "$cratios")); B/A ops/s: $oratios(median $(med "$oratios"))"
