#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lava/smmubench-lava.sh: the steps of the LAVA test definition
# lava/smmubench.yaml, on the device under test. POSIX sh.
set -u
prog=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

usage() {
	cat <<EOH
usage: $prog --install deb|source|none [--deb-urls "URL..."]
       $prog [--suite LIST] --device DEV[,DEV...] [--iterations N]
             [--threads N] [--unbind-driver yes|no] [--output DIR]
             [--results FILE...]
             [--artifactorial URL --token TOKEN]

--install: installs smmubench and its module on this device (root).
  deb     the Debian packages smmubench and smmubench-dkms: downloaded
          from --deb-urls (http(s):// with curl, or file:// on a shared
          folder), else made from this source tree (make deb),
          installed with apt-get (DKMS builds the module), then modprobe;
  source  the README's "On an Arm server" commands, read from the README:
          its Debian packages, the module built in place, make, make
          install, then insmod;
  none    nothing (smmubench is on PATH, the module loaded or loadable).

Otherwise, runs the suite: one 'smmubench run' per workload of LIST
(comma-separated: attach, map, bind, pasid-attach; default: attach,map) on
the devices, each into DIR/WORKLOAD.results (DIR default ./output), with
a LAVA test case WORKLOAD.run (pass when the run succeeded). With
--unbind-driver yes, smmubench may take the devices from the driver that
holds them for the run (smmubench run --unbind-driver; it never takes one
that backs a mounted file system, swap, an up interface or the console).
With
--results, no run: the given results files are reported instead.
Each series of each results file becomes two LAVA test cases,
RUN.SERIES.p50 and RUN.SERIES.p99, whose measurements are the p50 and p99
of 'smmubench report -f csv' in the series' unit (ns). With --artifactorial,
each results file is uploaded there and referenced (lava-test-reference).

Outside LAVA (no lava-test-case on PATH) the test cases are printed as
'CASE RESULT [MEASUREMENT UNITS]'. Exit status: 0 when every step could be
tried (a failed run is a failed test case), 1 when the setup failed, 2 for
a usage error.
EOH
}

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

usage_error() {
	echo "$prog: $* (see --help)" >&2
	exit 2
}

install=
deb_urls=
suite=default
device=
iterations=1000
threads=1
output=./output
artifactorial=
token=
results=
unbind=no
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--install) install=${2-}; shift ;;
	--deb-urls) deb_urls=${2-}; shift ;;
	--suite) suite=${2-}; shift ;;
	--device) device=${2-}; shift ;;
	--iterations) iterations=${2-}; shift ;;
	--threads) threads=${2-}; shift ;;
	--unbind-driver) unbind=${2-}; shift ;;
	--output) output=${2-}; shift ;;
	--artifactorial) artifactorial=${2-}; shift ;;
	--token) token=${2-}; shift ;;
	--results)
		shift
		while [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; do
			results="$results $1"
			shift
		done
		[ -n "$results" ] || usage_error "--results needs files"
		continue
		;;
	*) usage_error "unknown argument '$1'" ;;
	esac
	[ $# -gt 0 ] && shift
done

# test_case NAME RESULT [MEASUREMENT UNITS]: one LAVA test case.
test_case() {
	if command -v lava-test-case >/dev/null 2>&1; then
		if [ $# -ge 4 ]; then
			lava-test-case "$1" --result "$2" --measurement "$3" --units "$4"
		else
			lava-test-case "$1" --result "$2"
		fi
	else
		echo "$*"
	fi
}

# The README's "On an Arm server" section: its first line starting with $1.
readme_line() {
	sed -n '/^## On an Arm server/,/^## /p' "$top/README.md" |
		grep -m1 "^$1"
}

# The Debian packages the README names, installed without questions.
install_readme_packages() {
	pkgs=$(readme_line 'apt install ') || die "no 'apt install' line in the README's Arm-server section"
	pkgs=${pkgs#apt install }
	# The line's $(uname -r) is for the shell.
	pkgs=$(eval "echo $pkgs")
	apt-get update -q || die "apt-get update failed"
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $pkgs || die "apt-get install of the README's packages failed"
}

do_install() {
	[ "$(id -u)" = 0 ] || die "--install needs root"
	case "$1" in
	none) ;;
	deb)
		debs=
		if [ -n "$deb_urls" ]; then
			mkdir -p "$top/build/deb-download"
			for u in $deb_urls; do
				f=$top/build/deb-download/$(basename "$u")
				case "$u" in
				# A lab's shared folder (NFS, 9p) needs no download.
				file://*) cp "${u#file://}" "$f" || die "could not copy $u" ;;
				*)
					command -v curl >/dev/null || die "curl is needed for --deb-urls"
					curl -fsSL -o "$f" "$u" || die "could not download $u" ;;
				esac
				debs="$debs $f"
			done
		else
			install_readme_packages
			(cd "$top" && make deb) || die "make deb failed"
			debs=$(ls "$top"/build/deb/smmubench*.deb)
		fi
		apt-get update -q || true
		# shellcheck disable=SC2086 # a list of files
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "linux-headers-$(uname -r)" $debs ||
			die "apt-get install of the packages failed"
		modprobe smmubench || die "modprobe smmubench failed (dkms status: $(dkms status smmubench 2>&1))"
		;;
	source)
		install_readme_packages
		cmd=$(readme_line 'make -C /lib/modules/') ||
			die "no module command in the README's Arm-server section"
		(cd "$top" && eval "$cmd" && make -j"$(nproc)" && make install) ||
			die "the README's build failed"
		grep -q '^smmubench ' /proc/modules ||
			insmod "$top/bench/smmubench.ko" || die "insmod failed"
		;;
	esac
	smmubench --version || die "smmubench is not on PATH after the install"
}

