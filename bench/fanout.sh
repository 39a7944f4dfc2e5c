#!/usr/bin/env bash
# Pub/sub fan-out through the vcache proxy against redis-server alone, in
# the same run: SUBS subscriber connections on one channel (SUBSCRIBE, and
# PSUBSCRIBE of a pattern matching it), one publisher sending at each of
# RATES messages/s for DURATION, every message stamped with its send time
# (vcache bench fanout). vcache is two data nodes (a gossip cluster, no
# replicas) behind `vcache proxy`, the subscribers and the publisher all
# connected to the proxy (which subscribes once on its home node and fans
# out itself); redis-server has them all connected directly. For each
# rate: deliveries/s (messages × subscribers, from the first send to the
# last delivery), p50/p99/p99.9 delivery latency, deliveries lost (not
# received when deliveries stopped: a second without one, or 10 s after
# the last send; "cut": subscribers the server disconnected, at its output
# buffer limit say), and server CPU per delivery (utime+stime from /proc: redis-server; vcache's
# proxy and nodes together, and the proxy's part). Servers alternate each
# round; medians of ROUNDS and vcache/redis ratios.
#
#   bench/fanout.sh                                   # SUBS=1000 RATES=200,1000,5000 DURATION=3s ROUNDS=3
#   SUBS=200 RATES=1000 DURATION=2s ROUNDS=1 bench/fanout.sh
#   MODES=channel bench/fanout.sh                     # no pattern runs (MODES="channel pattern")
#   BASE=main bench/fanout.sh                         # also vcache built from that revision
set -euo pipefail
cd "$(dirname "$0")/.."
SUBS=${SUBS:-1000}
RATES=${RATES:-200,1000,5000}
DURATION=${DURATION:-3s}
ROUNDS=${ROUNDS:-3}
MODES=${MODES:-channel pattern}
. bench/lib.sh
need redis-server redis-cli python3
build_vcache
servers="vcache redis"
if [ -n "${BASE:-}" ]; then
	build_base "$BASE"
	servers="vcache base redis"
fi

start_server() { # SERVER
	case $1 in
	vcache) start_cluster "$work/vcache" ;;
	base) start_cluster "$work/vcache-base" ;;
	redis)
		port=$(free_port)
		redis_job "$port"
		pids=$!
		wait_pong "$port"
		;;
	esac
}
stop_server() {
	local p
	for p in ${pids//,/ }; do kill "$p" 2>/dev/null || true; done
	for p in ${pids//,/ }; do wait "$p" 2>/dev/null || true; done
}

results=$work/results.tsv
: >"$results"
for round in $(seq "$ROUNDS"); do
	for server in $servers; do
		start_server "$server"
		for mode in $MODES; do
			flag=
			[ "$mode" = pattern ] && flag=--pattern
			# shellcheck disable=SC2086
			timeout 600 "$work/vcache" bench fanout --addr "127.0.0.1:$port" --subs "$SUBS" --rates "$RATES" \
				--duration "$DURATION" --pids "$pids" $flag --json >"$work/run.json"
			python3 - "$work/run.json" "$server" "$mode" "$round" >>"$results" <<'PY'
import json, sys
path, server, mode, rnd = sys.argv[1:]
for r in json.load(open(path)):
    cpu = r.get("cpu_us_per_delivery") or [0]
    print("\t".join(str(x) for x in (server, mode, r["rate"], rnd, r["deliveries_per_sec"], r["p50_ns"] / 1e6,
        r["p99_ns"] / 1e6, r["p999_ns"] / 1e6, r["lost"], r["disconnected"], sum(cpu), cpu[0])))
PY
			awk -v s="$server" -v m="$mode" -v r="$round" '$1==s && $2==m && $4==r {
				printf "round %s %s %s %s msgs/s: %.0f deliveries/s, p99 %.2f ms, lost %s, CPU %.3f µs/delivery\n", r, s, m, $3, $5, $7, $9, $11 }' "$results" >&2
		done
		stop_server
	done
done

python3 - "$results" "$servers" "$SUBS" "$DURATION" "$ROUNDS" <<'PY'
import collections, statistics, sys
path, servers, subs, duration, rounds = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4], sys.argv[5]
runs = collections.defaultdict(list)  # (server, mode, rate) -> rows
order = []
for line in open(path):
    f = line.split("\t")
    key = (f[0], f[1], int(f[2]))
    runs[key].append([float(x) for x in f[4:]])
    if (f[1], int(f[2])) not in order:
        order.append((f[1], int(f[2])))
def med(server, mode, rate, i):
    rows = runs.get((server, mode, rate), [])
    return statistics.median(r[i] for r in rows) if rows else 0
def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"
vs = [s for s in servers if s != "redis"]
print()
print("| %s subscribers, %s per rate, ROUNDS=%s | redis deliveries/s | %s | not delivered 10 s after the last send (redis / %s) |" % (
    subs, duration, rounds, " | ".join("%s deliveries/s | %s/redis" % (s, s) for s in vs), " / ".join(vs)))
print("|---|---|%s---|" % ("---|---|" * len(vs)))
for mode, rate in order:
    r = med("redis", mode, rate, 0)
    cells = ["%.0f | %s" % (med(s, mode, rate, 0), ratio(med(s, mode, rate, 0), r)) for s in vs]
    lost = " / ".join("%.0f%s" % (med(s, mode, rate, 4), " (%.0f cut)" % med(s, mode, rate, 5) if med(s, mode, rate, 5) else "")
        for s in ["redis"] + vs)
    print("| %s, %d msgs/s | %.0f | %s | %s |" % (mode, rate, r, " | ".join(cells), lost))
print()
print("| delivery latency ms, p50 / p99 / p99.9 | redis | %s |" % " | ".join("%s | %s/redis p99" % (s, s) for s in vs))
print("|---|---|%s" % ("---|---|" * len(vs)))
for mode, rate in order:
    lat = lambda s: "%.2f / %.2f / %.2f" % (med(s, mode, rate, 1), med(s, mode, rate, 2), med(s, mode, rate, 3))
    cells = ["%s | %s" % (lat(s), ratio(med(s, mode, rate, 2), med("redis", mode, rate, 2))) for s in vs]
    print("| %s, %d msgs/s | %s | %s |" % (mode, rate, lat("redis"), " | ".join(cells)))
print()
print("| server CPU µs per delivery | redis | %s |" % " | ".join("%s (proxy+nodes) | its proxy | %s/redis" % (s, s) for s in vs))
print("|---|---|%s" % ("---|---|---|" * len(vs)))
for mode, rate in order:
    r = med("redis", mode, rate, 6)
    cells = ["%.3f | %.3f | %s" % (med(s, mode, rate, 6), med(s, mode, rate, 7), ratio(med(s, mode, rate, 6), r)) for s in vs]
    print("| %s, %d msgs/s | %.3f | %s |" % (mode, rate, r, " | ".join(cells)))
PY
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
