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

# build_vcache makes $work, a directory removed when the script exits,
# and builds vcache into it ($work/vcache).
build_vcache() {
	work=$(mktemp -d)
	trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
	go build -o "$work/vcache" ./cmd/vcache
}

# free_port prints a TCP port of 127.0.0.1 that is free now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT waits up to 10 s for PING to succeed on PORT, or exits.
wait_port() { for _ in $(seq 100); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "port $1 did not answer" >&2; exit 1; }

# start_vcache PORT and start_redis PORT start the server in the
# background and print its pid.
start_vcache() { "$work/vcache" server --port "$1" --loglevel warn >/dev/null 2>&1 & echo $!; }
start_redis() { redis-server --port "$1" --save '' --appendonly no --daemonize no >/dev/null 2>&1 & echo $!; }

# median reads numbers, one a line, and prints their median.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# ratio A B prints A/B (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{print (b > 0 ? a/b : 0)}'; }

# used PORT prints the server's used_memory.
used() { redis-cli -p "$1" INFO memory | tr -d '\r' | awk -F: '$1=="used_memory" {print $2}'; }
