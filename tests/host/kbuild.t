#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/kbuild.t: the module builds as an Arm server user builds it,
# against the test bed's Debian 6.12 arm64 headers (cross-compiled here):
#  - the README's "On an Arm server" command, read from the README, in a
#    clean copy of the sources (in place: M=<copy>/bench);
#  - DKMS: make install-dkms into a DESTDIR, then dkms add and build with
#    private trees (nothing of the host's DKMS is touched).
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"
cd "$top" || exit 1

hdr=$top/build/kernels/6.12/headers
if [ ! -f "$hdr/Makefile" ] || [ ! -f "$top/build/kernels/6.12/release" ]; then
	exec >&3
	echo "1..0 # SKIP no 6.12 headers: make deps"
	exit 0
fi
hdr=$(realpath "$hdr")
rel=$(cat "$top/build/kernels/6.12/release")
cross=()
[ "$(uname -m)" = aarch64 ] || cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

# vermagic KO: the kernel release the module was built for.
vermagic() { modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1; }

# The first 'make -C /lib/modules/...' line of the README's Arm-server
# section, as printed there.
cmd=$(readme_commands "On an Arm server" | grep -m1 '^make -C /lib/modules/')
check "the README's Arm-server section has the module command" test -n "$cmd"
case "$cmd" in
*'$(uname -r)'*) ok "it builds for the running kernel's headers" ;;
*) not_ok "it builds for the running kernel's headers" ;;
esac

# A clean copy of the sources, as a fresh clone has them.
src=$work/src
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard -- bench include |
	xargs -0 cp --parents -t "$src"
# This host's kernel is not a test bed kernel: its headers stand in.
run_cmd=${cmd//\/lib\/modules\/\$(uname -r)\/build/$hdr}
(cd "$src" && eval "nice $run_cmd ${cross[*]}") >"$work/make" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] || tail -n 5 "$work/make" "$work/err" | sed 's/^/# /'
check "the README's command builds the module in place (exit $rc)" test "$rc" = 0
check "bench/smmubench.ko is for $rel" test "$(vermagic "$src/bench/smmubench.ko")" = "$rel"
check "the model's sources are left as they were (no link onto themselves)" \
	test -f "$src/bench/model/sbmodel.c" -a ! -L "$src/bench/model/sbmodel.c"
(cd "$src" && make -s -C "$hdr" M="$src/bench" "${cross[@]}" clean) >/dev/null 2>&1
check "kbuild's clean removes the in-place objects" \
	test ! -e "$src/bench/smmubench.ko" -a ! -e "$src/bench/model/sbmodel.o"

if ! command -v dkms >/dev/null; then
	ok "dkms # SKIP not installed (scripts/deps installs it)"
	done_testing
	exit
fi
ver=$(make --no-print-directory -s version)
make --no-print-directory -s install-dkms DESTDIR="$work/d" >/dev/null 2>"$work/err"
check "make install-dkms puts dkms.conf in /usr/src/smmubench-$ver" \
	test -f "$work/d/usr/src/smmubench-$ver/dkms.conf"
mkdir -p "$work/dkms"
trees=(--sourcetree "$work/d/usr/src" --dkmstree "$work/dkms")
dkms add -m smmubench -v "$ver" "${trees[@]}" >"$work/out" 2>"$work/err"
check "dkms add smmubench/$ver" test $? = 0
env "${cross[@]}" nice dkms build -m smmubench -v "$ver" -k "$rel" -a aarch64 \
	--kernelsourcedir "$hdr" "${trees[@]}" >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] || tail -n 5 "$work/out" "$work/err" | sed 's/^/# /'
check "dkms build for $rel (exit $rc)" test "$rc" = 0
ko=$(find "$work/dkms/smmubench/$ver/$rel" -name 'smmubench.ko*' | head -n1)
check "DKMS's smmubench.ko is for $rel" test -n "$ko" -a "$(vermagic "$ko")" = "$rel"
dkms status -m smmubench "${trees[@]}" >"$work/out" 2>"$work/err"
check "dkms status: built for $rel" out_has "smmubench/$ver, $rel, aarch64: built"

done_testing
