/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fleets in compare: several results files per side, one per machine of a
 * fleet (one kernel, one device type), compared with each machine's median
 * as one observation, so that machine-to-machine spread is not mistaken
 * for a change. docs/statistics.md ("Fleets") states the method.
 */
#ifndef SMMUBENCH_FLEET_H
#define SMMUBENCH_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "smmubench/results.h"
#include "smmubench/stats.h"

/* Below this many machines on a side the CI of the ratio is not given. */
#define SB_FLEET_CI_MIN 5

/* One series compared between two fleets. */
struct sb_fleet_cmp {
	size_t na, nb;		/* machines that have the series */
	double ma, mb;		/* median of the machines' medians */
	double ci_lo, ci_hi;	/* of mb / ma; NAN when not given */
	struct sb_mwu mwu;	/* over the machines' medians */
	double min_p;		/* the smallest p that na, nb machines allow */
	bool tested;		/* a machine on each side: mwu valid */
};

/*
 * The meta keys the machines of a fleet must share: the kernel, and what
 * makes a device type (arch, CPU, platform, SMMU features).
 */
extern const char *const sb_fleet_keys[];

/*
 * 0 if @runs (read from @paths) agree on every sb_fleet_keys key;
 * -EINVAL with a message naming the first file and key that differ from
 * the first file otherwise.
 */
int sb_fleet__check(const struct sb_results *const *runs,
		    const char *const *paths, size_t n, char *err,
		    size_t errlen);

/*
 * Compares series @name between fleets @a (@na machines) and @b: the
 * median of each machine's samples (of its buckets if it has none) is one
 * observation, and a two-sided Mann-Whitney U test compares the sides'
 * observations. A machine without the series is left out. 0 or -ENOMEM.
 */
int sb_fleet__compare(const struct sb_results *const *a, size_t na,
		      const struct sb_results *const *b, size_t nb,
		      const char *name, struct sb_fleet_cmp *out);

/*
 * The smallest two-sided p the rank test can give with @m and @n
 * observations: 2 / C(m + n, m) (2 vs 2 machines: 1/3). 1 if a side has
 * none.
 */
double sb_fleet__min_p(size_t m, size_t n);

/*
 * "fleet: N machines per side, each machine's median is one observation"
 * (or "M base machines, N new machines") into @buf; returns @buf.
 */
char *sb_fleet__describe(size_t m, size_t n, char *buf, size_t size);

/*
 * True when @m base and @n new machines can never give p < @alpha; then
 * @buf says so, with the smallest possible p and how many machines per
 * side it takes.
 */
bool sb_fleet__too_few(size_t m, size_t n, double alpha, char *buf,
		       size_t size);

#endif /* SMMUBENCH_FLEET_H */
