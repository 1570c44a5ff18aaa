# SPDX-License-Identifier: GPL-2.0
# Shared by the tests/host/*.t scripts: TAP output and the tool to test.
top=$(cd "$(dirname "$0")/../.." && pwd)
sb=${SMMUBENCH:-$top/build/host/smmubench}
n=0
failed=0

if [ ! -x "$sb" ]; then
	echo "Bail out! $sb is not built (make host)"
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Results are held back so that the plan "1..N" comes first.
exec 3>&1 >"$work/tap"

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -s "$work/err" ] && sed 's/^/# stderr: /' "$work/err" | head -n 5
	return 0
}

# check DESCRIPTION CONDITION...: runs the condition, TAP line from it.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# run EXPECTED_STATUS ARGS...: runs smmubench, output in $work/out, err.
run() {
	want=$1
	shift
	"$sb" "$@" >"$work/out" 2>"$work/err"
	got=$?
	[ "$got" = "$want" ] || { echo "# smmubench $*: exit $got, want $want"; return 1; }
}

err_has() {
	grep -qF -- "$1" "$work/err" || { echo "# stderr lacks: $1"; return 1; }
}

out_has() {
	grep -qF -- "$1" "$work/out" || { echo "# stdout lacks: $1"; return 1; }
}

# The commands the tool lists under "The commands are:" in its --help.
sb_commands() {
	"$sb" --help | awk '/^The commands are:/ { on = 1; next }
		on && /^$/ { exit } on { print $1 }'
}

# shellcheck source=tests/host/gen.sh
. "$top/tests/host/gen.sh"

done_testing() {
	exec >&3
	echo "1..$n"
	cat "$work/tap"
	[ "$failed" = 0 ] && [ "$n" -gt 0 ]
}
