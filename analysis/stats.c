// SPDX-License-Identifier: GPL-2.0
/*
 * Quantiles, summaries, the Mann-Whitney U test and a CI of the ratio of
 * medians. docs/statistics.md states each definition; tests/host/test_stats.c
 * checks them against known values.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/stats.h"

/* ---- sorting ------------------------------------------------------------ */

/*
 * LSD radix sort on bytes. All eight histograms come from one pass, and a
 * pass where every value has the same byte is skipped, so nanosecond
 * latencies (a few significant bytes) take three or four passes.
 */
int sb_stats__sort_u64(uint64_t *v, size_t n)
{
	size_t (*cnt)[256], i, sum;
	uint64_t *tmp, *src = v, *dst;
	int pass;

	if (n < 64) {
		for (i = 1; i < n; i++) {
			uint64_t x = v[i];
			size_t j = i;

			for (; j && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return 0;
	}
	cnt = calloc(8, sizeof(*cnt));
	tmp = malloc(n * sizeof(*tmp));
	if (!cnt || !tmp) {
		free(cnt);
		free(tmp);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		for (pass = 0; pass < 8; pass++)
			cnt[pass][(v[i] >> (8 * pass)) & 0xff]++;
	dst = tmp;
	for (pass = 0; pass < 8; pass++) {
		size_t *c = cnt[pass];

		if (c[(src[0] >> (8 * pass)) & 0xff] == n)
			continue;
		for (i = 0, sum = 0; i < 256; i++) {
			size_t k = c[i];

			c[i] = sum;
			sum += k;
		}
		for (i = 0; i < n; i++)
			dst[c[(src[i] >> (8 * pass)) & 0xff]++] = src[i];
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(cnt);
	free(tmp);
	return 0;
}

/* ---- quantiles and summaries --------------------------------------------- */

double sb_stats__quantile(const uint64_t *v, size_t n, double q)
{
	double h = (n - 1) * q, frac;
	size_t lo;

	if (!n)
		return NAN;
	if (q <= 0)
		return v[0];
	if (q >= 1)
		return v[n - 1];
	lo = (size_t)floor(h);
	frac = h - lo;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + frac * ((double)v[lo + 1] - (double)v[lo]);
}

double sb_stats__median(const uint64_t *v, size_t n)
{
	return sb_stats__quantile(v, n, 0.5);
}

uint64_t *sb_series__sorted_values(const struct sb_series *s)
{
	uint64_t *v = malloc((s->nr_samples ? s->nr_samples : 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < s->nr_samples; i++)
		v[i] = s->samples[i].value;
	if (sb_stats__sort_u64(v, s->nr_samples)) {
		free(v);
		errno = ENOMEM;
		return NULL;
	}
	return v;
}

int sb_stats__summarize(const uint64_t *v, size_t n, struct sb_summary *o)
{
	long double sum = 0, ss = 0, d;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (!n)
		return -ENODATA;
	o->n = n;
	o->min = v[0];
	o->max = v[n - 1];
	o->p50 = sb_stats__quantile(v, n, 0.50);
	o->p90 = sb_stats__quantile(v, n, 0.90);
	o->p99 = sb_stats__quantile(v, n, 0.99);
	o->p999 = sb_stats__quantile(v, n, 0.999);
	for (i = 0; i < n; i++)
		sum += v[i];
	o->mean = sum / n;
	/* Two passes: sums of squares of raw ns lose precision. */
	for (i = 0; i < n; i++) {
		d = v[i] - (long double)o->mean;
		ss += d * d;
	}
	o->stddev = n > 1 ? sqrtl(ss / (n - 1)) : 0;
	return 0;
}

/* Linear interpolation inside the bucket where the q-th share falls. */
static double hist_quantile(const struct sb_hist_bucket *b, size_t nr,
			    uint64_t total, double q)
{
	double target = q * total, cum = 0;
	size_t i;

	for (i = 0; i < nr; i++) {
		if (!b[i].count)
			continue;
		if (cum + b[i].count >= target)
			return b[i].lo + (b[i].hi - b[i].lo) *
			       ((target - cum) / b[i].count);
		cum += b[i].count;
	}
	return b[nr - 1].hi;
}

int sb_stats__summarize_hist(const struct sb_hist_bucket *b, size_t nr,
			     struct sb_summary *o)
{
	long double total = 0, sum = 0, ss = 0, mid, d;
	size_t i, first = nr, last = 0;

	memset(o, 0, sizeof(*o));
	o->from_hist = true;
	for (i = 0; i < nr; i++) {
		if (!b[i].count)
			continue;
		if (first == nr)
			first = i;
		last = i;
		total += b[i].count;
		sum += b[i].count * ((b[i].lo + (long double)b[i].hi) / 2);
	}
	if (!total)
		return -ENODATA;
	o->n = (uint64_t)total;
	o->min = b[first].lo;
	o->max = b[last].hi;
	o->mean = sum / total;
	for (i = first; i <= last; i++) {
		mid = (b[i].lo + (long double)b[i].hi) / 2;
		d = mid - o->mean;
		ss += b[i].count * d * d;
	}
	o->stddev = total > 1 ? sqrtl(ss / (total - 1)) : 0;
	o->p50 = hist_quantile(b, nr, o->n, 0.50);
	o->p90 = hist_quantile(b, nr, o->n, 0.90);
	o->p99 = hist_quantile(b, nr, o->n, 0.99);
	o->p999 = hist_quantile(b, nr, o->n, 0.999);
	return 0;
}

int sb_series__summarize(const struct sb_series *s, struct sb_summary *o)
{
	uint64_t *v;
	int err;

	if (!s->nr_samples)
		return sb_stats__summarize_hist(s->buckets, s->nr_buckets, o);
	v = sb_series__sorted_values(s);
	if (!v)
		return -ENOMEM;
	err = sb_stats__summarize(v, s->nr_samples, o);
	free(v);
	return err;
}

/* ---- Mann-Whitney U ------------------------------------------------------- */

/*
 * Counts of U = 0..m*n over all C(m+n, m) arrangements are the coefficients
 * of the Gaussian binomial [m+n choose m]_q. Build it as the product over
 * i = 1..m of (1 - q^(n+i)) / (1 - q^i); every partial product is again a
 * Gaussian binomial, so the division is exact. C(100, 50) < 2^97, so
 * 128-bit integers keep the counts exact.
 */
static __int128 *mwu_counts(unsigned int m, unsigned int n)
{
	size_t deg = 0, size = (size_t)m * n + m + n + 1, u;
	__int128 *c = calloc(size, sizeof(*c));
	unsigned int i;

	if (!c)
		return NULL;
	c[0] = 1;
	for (i = 1; i <= m; i++) {
		size_t k = n + i;

		for (u = deg + k; u >= k; u--)
			c[u] -= c[u - k];
		deg += n;
		for (u = i; u <= deg; u++)
			c[u] += c[u - i];
		/* Above the new degree the division leaves zeros. */
		for (u = deg + 1; u <= deg + i; u++)
			c[u] = 0;
	}
	return c;
}

double sb_stats__mwu_cdf(unsigned int m, unsigned int n, double u)
{
	__int128 *c, total = 0, below = 0;
	size_t k, mn = (size_t)m * n;
	double p;

	if (!m || !n || m > SB_MWU_EXACT_MAX || n > SB_MWU_EXACT_MAX)
		return NAN;
	if (u < 0)
		return 0;
	c = mwu_counts(m, n);
	if (!c)
		return NAN;
	for (k = 0; k <= mn; k++) {
		total += c[k];
		if (k <= u + 1e-9)
			below += c[k];
	}
	p = (double)((long double)below / (long double)total);
	free(c);
	return p;
}

/* Rank sum of @a in the pooled sample, with midranks for ties. */
static void rank_sum(const uint64_t *a, size_t na, const uint64_t *b,
		     size_t nb, long double *ra, long double *tie_sum)
{
	size_t i = 0, j = 0, pos = 0;

	*ra = 0;
	*tie_sum = 0;
	while (i < na || j < nb) {
		uint64_t v = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];
		size_t ca = 0, cb = 0, t;

		while (i < na && a[i] == v)
			i++, ca++;
		while (j < nb && b[j] == v)
			j++, cb++;
		t = ca + cb;
		*ra += ca * (pos + (t + 1) / 2.0L);
		*tie_sum += (long double)t * t * t - t;
		pos += t;
	}
}

int sb_stats__mann_whitney(const uint64_t *a, size_t na, const uint64_t *b,
			   size_t nb, struct sb_mwu *o)
{
	long double ra, ties, n = na + nb, mu, var, d;
	double lo;

	memset(o, 0, sizeof(*o));
	if (!na || !nb)
		return -ENODATA;
	rank_sum(a, na, b, nb, &ra, &ties);
	o->u = ra - (long double)na * (na + 1) / 2;
	o->ties = ties > 0;
	mu = (long double)na * nb / 2;
	if (!o->ties && na <= SB_MWU_EXACT_MAX && nb <= SB_MWU_EXACT_MAX) {
		/* The null distribution is symmetric about mu. */
		lo = o->u <= mu ? o->u : (double)(2 * mu - o->u);
		o->p = 2 * sb_stats__mwu_cdf(na, nb, lo);
		if (o->p > 1)
			o->p = 1;
		o->exact = true;
		return isnan(o->p) ? -ENOMEM : 0;
	}
	var = (long double)na * nb / 12 * ((n + 1) - ties / (n * (n - 1)));
	if (var <= 0) {
		o->p = 1;	/* every value equal: nothing to tell apart */
		return 0;
	}
	/* Continuity correction, towards the mean. */
	d = fabsl(o->u - mu) - 0.5L;
	if (d < 0)
		d = 0;
	o->z = (o->u >= mu ? 1 : -1) * (double)(d / sqrtl(var));
	o->p = erfc(fabs(o->z) / M_SQRT2);
	return 0;
}

/* ---- random numbers ----------------------------------------------------- */

uint64_t sb_rng__next(struct sb_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double sb_rng__uniform(struct sb_rng *r)
{
	return ((sb_rng__next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double sb_rng__normal(struct sb_rng *r)
{
	double u1 = sb_rng__uniform(r), u2 = sb_rng__uniform(r);

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* Marsaglia and Tsang (2000); shape < 1 via the U^(1/a) boost. */
double sb_rng__gamma(struct sb_rng *r, double a)
{
	double d, c, x, v, u;

	if (a < 1)
		return sb_rng__gamma(r, a + 1) *
		       pow(sb_rng__uniform(r), 1 / a);
	d = a - 1.0 / 3;
	c = 1 / sqrt(9 * d);
	for (;;) {
		do {
			x = sb_rng__normal(r);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		u = sb_rng__uniform(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* ---- ratio of medians ----------------------------------------------------- */

static double beta(struct sb_rng *r, double a, double b)
{
	double x = sb_rng__gamma(r, a);

	return x / (x + sb_rng__gamma(r, b));
}

/* x_(ceil(n u)): the empirical quantile function at u. */
static double at(const uint64_t *v, size_t n, double u)
{
	double k = ceil(n * u);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[(size_t)k - 1];
}

/*
 * The median of a bootstrap resample of sorted @v. A resample is
 * F_n^-1(U_1..U_n) for uniform U, and F_n^-1 is monotone, so its middle
 * order statistics are F_n^-1 of the uniforms' middle order statistics:
 * U_(k) ~ Beta(k, n + 1 - k), and U_(k+1) is the least of the n - k
 * uniforms above it. One replicate then costs O(1) instead of O(n), which
 * keeps the exact bootstrap affordable for a million samples.
 */
static double boot_median(struct sb_rng *r, const uint64_t *v, size_t n)
{
	size_t k = (n + 1) / 2;
	double uk, uk1;

	if (n == 1)
		return v[0];
	uk = beta(r, k, n + 1 - k);
	if (n % 2)
		return at(v, n, uk);
	uk1 = uk + (1 - uk) * (1 - pow(sb_rng__uniform(r), 1.0 / (n - k)));
	return (at(v, n, uk) + at(v, n, uk1)) / 2;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

int sb_stats__median_ratio_ci(const uint64_t *a, size_t na,
			      const uint64_t *b, size_t nb, double level,
			      uint64_t seed, unsigned int reps, double *lo,
			      double *hi)
{
	struct sb_rng rng = { .s = seed };
	double *ratio, ma;
	unsigned int i;

	*lo = *hi = NAN;
	if (!na || !nb || reps < 10)
		return -EINVAL;
	ratio = malloc(reps * sizeof(*ratio));
	if (!ratio)
		return -ENOMEM;
	for (i = 0; i < reps; i++) {
		ma = boot_median(&rng, a, na);
		/* A zero base median makes the ratio undefined. */
		if (ma <= 0) {
			free(ratio);
			return -EDOM;
		}
		ratio[i] = boot_median(&rng, b, nb) / ma;
	}
	qsort(ratio, reps, sizeof(*ratio), cmp_double);
	*lo = ratio[(size_t)floor((1 - level) / 2 * (reps - 1))];
	*hi = ratio[(size_t)ceil((1 + level) / 2 * (reps - 1))];
	free(ratio);
	return 0;
}

double sb_stats__geomean(const double *x, size_t n)
{
	long double s = 0;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!(x[i] > 0) || isinf(x[i]))
			continue;
		s += logl(x[i]);
		k++;
	}
	return k ? (double)expl(s / k) : NAN;
}
