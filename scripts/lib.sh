# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts under scripts/: messages and the cache location.

prog=$(basename "$0")

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

log() {
	echo "$prog: $*" >&2
}

# Built and unpacked things live outside the clone, keyed by what produced
# them, so fresh clones on the same machine reuse them.
cache=${SMMUBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smmubench}
mkdir -p "$cache"

# Results files of DIR, one a line: plain, or compressed with gzip as the
# published runs under results/ are (every smmubench command reads both).
results_in() {
	local f
	for f in "$1"/*.results "$1"/*.results.gz; do
		[ -f "$f" ] && echo "$f"
	done
	return 0
}

# run_of FILE: the run a results file holds, its name less .results[.gz].
run_of() {
	local b=${1##*/}
	b=${b%.gz}
	echo "${b%.results}"
}

# results_file DIR RUN: DIR's results file of RUN, plain or compressed;
# fails if there is none.
results_file() {
	local f
	for f in "$1/$2.results" "$1/$2.results.gz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}
