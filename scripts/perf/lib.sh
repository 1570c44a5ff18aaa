# SPDX-License-Identifier: GPL-2.0
# Shared by the perf sessions in scripts/perf/. POSIX sh: they run on Arm
# servers (bash, dash) and in the test bed guest (busybox sh). Each session
# checks what it needs and, when the machine lacks it, says what to enable
# and exits 3. Exit status: the session's command's, 2 for a usage error,
# 3 when this machine cannot run the session.

E_USAGE=2
E_CANNOT=3

perf_here=$(cd "$(dirname "$0")" && pwd)
perf_top=$(cd "$perf_here/../.." && pwd)

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

usage_error() {
	echo "$prog: $* (see --help)" >&2
	exit $E_USAGE
}

# cannot WHAT-IS-MISSING WHAT-TO-DO: this machine cannot run the session.
cannot() {
	echo "$prog: cannot run here: $1" >&2
	[ -n "${2:-}" ] && echo "$prog: to enable: $2" >&2
	exit $E_CANNOT
}

# The kernel's config value of CONFIG_$1 (y, m, n), or ? when the config
# is not readable (no /proc/config.gz, no /boot/config-*).
kconfig() {
	local_v=
	if [ -r /proc/config.gz ]; then
		local_v=$(zcat /proc/config.gz 2>/dev/null | sed -n "s/^CONFIG_$1=//p")
	elif [ -r "/boot/config-$(uname -r)" ]; then
		local_v=$(sed -n "s/^CONFIG_$1=//p" "/boot/config-$(uname -r)")
	else
		echo "?"
		return
	fi
	echo "${local_v:-n}"
}

need_root() {
	[ "$(id -u)" = 0 ] || cannot "not root: system-wide perf sessions and kprobes need root" \
		"run as root (or lower kernel.perf_event_paranoid and kernel.kptr_restrict)"
}

# Sets $tracefs to the mounted tracefs, or says how to mount it.
need_tracefs() {
	for tracefs in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -d "$tracefs/events" ] && return 0
	done
	cannot "no tracefs mounted (kernel config FTRACE: $(kconfig FTRACE))" \
		"mount -t tracefs nodev /sys/kernel/tracing (CONFIG_FTRACE=y)"
}

# need_tracepoint SYS:NAME WHAT-TO-ENABLE
need_tracepoint() {
	[ -d "$tracefs/events/${1%%:*}/${1#*:}" ] ||
		cannot "the kernel has no $1 tracepoint" "$2"
}

# The perf of the test bed (scripts/deps unpacks Debian's arm64 perf and
# the libraries it loads into build/perf-arm64): the guest has no dynamic
# loader of its own, so perf runs through the one that came with it. The
# copy to /tmp keeps page-ins of perf's libraries off the 9p share, whose
# DMA goes through the SMMU and would show in the counts.
testbed_perf() {
	root=$perf_top/build/perf-arm64
	[ "$(uname -m)" = aarch64 ] && [ -x "$root/bin/perf" ] || return 1
	if [ -n "${SMMUBENCH_KERNEL:-}" ]; then
		copy=${TMPDIR:-/tmp}/smmubench-perf
		[ -x "$copy/bin/perf" ] || cp -a "$root" "$copy" || return 1
		root=$copy
	fi
	perf="$root/lib/ld-linux-aarch64.so.1 --library-path $root/lib $root/bin/perf"
}

# Sets $perf to a command that runs perf, or says how to get one. $PERF
# wins; then perf in PATH, then Debian's perf_X.Y, then the test bed's.
find_perf() {
	if [ -n "${PERF:-}" ]; then
		perf=$PERF
		$perf --version >/dev/null 2>&1 || cannot "PERF=$PERF does not run"
		return 0
	fi
	for perf in perf $(ls -r /usr/bin/perf_* 2>/dev/null); do
		# Debian's perf wrapper fails for a kernel without its perf_X.Y.
		$perf --version >/dev/null 2>&1 && return 0
	done
	testbed_perf && $perf --version >/dev/null 2>&1 && return 0
	if [ -n "${SMMUBENCH_KERNEL:-}" ]; then
		cannot "no perf in this guest: the busybox initramfs has none, and $perf_top/build/perf-arm64 (Debian's arm64 perf, made by 'make deps' on the host) is missing or does not run" \
			"run 'make deps' on the host, then run this again"
	fi
	cannot "no perf binary" \
		"install Debian's linux-perf (Ubuntu: linux-tools-\$(uname -r); Fedora: perf), or set PERF=/path/to/perf"
}

# Parses the options every session takes; the rest of "$@" after -- is
# the command, in "$@" again on return (call as: parse_common "$@"; shift
# $parsed). Sets $outdir.
parse_common() {
	outdir=
	parsed=0
	while [ $# -gt 0 ]; do
		case "$1" in
		-o) [ $# -ge 2 ] || usage_error "-o needs a folder"
			outdir=$2; shift; parsed=$((parsed + 1)) ;;
		-h | --help) usage; exit 0 ;;
		--) parsed=$((parsed + 1)); shift; break ;;
		*) usage_error "unknown option '$1'" ;;
		esac
		shift
		parsed=$((parsed + 1))
	done
	[ $# -gt 0 ] || usage_error "no COMMAND given after --"
	if [ -z "$outdir" ]; then
		outdir=$(mktemp -d "${TMPDIR:-/tmp}/smmubench-$prog.XXXXXX") ||
			die "cannot make a folder in ${TMPDIR:-/tmp}"
	fi
	mkdir -p "$outdir" || die "cannot make $outdir"
}
