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

# report_csv FILE: FILE's CSV report (smmubench report -f csv), made once
# into the caller's scratch folder $work with the caller's tool $sb; its
# path.
report_csv() {
	local c
	c="$work/$(echo "$1" | tr / _).csv"
	[ -f "$c" ] || "$sb" report -f csv "$1" >"$c"
	echo "$c"
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

# --- apt with a private configuration ----------------------------------
# Packages from suites the host does not use (Debian's newer suites, the
# host's own release's source packages) are queried and downloaded by apt
# with its own source list, package lists, cache and an empty dpkg status,
# all under one folder of the cache: the host's apt sources are never
# changed and nothing is installed through it.

# host_mirror [SUITE]: the URI of the host's apt source that serves SUITE
# (default: the host's release, e.g. bookworm), from /etc/apt/sources.list
# and sources.list.d in either format, so that the registry this machine
# may reach is the one asked.
host_mirror() {
	local codename suite uri
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot tell this host's Debian release from /etc/os-release"
	suite=${1:-$codename}
	uri=$(
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
				awk -v c="$suite" '$1 == "deb" && $3 == c { print $2 }'
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			# deb822: one stanza per paragraph, "Field: value";
			# a comment line does not end a stanza.
			sed -e '/^[[:space:]]*#/d' -e 's/#.*//' "$f" | awk -v c="$suite" '
				function flush() {
					if (types ~ /(^| )deb( |$)/ && enabled != "no" &&
					    (" " suites " ") ~ (" " c " "))
						print uris
					types = suites = uris = enabled = ""
				}
				/^[ \t]*$/ { flush(); next }
				tolower($1) == "types:" { $1 = ""; types = $0 }
				tolower($1) == "suites:" { $1 = ""; suites = $0 }
				tolower($1) == "uris:" { uris = $2 }
				tolower($1) == "enabled:" { enabled = tolower($2) }
				END { flush() }'
		done | sed -n 1p
	)
	[ -n "$uri" ] || die "no apt source of this host serves Debian '$suite'"
	echo "$uri"
}

# private_apt DIR apt-get|apt-cache|... ARGS...: the tool with DIR's
# configuration (sources, lists, cache, status).
private_apt() {
	local dir=$1 tool=$2
	shift 2
	"$tool" -q -o Dir::Etc::sourcelist="$dir/sources.list" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" -o Dir::State::status="$dir/status" \
		-o Dir::Etc::preferences="$dir/preferences" \
		-o Dir::Etc::preferencesparts="$dir/preferences.d" \
		-o APT::Sandbox::User=root "$@"
}

# private_apt_update DIR REFRESH LIST: writes LIST (source lines, one a
# line) as DIR's source list and fetches its package lists when they are
# missing, older than a day, the list changed, or REFRESH is 1.
private_apt_update() {
	local dir=$1 refresh=$2 list=$3 lock
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" \
		"$dir/preferences.d"
	exec {lock}>"$dir/lock"
	flock "$lock"
	touch "$dir/status"
	if [ "$refresh" = 1 ] || [ ! -f "$dir/.updated" ] ||
		[ "$list" != "$(cat "$dir/sources.list" 2>/dev/null)" ] ||
		[ -z "$(find "$dir/.updated" -mmin -1440)" ]; then
		echo "$list" >"$dir/sources.list"
		log "apt-get update (private configuration in $dir)"
		private_apt "$dir" apt-get update >/dev/null ||
			die "apt-get update of $(awk '{ print $(NF - 1) }' "$dir/sources.list" | sort -u | tr '\n' ' ')failed: is Debian's package registry reachable?"
		touch "$dir/.updated"
	fi
	exec {lock}>&-
}

# readme_commands SECTION: the lines of the sh code blocks of the README's
# section "## SECTION", in order, as the README prints them (the tests and
# the emulated Arm server run them from here, so the two cannot drift).
readme_commands() {
	awk -v h="## $1" '
		/^## / { in_sec = ($0 == h); next }
		in_sec && /^```sh$/ { code = 1; next }
		in_sec && /^```$/ { code = 0; next }
		in_sec && code && NF { print }' "$top/README.md"
}
