# SPDX-License-Identifier: GPL-2.0
# Host side of the test bed tests: runs a command in the guest and relays
# its TAP lines, renumbered and tagged with the kernel, so that one .t file
# can cover several kernels with few boots.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tb_n=0
tb_failed=0

tb_result() {
	# tb_result STATUS DESCRIPTION
	local status=$1
	shift
	tb_n=$((tb_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $tb_n - $*"
	else
		echo "not ok $tb_n - $*"
		tb_failed=$((tb_failed + 1))
	fi
}

# tb_guest KERNEL [TESTBED-OPTION...] -- COMMAND: relays the guest's TAP
# lines, then one result for the guest's exit status; other output becomes
# TAP comments. The guest output is kept in $tb_out for further checks.
tb_guest() {
	local kernel=$1 rc line
	shift
	tb_out=$(mktemp)
	"$top/scripts/testbed" --kernel "$kernel" --timeout "${TB_TIMEOUT:-600}" \
		"$@" >"$tb_out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "[0-9]*) tb_result 0 "[$kernel] ${line#* - }" ;;
		"not ok "[0-9]*) tb_result 1 "[$kernel] ${line#* - }" ;;
		1..*) ;;
		*) echo "# $line" ;;
		esac
	done <"$tb_out"
	tb_result "$rc" "[$kernel] guest run exited $rc"
	return "$rc"
}

tb_done() {
	echo "1..$tb_n"
	[ "$tb_failed" = 0 ]
}

# Debian's test bed kernels as shipped (scripts/deps): what the module-level
# tests and trace.t cover. Tests that need more of a kernel than Debian's
# build (SVA, lock_stat) name their -sva kernels.
TB_DEB_KERNELS="6.1 6.12 7.x"

# tb_kernels [DEFAULT]: the kernels a test runs on, SMMUBENCH_TEST_KERNELS
# if set, else DEFAULT, else 6.1 and 6.12.
tb_kernels() {
	echo "${SMMUBENCH_TEST_KERNELS:-${1:-6.1 6.12}}"
}

# tb_built SCRIPT LINK KEY WHAT: runs scripts/SCRIPT, a cached build that
# links build/LINK to its result; one result, WHAT with KEY of its info
# file. When the build fails: its log's tail, and the test ends.
tb_built() {
	local log="$top/build/$1.log"
	if "$top/scripts/$1" >"$log" 2>&1; then
		tb_result 0 "$4 ($(sed -n "s/^$3=//p" "$top/build/$2/info"))"
		return 0
	fi
	sed 's/^/# /' "$log" | tail -n 20
	tb_result 1 "scripts/$1"
	tb_done
	exit
}
