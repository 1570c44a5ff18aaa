#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The tree's layout rules (issue 15), over every tracked C file: no file
# over 1,200 lines, no function over 120 lines (from its signature to its
# closing brace, kernel style: the body opens with "{" in column 0 and the
# line before it ends the signature), no
# include by "../" and no included .c file.
cd "$(dirname "$0")/../.." || exit 1
max_file=1200
max_func=120
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' ! -path './build/*')
n=0
fail=0
result() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "$2" | sed 's/^/# /'
		fail=1
	fi
}

result "C files found" "$([ -n "$files" ] || echo none)"
# shellcheck disable=SC2086
result "no C file over $max_file lines" \
	"$(wc -l $files | awk -v m=$max_file '$2 != "total" && $1 > m { print $2 ": " $1 " lines" }')"
# shellcheck disable=SC2086
result "no function over $max_func lines" \
	"$(awk -v m=$max_func '
		FNR == 1 { start = 0 }
		/^\{[ \t]*$/ { start = FNR; name = prev; next }
		/^\}/ { if (start && FNR - start + 2 > m)
				print FILENAME ":" start ": " FNR - start + 2 " lines: " name
			start = 0 }
		!start && !/^[ \t]*$/ { prev = $0 }' $files)"
# shellcheck disable=SC2086
result "no #include by ../" "$(grep -n '^#[ \t]*include[ \t]*[<"]\.\./' $files)"
# shellcheck disable=SC2086
result "no included .c file" "$(grep -n '^#[ \t]*include[ \t]*[<"][^>"]*\.c[>"]' $files)"
echo "1..$n"
exit $fail