if [ -n "$install" ]; then
	case "$install" in
	deb | source | none) ;;
	*) usage_error "--install: '$install' is not deb, source or none" ;;
	esac
	do_install "$install"
	exit 0
fi

sb=${SMMUBENCH:-$(command -v smmubench || echo "$top/build/host/smmubench")}
[ -x "$sb" ] || die "no smmubench (install it first: --install)"
case "$iterations$threads" in
*[!0-9]*) usage_error "--iterations and --threads take numbers" ;;
esac

# report FILE: p50 and p99 of each series, from report's CSV (columns by
# their header names).
report() {
	run=$(basename "$1")
	run=${run%.*}
	csv=$("$sb" report -f csv "$1") || {
		test_case "$run.report" fail
		return
	}
	echo "$csv" | awk -F, -v run="$run" '
		/^#/ { next }
		!head { for (i = 1; i <= NF; i++) col[$i] = i; head = 1; next }
		{
			name = run "." $col["series"]
			# LAVA test case names: no blanks, no "=".
			gsub(/[^-_a-zA-Z0-9.]/, "_", name)
			unit = $col["unit"]
			if (unit == "1" || unit == "") unit = "count"
			print name ".p50", $col["p50"], unit
			print name ".p99", $col["p99"], unit
		}' | while read -r name value unit; do
		test_case "$name" pass "$value" "$unit"
	done
}

[ -n "$results" ] || [ -n "$device" ] || usage_error "--device is needed to run the suite"
case "$unbind" in
yes) unbind_opt=--unbind-driver ;;
no | "") unbind_opt= ;;
*) usage_error "--unbind-driver: want yes or no, not '$unbind'" ;;
esac
mkdir -p "$output" || die "cannot create $output"
if [ -z "$results" ]; then
	[ "$suite" = default ] && suite=attach,map
	for w in $(echo "$suite" | tr ',' ' '); do
		f=$output/$w.results
		# shellcheck disable=SC2086
		if "$sb" run --workload "$w" --device "$device" $unbind_opt \
			--threads "$threads" --iterations "$iterations" \
			--label "$w" --quiet -o "$f"; then
			test_case "$w.run" pass
			results="$results $f"
		else
			test_case "$w.run" fail
		fi
	done
else
	for f in $results; do
		[ -f "$f" ] || die "no results file $f"
		cp "$f" "$output/" 2>/dev/null || true
	done
fi

for f in $results; do
	report "$f"
	[ -n "$artifactorial" ] || continue
	if url=$(curl -fsS -F "path=@$f" -F "token=$token" "$artifactorial"); then
		if command -v lava-test-reference >/dev/null; then
			lava-test-reference "$(basename "$f")" --result pass --reference "$url"
		else
			echo "$(basename "$f"): $url"
		fi
	else
		test_case "$(basename "$f").upload" fail
	fi
done
exit 0
