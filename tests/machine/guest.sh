#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/machine/guest.sh MODE SHARE: the acceptance test's part in the
# emulated Debian arm64 machine (tests/machine/arm64.t boots it), TAP.
# SHARE holds src.tar (a clean copy of the source), readme.txt (the
# README's "On an Arm server" command lines, as printed), tap.sh and, for
# MODE deb, deb/ (the packages the source mode made) and lava/ (LAVA's
# test-shell helpers, the definition's steps as LAVA's run.sh has them).
#   source  the README as printed: its Debian packages (apt), the module
#           built in place, make, insmod, run, report, make install, man,
#           DKMS, make deb; the packages and results go back to SHARE
#   deb     a fresh machine: the README's apt install of the packages,
#           the same run with the installed smmubench, the man pages, the
#           perf sessions with Debian's perf, the LAVA definition's
#           install and run steps, then apt remove
mode=$1 share=$2
# shellcheck source=tests/guest/tap.sh
. "$share/tap.sh"
dev=0000:01:00.0
log=/root/step.log

cd /root || exit 1
rm -rf smmubench
mkdir smmubench
tar -xf "$share/src.tar" -C smmubench
cd smmubench || exit 1
echo "# machine: $(uname -r), Debian $(cat /etc/debian_version), $(nproc) CPUs"

# step DESCRIPTION COMMAND-LINE: one command line, run by bash as a user
# types it, in the source folder; its output kept in $log, the last lines
# shown when it fails.
step() {
	local what=$1 rc start
	start=$(date +%s)
	bash -c "$2" </dev/null >"$log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || tail -n 15 "$log" | sed 's/^/#   /'
	ok "$rc" "$what: $2 (exit $rc, $(($(date +%s) - start)) s)"
	return "$rc"
}

# readme LINE-PATTERN: the README's lines that match (grep -E), in order.
readme() {
	grep -E "$1" "$share/readme.txt"
}

# series_in FILE: the series of a results file's report (text), one a line.
series_in() {
	"$1" report -f csv "$2" 2>/dev/null | awk -F, '!/^#/ && NR > 1 { print $1 }'
}

# within VALUE EXPECTED EXTRA DESCRIPTION: EXPECTED <= VALUE <= EXPECTED + EXTRA.
within() {
	case "$1" in
	'' | *[!0-9]*) ok 1 "$4 (got '$1')"; return ;;
	esac
	[ "$1" -ge "$2" ] && [ "$1" -le $(($2 + $3)) ]
	ok $? "$4 (got $1)"
}

check_run() {
	local sb=$1 f=$2 s pages iters
	s=$(series_in "$sb" "$f" | tr '\n' ' ')
	case "$s" in
	*op.map*op.unmap*) ok 0 "report of $f: the map and unmap series ($s)" ;;
	*) ok 1 "report of $f: the map and unmap series (got '$s')" ;;
	esac
	is "$(awk -F '\t' '$1 == "param" && $2 == "workload" { print $3 }' "$f")" map \
		"$f: a map run"
	# libperf's counts around the run on Debian's own kernel (the test
	# bed's perf.t checks 6.12): every iteration maps size/granule pages
	# and unmaps once. The counts are system-wide, and the machine's disk
	# is behind the SMMU too: its writeback during the run may add a few.
	pages=$(awk -F '\t' '$1 == "param" && $2 == "size_bytes" { s = $3 }
		$1 == "param" && $2 == "granule_bytes" { g = $3 } END { print s / g }' "$f")
	iters=$(results_counter "$f" nr_iterations)
	within "$(results_counter "$f" perf.iommu:map absent)" $((iters * pages)) $((iters / 100)) \
		"$f: perf.iommu:map = $iters iterations x $pages pages"
	within "$(results_counter "$f" perf.iommu:unmap absent)" "$iters" $((iters / 100)) \
		"$f: perf.iommu:unmap = $iters iterations"
}

