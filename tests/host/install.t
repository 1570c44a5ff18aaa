#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/install.t: make install into a DESTDIR (default PREFIX and
# another one) puts the tool, a man page per command that renders with
# that command's options, the perf sessions and the docs where they
# belong.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

dest=$work/dest
make --no-print-directory -s install DESTDIR="$dest" >"$work/make" 2>"$work/err"
check "make install DESTDIR=... exits 0" test $? = 0
root=$dest/usr/local

check "the tool is in PREFIX/bin (default PREFIX /usr/local)" \
	test -x "$root/bin/smmubench"
"$root/bin/smmubench" --version >"$work/out" 2>"$work/err"
check "the installed tool runs" out_has "smmubench "

# The commands are those the tool lists: one page each, plus smmubench.1.
mapfile -t cmds < <(sb_commands)
check "the tool lists commands (${#cmds[@]})" test ${#cmds[@]} -ge 7

mandir=$root/share/man/man1
npages=$(find "$mandir" -name '*.1' | wc -l)
check "one page per command and smmubench.1 ($npages)" \
	test "$npages" = $((${#cmds[@]} + 1))

# render PAGE: the page as man shows it, plain text, long lines.
render() {
	LC_ALL=C MANWIDTH=250 MANPAGER=cat PAGER=cat man -l "$1" 2>"$work/err" |
		col -b >"$work/out"
}

render "$mandir/smmubench.1"
ok_see=1
for c in "${cmds[@]}"; do
	grep -q "smmubench-$c(1)" "$work/out" || { echo "# smmubench.1 lacks smmubench-$c(1)"; ok_see=0; }
done
check "smmubench.1 renders and names every command's page" test "$ok_see" = 1

for c in "${cmds[@]}"; do
	page=$mandir/smmubench-$c.1
	if [ ! -f "$page" ]; then
		not_ok "smmubench-$c.1 is installed"
		continue
	fi
	render "$page"
	missing=
	# Every long option of the command's --help is in its page.
	for o in $("$sb" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qF -- "$o" "$work/out" || missing="$missing $o"
	done
	if grep -q "^NAME" "$work/out" && grep -q "smmubench-$c - " "$work/out" &&
		grep -q "smmubench $c" "$work/out" && [ -z "$missing" ]; then
		ok "smmubench-$c.1 renders with its name and all its options"
	else
		[ -n "$missing" ] && echo "# smmubench-$c.1 lacks:$missing"
		not_ok "smmubench-$c.1 renders with its name and all its options"
	fi
done

# As a user looks it up: man finds the page by name on the MANPATH.
LC_ALL=C MANPATH=$root/share/man MANPAGER=cat man smmubench-run 2>"$work/err" |
	col -b >"$work/out"
check "man smmubench-run finds the installed page" out_has "smmubench-run - "

# The per-page include text makes it in (packaging/man/*.h2m).
render "$mandir/smmubench-trace.1"
check "smmubench-trace.1 has its OVERHEAD section" out_has "OVERHEAD"

perfdir=$root/libexec/smmubench/perf
nsess=0
ok_sess=1
for s in scripts/perf/*; do
	[ "$(basename "$s")" = lib.sh ] && continue
	nsess=$((nsess + 1))
	p=$perfdir/$(basename "$s")
	# --help from the installed place: lib.sh is found beside it.
	if ! [ -x "$p" ] || ! "$p" --help >/dev/null 2>"$work/err"; then
		echo "# $p: missing, not executable or --help fails"
		ok_sess=0
	fi
done
check "the $nsess perf sessions are installed and run (--help)" \
	test "$ok_sess" = 1 -a "$nsess" -ge 4

ok_docs=1
for d in README.md docs/*.md; do
	cmp -s "$d" "$root/share/doc/smmubench/$d" || { echo "# $d not installed"; ok_docs=0; }
done
check "README.md and docs/*.md are in PREFIX/share/doc/smmubench" test "$ok_docs" = 1

# Another PREFIX moves everything under it.
make --no-print-directory -s install DESTDIR="$dest" PREFIX=/opt/sb >/dev/null 2>"$work/err"
check "PREFIX=/opt/sb installs under it" \
	test -x "$dest/opt/sb/bin/smmubench" -a -f "$dest/opt/sb/share/man/man1/smmubench-run.1" \
	-a -x "$dest/opt/sb/libexec/smmubench/perf/trace-sva"

done_testing
