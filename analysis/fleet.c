// SPDX-License-Identifier: GPL-2.0
/*
 * Fleets in compare (smmubench/fleet.h). Pooling the samples of several
 * machines treats every op as independent, so one slow machine in a
 * fleet looks like a change of the kernel. Here each machine is one
 * observation, its median, and the rank test compares machines: the
 * evidence is as strong as the number of machines, not of ops.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/fleet.h"

const char *const sb_fleet_keys[] = {
	"kernel_release", "machine", "cpu", "platform", "smmu_features", NULL,
};

static const char *or_unset(const char *v)
{
	return v ? v : "(unset)";
}

int sb_fleet__check(const struct sb_results *const *runs,
		    const char *const *paths, size_t n, char *err,
		    size_t errlen)
{
	const char *const *key;
	const char *v0, *v;
	size_t i;

	for (key = sb_fleet_keys; *key; key++) {
		v0 = sb_results__meta(runs[0], *key);
		for (i = 1; i < n; i++) {
			v = sb_results__meta(runs[i], *key);
			if (v == v0 || (v && v0 && !strcmp(v, v0)))
				continue;
			snprintf(err, errlen, "%s: meta %s is '%s' where %s has '%s': the machines of a fleet run one kernel on one device type",
				 paths[i], *key, or_unset(v), paths[0],
				 or_unset(v0));
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Twice the median of @name on each machine that has it, sorted, with
 * their number in *n; NULL on failure. The rank test takes integers: a
 * median of integer samples is an integer or a half, so twice it is
 * exact and keeps the order (a median from buckets is rounded to 1/2).
 */
static uint64_t *machine_medians(const struct sb_results *const *runs,
				 size_t nr, const char *name, size_t *n)
{
	uint64_t *v = malloc((nr ? nr : 1) * sizeof(*v));
	const struct sb_series *s;
	struct sb_summary sum;
	size_t i;
	int err;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < nr; i++) {
		s = sb_results__find_series(runs[i], name);
		if (!s)
			continue;
		err = sb_series__summarize(s, &sum);
		if (err == -ENODATA)
			continue;	/* declared, but nothing measured */
		if (err)
			goto free_v;
		v[(*n)++] = (uint64_t)llround(2 * sum.p50);
	}
	if (!sb_stats__sort_u64(v, *n))
		return v;
free_v:
	free(v);
	return NULL;
}

int sb_fleet__compare(const struct sb_results *const *a, size_t na,
		      const struct sb_results *const *b, size_t nb,
		      const char *name, struct sb_fleet_cmp *o)
{
	uint64_t *va, *vb;
	int err = -ENOMEM;

	memset(o, 0, sizeof(*o));
	o->ma = o->mb = o->ci_lo = o->ci_hi = NAN;
	va = machine_medians(a, na, name, &o->na);
	vb = machine_medians(b, nb, name, &o->nb);
	if (!va || !vb)
		goto free_values;
	if (o->na)
		o->ma = sb_stats__median(va, o->na) / 2;
	if (o->nb)
		o->mb = sb_stats__median(vb, o->nb) / 2;
	o->min_p = sb_fleet__min_p(o->na, o->nb);
	err = 0;
	if (!o->na || !o->nb)
		goto free_values;
	err = sb_stats__mann_whitney(va, o->na, vb, o->nb, &o->mwu);
	if (err)
		goto free_values;
	/*
	 * With ties the normal approximation is used; with a handful of
	 * machines it must not claim what no arrangement of them can give.
	 */
	if (o->mwu.p < o->min_p)
		o->mwu.p = o->min_p;
	o->tested = true;
	/* A bootstrap of 2 to 4 values gives a CI narrower than it is. */
	if (o->na >= SB_FLEET_CI_MIN && o->nb >= SB_FLEET_CI_MIN)
		sb_stats__median_ratio_ci(va, o->na, vb, o->nb, 0.95,
					  SB_CI_SEED, SB_CI_REPS, &o->ci_lo,
					  &o->ci_hi);

free_values:
	free(va);
	free(vb);
	return err;
}

double sb_fleet__min_p(size_t m, size_t n)
{
	double p;

	if (!m || !n)
		return 1;
	/* Beyond the exact tables 2 / C(m + n, m) < 1e-29. */
	if (m > SB_MWU_EXACT_MAX || n > SB_MWU_EXACT_MAX)
		return 0;
	/* P(U <= 0) is the one arrangement with every a below every b. */
	p = 2 * sb_stats__mwu_cdf(m, n, 0);
	return isnan(p) || p > 1 ? 1 : p;
}

char *sb_fleet__describe(size_t m, size_t n, char *buf, size_t size)
{
	if (m == n)
		snprintf(buf, size, "fleet: %zu machine%s per side, each machine's median is one observation",
			 m, m == 1 ? "" : "s");
	else
		snprintf(buf, size, "fleet: %zu base machine%s, %zu new machine%s, each machine's median is one observation",
			 m, m == 1 ? "" : "s", n, n == 1 ? "" : "s");
	return buf;
}

bool sb_fleet__too_few(size_t m, size_t n, double alpha, char *buf,
		       size_t size)
{
	double p = sb_fleet__min_p(m, n);
	size_t k = 1;

	if (p < alpha)
		return false;
	while (k < SB_MWU_EXACT_MAX && sb_fleet__min_p(k, k) >= alpha)
		k++;
	snprintf(buf, size, "with %zu and %zu machines the smallest possible p is %.3g, so no difference can be significant at alpha %g; that takes %zu machines per side",
		 m, n, p, alpha, k);
	return true;
}