case "$mode" in
source)
	while IFS= read -r line; do
		case "$line" in
		"dnf "*) continue ;;	# Fedora's
		"apt install ./build/deb/"*) continue ;;	# the deb mode's
		"modprobe smmubench")
			# DKMS' module, not the one insmod loaded from the source folder
			step "unload the module built in place" "rmmod smmubench"
			step "README" "$line"
			is "$(modinfo -n smmubench 2>/dev/null | grep -c /updates/dkms/)" 1 \
				"modprobe loaded DKMS' build ($(modinfo -n smmubench 2>/dev/null))"
			continue ;;
		esac
		step "README" "$line"
		case "$line" in
		"apt install "*)
			grep -q "0 newly installed" "$log"
			ok $? "the README's packages are what a Debian 12 install has: $(grep -m1 'newly installed' "$log")" ;;
		*" run "*)
			check_run build/host/smmubench map.results
			mkdir -p "$share/out"
			cp map.results "$share/out/source-map.results" ;;
		"man "*)
			grep -q "smmubench-run" "$log"
			ok $? "the man page shows ($(head -n 1 "$log" | tr -s ' '))" ;;
		esac
	done <"$share/readme.txt"
	for c in run trace report compare plot; do
		man "smmubench-$c" 2>/dev/null | grep -q "smmubench-$c"
		ok $? "make install: man smmubench-$c shows"
	done
	mkdir -p "$share/deb"
	cp build/deb/*.deb "$share/deb/"
	ok $? "the packages go back to the host ($(cd build/deb && echo *.deb))"
	;;
deb)
	mkdir -p build/deb
	cp "$share"/deb/*.deb build/deb/
	line=$(readme '^apt install \./build/deb/')
	step "README" "$line"
	is "$(dkms status smmubench 2>/dev/null | grep -c ": installed")" 1 \
		"smmubench-dkms: DKMS built and installed the module ($(dkms status smmubench 2>&1 | head -n 1))"
	step "README" "$(readme '^modprobe smmubench$')"
	# The README's run, by the installed tool.
	line=$(readme ' run --workload ')
	step "the README's run with the installed tool" "${line#build/host/}"
	check_run smmubench map.results
	cp map.results "$share/out/deb-map.results"
	step "the README's report with the installed tool" "smmubench report map.results"
	step "the man page from the package" "man smmubench-run"

	# The perf sessions, as installed, with Debian's perf.
	P=/usr/libexec/smmubench/perf
	run_map="smmubench run -q -w map -d $dev -n 1000 -o /root/session.results"
	step "Debian's perf" "perf version"
	"$P/stat-pmcg" -o /root/stat -- $run_map >"$log" 2>&1
	is $? 3 "stat-pmcg: cannot run without a PMCG (exit 3: $(grep -m1 'cannot run' "$log"))"
	step "perf session" "$P/lock-contention -o /root/lock -- $run_map"
	grep -q contended /root/lock/contention.txt
	ok $? "lock-contention wrote its table"
	step "perf session" "$P/record-contention -o /root/rec -- $run_map"
	[ -s /root/rec/perf.data ]
	ok $? "record-contention recorded perf.data"
	step "perf session" "$P/trace-sva -o /root/trace -- $run_map"
	calls=$(awk '$2 == "probe:arm_smmu_cmdq_issue_cmdlist" { print $1 }' /root/trace/counts.txt 2>/dev/null)
	case "$calls" in
	[1-9]*) ok 0 "trace-sva saw arm_smmu_cmdq_issue_cmdlist calls ($calls)" ;;
	*) ok 1 "trace-sva saw arm_smmu_cmdq_issue_cmdlist calls (got '$calls')" ;;
	esac

	# The LAVA test definition's steps, with LAVA's helpers on PATH.
	export LAVA_RESULT_DIR=/root/lava-results
	mkdir -p "$LAVA_RESULT_DIR"
	PATH=$share/lava/bin:$PATH sh -e "$share/lava/install.sh" >"$log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || tail -n 15 "$log" | sed 's/^/#   /'
	ok "$rc" "LAVA: the definition's install step (INSTALL=deb, DEB_URLS file://)"
	echo "@@LAVA-RUN-START@@"
	PATH=$share/lava/bin:$PATH sh -e "$share/lava/run.sh"
	rc=$?
	echo "@@LAVA-RUN-END@@"
	ok "$rc" "LAVA: the definition's run step"
	mkdir -p "$share/out/lava"
	cp /root/lava-out/*.results "$share/out/lava/"

	step "remove the packages" "apt-get remove -y -q smmubench smmubench-dkms"
	rmmod smmubench 2>/dev/null
	! modinfo smmubench >/dev/null 2>&1 && ! command -v smmubench >/dev/null &&
		[ -z "$(dkms status smmubench 2>/dev/null)" ]
	ok $? "removed cleanly: no module, no tool, nothing in DKMS"
	;;
*)
	echo "usage: guest.sh source|deb SHARE" >&2
	exit 2
	;;
esac
dmesg_clean "the machine ($mode)"
tap_done
