# Helpers of the bench scripts (and scripts/redis-suite.sh) that start
# vcache and redis-server themselves, on free ports of 127.0.0.1. Sourced
# (`. bench/lib.sh`) from the repository's root; the servers started are
# the script's background jobs, killed when it exits.

# need TOOL... exits, naming the package to install, unless every tool is
# on the PATH.
need() {
	local tool pkgs=() p
	for tool in "$@"; do
		case $tool in
		redis-cli | redis-benchmark) p=redis-tools ;;
		*) p=$tool ;;
		esac
		[[ " ${pkgs[*]} " == *" $p "* ]] || pkgs+=("$p")
	done
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install ${pkgs[*]})" >&2; exit 1; }
	done
}

# make_work makes $work, a directory removed when the script exits, after
# the script's background jobs are stopped.
make_work() {
	work=$(mktemp -d)
	trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

# build_vcache makes $work and builds vcache into it ($work/vcache).
build_vcache() {
	make_work
	go build -o "$work/vcache" ./cmd/vcache
}

# build_base REV builds vcache as of git revision REV into
# $work/vcache-base, the binary start_base runs.
build_base() {
	mkdir "$work/base"
	git archive "$1" | tar -x -C "$work/base"
	(cd "$work/base" && go build -o "$work/vcache-base" ./cmd/vcache)
}

# free_port prints a TCP port of 127.0.0.1 that is free now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT waits up to 10 s for PING to succeed on PORT, or exits.
wait_port() { for _ in $(seq 100); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "port $1 did not answer" >&2; exit 1; }

# wait_pong PORT waits up to 10 s, in 50 ms steps, until PING on PORT
# answers PONG (not an error), or exits.
wait_pong() { for _ in $(seq 200); do redis-cli -p "$1" PING 2>/dev/null | grep -q PONG && return 0; sleep 0.05; done; echo "port $1 did not answer" >&2; exit 1; }

# start_vcache PORT, start_base PORT and start_redis PORT start the server
# in the background and print its pid; the vcache servers take the
# script's VCACHE_ARGS, if any, as more flags.
# shellcheck disable=SC2086
start_vcache() { "$work/vcache" server --port "$1" --loglevel warn ${VCACHE_ARGS:-} >/dev/null 2>&1 & echo $!; }
# shellcheck disable=SC2086
start_base() { "$work/vcache-base" server --port "$1" --loglevel warn ${VCACHE_ARGS:-} >/dev/null 2>&1 & echo $!; }
start_redis() { redis-server --port "$1" --save '' --appendonly no --daemonize no >/dev/null 2>&1 & echo $!; }

# serve SERVER starts SERVER (vcache, base or redis, by its start_
# function) on a free port and waits until it answers; it sets port and
# pid. stop_served stops it.
serve() { port=$(free_port); pid=$(start_$1 "$port"); wait_port "$port"; }
stop_served() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

# redis_job PORT, proxy_job BIN NAME PORT BACKEND_PORT [FLAG...] and
# nutcracker_job PORT BACKEND_PORT start a server on 127.0.0.1:PORT as a
# job of the script (so $! is its pid after the call, and make_work's trap
# stops it), logging to $work/redis.log, $work/NAME.log and
# $work/nutcracker.log, under the command in the script's array srv if it
# has one (e.g. taskset). Wait for it with wait_pong PORT.
redis_job() { ${srv[@]+"${srv[@]}"} redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 & }
# proxy_job runs BIN's proxy in front of 127.0.0.1:BACKEND_PORT.
proxy_job() {
	local bin=$1 name=$2 port=$3 backend=$4
	shift 4
	${srv[@]+"${srv[@]}"} "$bin" proxy --port "$port" --backend "127.0.0.1:$backend" --loglevel warn "$@" >"$work/$name.log" 2>&1 &
}
# nutcracker_job runs twemproxy with 127.0.0.1:BACKEND_PORT as its one
# server, its stats on a free port.
nutcracker_job() {
	cat >"$work/nutcracker.yml" <<YML
bench:
  listen: 127.0.0.1:$1
  hash: fnv1a_64
  distribution: ketama
  redis: true
  preconnect: true
  auto_eject_hosts: false
  servers:
   - 127.0.0.1:$2:1
YML
	${srv[@]+"${srv[@]}"} nutcracker -c "$work/nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 -o "$work/nutcracker.log" &
}

# start_cluster BIN starts two data nodes (a gossip cluster, no replicas,
# no autoscaling) and a proxy of BIN, as jobs of the script, logging to
# $work/n1.log, n2.log and proxy.log, and waits until a write through the
# proxy succeeds; it sets port (the proxy's) and pids (the proxy's first,
# then the nodes', comma-separated). stop_cluster stops them.
start_cluster() {
	local bin=$1 g1 g2 n1 n2 i
	port=$(free_port) n1=$(free_port) n2=$(free_port) g1=$(free_port) g2=$(free_port)
	pids=
	for i in 1 2; do
		local p=$n1 g=$g1
		[ "$i" = 2 ] && p=$n2 g=$g2
		"$bin" server --port "$p" --gossip "127.0.0.1:$g" --join "127.0.0.1:$g1,127.0.0.1:$g2" --node-name "n$i" \
			--replicas 0 --bootstrap-expect 2 --shard-max-ops 0 --shard-max-memory 0 --loglevel warn >"$work/n$i.log" 2>&1 &
		pids+=",$!"
	done
	"$bin" proxy --port "$port" --gossip "127.0.0.1:$(free_port)" --join "127.0.0.1:$g1,127.0.0.1:$g2" \
		--shard-max-ops 0 --shard-max-memory 0 --loglevel warn >"$work/proxy.log" 2>&1 &
	pids="$!$pids"
	for _ in $(seq 300); do
		redis-cli -p "$port" SET bench:probe 1 2>/dev/null | grep -q OK && return 0
		sleep 0.1
	done
	echo "the cluster did not take a write" >&2
	cat "$work"/*.log >&2
	exit 1
}
stop_cluster() {
	local p
	for p in ${pids//,/ }; do kill "$p" 2>/dev/null || true; done
	for p in ${pids//,/ }; do wait "$p" 2>/dev/null || true; done
}

# median reads numbers, one a line, and prints their median.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# ratio A B prints A/B (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{print (b > 0 ? a/b : 0)}'; }

# used PORT prints the server's used_memory.
used() { redis-cli -p "$1" INFO memory | tr -d '\r' | awk -F: '$1=="used_memory" {print $2}'; }

# bench_cmd port pipeline command... -> the ops/s of redis-benchmark -c 50 -n $N
# -r 100000 at that pipeline depth on that port.
bench_cmd() { # port pipeline command... -> ops/s
	local port=$1 p=$2
	shift 2
	timeout 300 redis-benchmark -p "$port" -q -c 50 -n "$N" -r 100000 -P "$p" "$@" 2>/dev/null |
		tr '\r' '\n' | awk '/requests per second/ {
			n = split($0, w, " "); for (i = 1; i < n; i++) if (w[i+1] == "requests") v = w[i]
			print v }' | tail -1
}
