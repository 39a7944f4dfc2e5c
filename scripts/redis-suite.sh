#!/usr/bin/env bash
# Runs unit files of Redis 7.0.15's own test suite in external mode against
# vcache (and, with COMPARE=1, against redis-server on the same files) and
# prints ok/err counts per file. The suite comes from Debian's source package
# of redis, its security patches applied (debian/patches/series, in order: the
# tests they add are the suite's too), fetched once into .cache/redis-suite,
# never committed; tclsh comes from Debian's tcl, patch from Debian's patch.
#
#   scripts/redis-suite.sh                          # the default files
#   scripts/redis-suite.sh unit/type/list unit/sort # these files
#   COMPARE=1 scripts/redis-suite.sh                # redis-server beside vcache
#   FILE_TIMEOUT=600 scripts/redis-suite.sh         # seconds a file may take (300)
#   BASEPORT=21111 scripts/redis-suite.sh           # the harness's own ports (random by default,
#                                                   # so two runs on one machine do not clash)
#   CHECK=1 scripts/redis-suite.sh                  # fail when a file passes fewer tests than
#                                                   # its floor in scripts/redis-suite.floor (CI)
#   PROXY=1 scripts/redis-suite.sh unit/pause       # through the proxy of `vcache dev` (two nodes,
#                                                   # no replicas) instead of one node
#   ONLY='/^Test both' scripts/redis-suite.sh unit/pause  # only the test so named (/: a regexp)
#
# Tags that need DEBUG, replication, a restart or maxmemory configuration are
# left out, as for any server run in external mode.
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(unit/type/string unit/type/incr unit/type/hash unit/type/list unit/type/set
	unit/type/zset unit/expire unit/keyspace unit/bitops unit/bitfield unit/hyperloglog unit/sort unit/dump
	unit/scan unit/info-command unit/multi unit/pubsub unit/scripting unit/functions unit/type/stream
	unit/type/stream-cgroups unit/tracking unit/introspection unit/geo unit/introspection-2
	unit/latency-monitor unit/lazyfree unit/slowlog unit/protocol unit/other unit/quit unit/type/list-2
	unit/pause unit/querybuf unit/type/list-3)
cache=.cache/redis-suite
src=$cache/redis-7.0.15
# The newest Debian revision fetched (its debian.tar.xz holds the patches).
debian_tar() { find "$cache" -maxdepth 1 -name 'redis_7.0.15-*.debian.tar.xz' 2>/dev/null | sort -V | tail -n 1; }
# A tree extracted before the patches were applied (no marker, or another
# revision's) is extracted again.
if [ ! -d "$src/tests" ] || [ ! -f "$src/.debian-patches" ] || [ "$(cat "$src/.debian-patches")" != "$(basename "$(debian_tar)")" ]; then
	command -v patch >/dev/null || { echo "needs patch (apt-get install patch)" >&2; exit 1; }
	if [ ! -f "$cache/redis_7.0.15.orig.tar.gz" ] || [ -z "$(debian_tar)" ]; then
		command -v apt-get >/dev/null || { echo "needs apt-get (Debian) to fetch redis's source package" >&2; exit 1; }
		mkdir -p "$cache"
		list=$(mktemp --suffix=.sources)
		sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$list"
		opts=(-o Dir::Etc::SourceList="$list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$cache/lists")
		mkdir -p "$cache/lists/partial"
		apt-get update -qq "${opts[@]}"
		(cd "$cache" && apt-get source --download-only -qq "${opts[@]}" redis)
		rm -f "$list"
	fi
	rm -rf "$src"
	tar -xzf "$cache"/redis_7.0.15.orig.tar.gz -C "$cache"
	tar -xJf "$(debian_tar)" -C "$src"
	# The series names the patches in the order they apply; all take -p1.
	grep -v '^\s*\(#\|$\)' "$src/debian/patches/series" | while read -r p _; do
		patch -d "$src" -p1 --forward --quiet < "$src/debian/patches/$p" || { echo "patch $p does not apply" >&2; exit 1; }
	done
	# External mode runs "function flush" before each file; until vcache has
	# FUNCTION it must not stop the file.
	sed -i 's/^    r function flush$/    catch {r function flush}/' "$src/tests/support/server.tcl"
	basename "$(debian_tar)" > "$src/.debian-patches"
fi
command -v tclsh >/dev/null || { echo "needs tclsh (apt-get install tcl)" >&2; exit 1; }
# build_vcache, free_port, wait_port, start_vcache and start_redis.
. bench/lib.sh
build_vcache
if [ "${PROXY:-}" = 1 ]; then
	# shellcheck disable=SC2086
	start_vcache() {
		"$work/vcache" dev --port "$1" --nodes 2 --replicas 0 --dir '' --admin-addr '' --autoscale=false \
			--loglevel warn ${VCACHE_ARGS:-} >/dev/null 2>&1 &
		echo $!
	}
fi
only=()
[ -n "${ONLY:-}" ] && only=(--only "$ONLY")
servers=(vcache)
[ "${COMPARE:-}" = 1 ] && servers=(vcache redis)

# run_file server file -> "ok err"
run_file() {
	local port pid out
	port=$(free_port)
	pid=$(start_"$1" "$port")
	wait_port "$port"
	out=$( (cd "$src" && timeout "${FILE_TIMEOUT:-300}" tclsh tests/test_helper.tcl --host 127.0.0.1 --port "$port" --singledb \
		--single "$2" ${only[@]+"${only[@]}"} --baseport "${BASEPORT:-$((20000 + RANDOM % 20000))}" --tags -needs:debug --tags -needs:repl --tags -needs:config-maxmemory \
		--tags -cluster:skip --tags -needs:save --clients 1) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || true)
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	echo "$out" > "$work/$1-$(echo "$2" | tr / _).log"
	[ -n "${LOGS:-}" ] && mkdir -p "$LOGS" && cp "$work/$1-$(echo "$2" | tr / _).log" "$LOGS/"
	echo "$(grep -c '^\[ok\]' <<<"$out") $(grep -c '^\[err\]\|^\[exception\]' <<<"$out")"
}

if [ ${#servers[@]} -eq 2 ]; then
	echo "| file | vcache ok | vcache err | redis-server ok | redis-server err |"
	echo "|---|---|---|---|---|"
else
	echo "| file | vcache ok | vcache err |"
	echo "|---|---|---|"
fi
tv=0; tr=0
below=()
floor() { awk -v f="$1" '$1 == f && $1 !~ /^#/ {print $2}' scripts/redis-suite.floor; }
for f in "${files[@]}"; do
	read -r vok verr < <(run_file vcache "$f")
	tv=$((tv + vok))
	if [ "${CHECK:-}" = 1 ] && min=$(floor "$f") && [ -n "$min" ] && [ "$vok" -lt "$min" ]; then
		below+=("$f: $vok passed, floor $min")
	fi
	if [ ${#servers[@]} -eq 2 ]; then
		read -r rok rerr < <(run_file redis "$f")
		tr=$((tr + rok))
		echo "| $f | $vok | $verr | $rok | $rerr |"
	else
		echo "| $f | $vok | $verr |"
	fi
done
if [ ${#servers[@]} -eq 2 ]; then echo "| all | $tv | | $tr | |"; else echo "| all | $tv | |"; fi
if [ ${#below[@]} -gt 0 ]; then
	echo
	echo "below the floor (scripts/redis-suite.floor):"
	printf '  %s\n' "${below[@]}"
	exit 1
fi
