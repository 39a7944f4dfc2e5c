#!/usr/bin/env bash
# CPU per request of the vcache proxy and of twemproxy (nutcracker) in
# front of the same redis-server, in the same run, and the backend's and
# redis-benchmark's CPU per request behind and before each. On a shared
# machine CPU time depends far less on the others' load than ops/s does,
# though a round under heavy load still moves by about 10%: compare
# builds with BASE (paired rounds, their ratio by round) and quote ratios.
#
# For each round, -P 1 and -P 16, targets alternating: redis-benchmark
# -c 50 -r 100000 -t set,get; before and after, utime+stime of each
# server from /proc/PID/stat, the proxy's read and write system calls
# from /proc/PID/io and the context switches of its threads, and the
# benchmark's own user+system time. Prints medians over the rounds, the
# ratios, and the load average.
#
#   bench/proxycpu.sh                     # N=300000 requests per test
#                                         # (N16=4N at -P 16), ROUNDS=3
#   N=500000 ROUNDS=5 bench/proxycpu.sh
#   CPUPROFILE=/tmp/p.prof bench/proxycpu.sh   # a CPU profile of the proxy
#   VCACHE=/path/to/vcache bench/proxycpu.sh   # an already-built binary
#   BASE=/path/to/old/vcache bench/proxycpu.sh # adds target "base": a
#                                     # second proxy from another build,
#                                     # alternating with this one
#   TARGETS=vcache PIPELINES=16 ...   # fewer targets or pipelines
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}       # requests per test at -P 1
N16=${N16:-$((4 * N))} # at -P 16, where each costs about a tenth
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-1 16}
TARGETS=${TARGETS:-direct vcache twemproxy}
. bench/lib.sh
need redis-server redis-benchmark redis-cli nutcracker
make_work
if [ -n "${VCACHE:-}" ]; then
	bin=$VCACHE
else
	bin=$work/vcache
	go build -o "$bin" ./cmd/vcache
fi
tck=$(getconf CLK_TCK)

rport=$(free_port)
redis_job "$rport"
rpid=$!
wait_pong "$rport"

vport=$(free_port)
prof=()
[ -n "${CPUPROFILE:-}" ] && prof=(--cpuprofile "$CPUPROFILE")
proxy_job "$bin" vcache "$vport" "$rport" "${prof[@]}"
vpid=$!
wait_pong "$vport"

bport=0 bpid=0
if [ -n "${BASE:-}" ]; then
	bport=$(free_port)
	proxy_job "$BASE" base "$bport" "$rport"
	bpid=$!
	wait_pong "$bport"
	[[ " $TARGETS " == *" base "* ]] || TARGETS="${TARGETS/vcache/base vcache}"
fi

nport=$(free_port)
nutcracker_job "$nport" "$rport"
npid=$!
wait_pong "$nport"

# cpu PID prints utime+stime in microseconds; calls PID prints read and
# write system calls (syscr + syscw).
cpu() { awk -v t="$tck" '{sub(/.*\) /, ""); print ($12 + $13) * 1e6 / t}' "/proc/$1/stat"; }
calls() { awk '$1=="syscr:" || $1=="syscw:" {n += $2} END {print n}' "/proc/$1/io"; }
# switches PID prints the context switches of all its threads.
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'; }

