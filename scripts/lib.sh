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
