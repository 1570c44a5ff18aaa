#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/deb.t: make deb builds smmubench (this machine's
# architecture) and smmubench-dkms; their contents, control fields and
# maintainer scripts are checked with dpkg-deb, and lintian finds nothing.
# Nothing is installed.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

make --no-print-directory -s deb >"$work/make" 2>"$work/err"
check "make deb exits 0" test $? = 0

ver=$(make --no-print-directory -s version)
arch=$(dpkg --print-architecture)
tool=build/deb/smmubench_${ver}_$arch.deb
dkms=build/deb/smmubench-dkms_${ver}_all.deb
check "smmubench_${ver}_$arch.deb is built" test -f "$tool"
check "smmubench-dkms_${ver}_all.deb is built" test -f "$dkms"

# field DEB NAME: a control field.
field() { dpkg-deb -f "$1" "$2" 2>/dev/null; }

check "smmubench: Package, Version and Architecture fields" \
	test "$(field "$tool" Package) $(field "$tool" Version) $(field "$tool" Architecture)" = "smmubench $ver $arch"
check "smmubench: Depends from dpkg-shlibdeps (libc6, libbpf1)" \
	bash -c "dpkg-deb -f '$tool' Depends | grep -q 'libc6 (>=' && dpkg-deb -f '$tool' Depends | grep -q libbpf1"

dpkg-deb -c "$tool" | awk '{ print $6 }' | sed 's|^\./|/|' >"$work/files"
mapfile -t cmds < <(sb_commands)
want=(/usr/bin/smmubench /usr/share/man/man1/smmubench.1.gz
	/usr/share/doc/smmubench/copyright /usr/share/doc/smmubench/changelog.gz
	/usr/share/doc/smmubench/README.md /usr/libexec/smmubench/perf/lib.sh)
for c in "${cmds[@]}"; do want+=("/usr/share/man/man1/smmubench-$c.1.gz"); done
for s in scripts/perf/*; do want+=("/usr/libexec/smmubench/perf/$(basename "$s")"); done
for d in docs/*.md; do want+=("/usr/share/doc/smmubench/$d"); done
lacks=
for f in "${want[@]}"; do grep -qxF "$f" "$work/files" || lacks="$lacks $f"; done
[ -n "$lacks" ] && echo "# smmubench lacks:$lacks"
check "smmubench holds the tool, ${#cmds[@]}+1 man pages, the perf sessions and the docs" test -z "$lacks"

rm -rf "$work/x"
dpkg-deb -x "$tool" "$work/x"
check "the packaged tool is stripped" \
	bash -c "file '$work/x/usr/bin/smmubench' | grep -q ', stripped'"
check "the packaged tool's man pages are gzip -9n" \
	bash -c "gzip -t '$work'/x/usr/share/man/man1/*.gz"

check "smmubench-dkms: Architecture all, Depends on dkms" \
	test "$(field "$dkms" Architecture) $(field "$dkms" Depends | cut -d' ' -f1)" = "all dkms"
rm -rf "$work/x"
dpkg-deb -x "$dkms" "$work/x"
src=$work/x/usr/src/smmubench-$ver
check "smmubench-dkms: dkms.conf with this version" \
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf"
lacks=
for f in bench/Kbuild $(git ls-files 'bench/*.c' 'bench/*.h' 'bench/model/*.c' 'bench/model/*.h') \
	include/uapi/smmubench.h; do
	cmp -s "$f" "$src/$f" || lacks="$lacks $f"
done
[ -n "$lacks" ] && echo "# smmubench-dkms lacks:$lacks"
check "smmubench-dkms: the module's sources in the repo's layout" test -z "$lacks"

rm -rf "$work/c"
dpkg-deb -e "$dkms" "$work/c"
check "smmubench-dkms postinst: DKMS's common.postinst for smmubench $ver" \
	grep -q "^VERSION=$ver\$" "$work/c/postinst"
check "smmubench-dkms prerm: dkms remove --all" grep -q 'dkms remove -m "$NAME" -v "$VERSION" --all' "$work/c/prerm"
check "smmubench-dkms maintainer scripts parse (sh -n)" sh -n "$work/c/postinst" "$work/c/prerm"

if command -v lintian >/dev/null; then
	lintian --tag-display-limit 0 "$tool" "$dkms" >"$work/lintian" 2>/dev/null
	sed 's/^/# /' "$work/lintian"
	check "lintian: no error and no warning" bash -c "! grep -qE '^[EW]: ' '$work/lintian'"
else
	ok "lintian # SKIP not installed (scripts/deps installs it)"
fi

done_testing