declare -A port=([direct]=$rport [vcache]=$vport [base]=$bport [twemproxy]=$nport)
declare -A pid=([direct]=0 [vcache]=$vpid [base]=$bpid [twemproxy]=$npid)
declare -A res last
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
	for P in $PIPELINES; do
		for target in $TARGETS; do
			pp=${pid[$target]}
			n=$N
			[ "$P" -gt 1 ] && n=$N16
			b0=$(cpu "$rpid") p0=0 c0=0
			x0=0 x1=0
			if [ "$pp" != 0 ]; then p0=$(cpu "$pp") c0=$(calls "$pp") x0=$(switches "$pp"); fi
			TIMEFORMAT='%3U %3S'
			{ time redis-benchmark -p "${port[$target]}" -c "$CLIENTS" -n "$n" -r 100000 -P "$P" -t set,get --csv >"$work/out.csv" 2>/dev/null; } 2>"$work/time"
			b1=$(cpu "$rpid") p1=0 c1=0
			if [ "$pp" != 0 ]; then p1=$(cpu "$pp") c1=$(calls "$pp") x1=$(switches "$pp"); fi
			read -r s g < <(awk -F, 'NR>1 {gsub(/"/, ""); printf "%s ", $2} END {print ""}' "$work/out.csv")
			read -r s99 g99 < <(awk -F, 'NR>1 {gsub(/"/, ""); printf "%s ", $7} END {print ""}' "$work/out.csv")
			reqs=$((2 * n))
			pus=$(awk -v a="$p0" -v b="$p1" -v n="$reqs" 'BEGIN{printf "%.3f", (b - a) / n}')
			bus=$(awk -v a="$b0" -v b="$b1" -v n="$reqs" 'BEGIN{printf "%.3f", (b - a) / n}')
			cus=$(awk -v n="$reqs" '{printf "%.3f", ($1 + $2) * 1e6 / n}' "$work/time")
			csk=$(awk -v a="$x0" -v b="$x1" -v n="$reqs" 'BEGIN{printf "%.2f", (b - a) * 1000 / n}')
			cpr=$(awk -v a="$c0" -v b="$c1" -v n="$reqs" 'BEGIN{printf "%.4f", (b - a) / n}')
			for k in pus bus cus cpr csk s g s99 g99; do res[$target,$P,$k]+="${!k} "; done
			# The same round's ratio to the build before (base runs first).
			[ "$target" = vcache ] && [ -n "${last[base,$P]:-}" ] &&
				res[pair,$P]+="$(awk -v a="$pus" -v b="${last[base,$P]}" 'BEGIN{if (b > 0) printf "%.3f", a/b}') "
			last[$target,$P]=$pus
			echo "round $round -P $P $target: proxy ${pus} us/req, backend ${bus} us/op, client ${cus} us/req, proxy read+write calls/req ${cpr}, context switches per 1000 req ${csk}; SET $s GET $g ops/s, p99 $s99 / $g99 ms" >&2
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

med() { echo "$1" | tr ' ' '\n' | grep . | median; }
echo
echo "redis-benchmark -c $CLIENTS -n $N (-P 1) / $N16 (-P 16) -r 100000 -t set,get, median of $ROUNDS rounds; load average $load0 before, $load1 after"
echo
echo "| -P | target | proxy CPU µs/request | backend CPU µs/op | client CPU µs/request | proxy read+write calls/request | proxy context switches per 1000 requests | SET ops/s | GET ops/s | SET p99 ms | GET p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for P in $PIPELINES; do
	for target in $TARGETS; do
		row="| $P | $target"
		for k in pus bus cus cpr csk s g s99 g99; do
			v=$(med "${res[$target,$P,$k]}")
			[ "$target" = direct ] && case $k in pus | cpr | csk) v=- ;; esac
			row+=" | $v"
		done
		echo "$row |"
	done
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }'; }
for P in $PIPELINES; do
	if [[ " $TARGETS " == *" base "* ]]; then
		echo "-P $P: vcache/base CPU per request $(ratio "$(med "${res[vcache,$P,pus]}")" "$(med "${res[base,$P,pus]}")") (medians); by round: ${res[pair,$P]}(median $(med "${res[pair,$P]}"))"
	fi
	if [[ " $TARGETS " == *" vcache "* && " $TARGETS " == *" twemproxy "* ]]; then
		echo "-P $P: vcache/twemproxy CPU per request $(ratio "$(med "${res[vcache,$P,pus]}")" "$(med "${res[twemproxy,$P,pus]}")")"
	fi
	if [[ " $TARGETS " == *" vcache "* && " $TARGETS " == *" direct "* ]]; then
		echo "-P $P: vcache/direct ops/s SET $(ratio "$(med "${res[vcache,$P,s]}")" "$(med "${res[direct,$P,s]}")") GET $(ratio "$(med "${res[vcache,$P,g]}")" "$(med "${res[direct,$P,g]}")")"
	fi
done
