// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench compare: does a lock placement change latency, and how sure
 * are we? benchstat's layout (medians, delta, "~" when not significant)
 * with a Mann-Whitney U test and a CI of the ratio of medians.
 */
#include <argp.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "compare.h"
#include "smmubench/cmds.h"
#include "smmubench/fleet.h"
#include "smmubench/report.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"

/* ministat will not compare fewer points than this, nor will we. */
#define MIN_N 3
#define STR_(x) #x
#define STR(x) STR_(x)
#define MAX_FAIL_ON 16
/* Long options only: -m and -M mean metric and meta in import. */
#define OPT_FLEET 256
#define OPT_MIXED 257

struct fail_on {
	char glob[SB_NAME_MAX + 1];
	double pct;
};

struct compare_env {
	struct side *sides[MAX_SIDES];
	size_t nr_sides;
	double alpha;
	enum sb_format fmt;
	bool markdown;			/* text rows as a Markdown table */
	const char *glob;
	struct fail_on fail[MAX_FAIL_ON];
	size_t nr_fail;
	bool fleet, mixed;		/* --fleet, --mixed-fleet */
};

struct row {
	const struct sb_series *s;	/* base's declaration */
	uint64_t na, nb;
	double ma, mb;			/* medians */
	double ci_lo, ci_hi;		/* of mb / ma */
	struct sb_mwu mwu;
	bool tested;			/* p-value and CI valid */
	bool significant;
	bool hist;			/* a side has buckets only */
	bool small;			/* n < MIN_N on a side */
	bool fleet;			/* n counts machines (fleet.h) */
	bool few;			/* too few machines to reach alpha */
};

static const char compare_doc[] =
"Compare runs: for each series present in both, the medians, the delta,\n"
"a 95% CI of the ratio of medians and a two-sided Mann-Whitney U test;\n"
"'~' marks a difference not significant at --alpha. Each argument is one\n"
"side: a results file, or comma-separated files of repeated runs, whose\n"
"samples are pooled. The first side is the base; each later side is\n"
"compared with it. With --fleet, each side's files are the machines of a\n"
"fleet (one kernel, one device type), each machine's median is one\n"
"observation, and the test compares machines, not ops.\n"
"\v"
"EXITS: 0 done, 1 runtime error, 2 usage error, 3 a --fail-on regression.\n"
"\n"
"EXAMPLES:\n"
"    smmubench compare 6.1.results 6.12.results         # base, then new\n"
"    smmubench compare a1.results,a2.results b.results  # pool 2 runs\n"
"    smmubench compare -f json a.results b.results      # as JSON\n"
"    smmubench compare -f markdown a.results b.results  # verdict table\n"
"    smmubench compare a.results b.results c.results    # b, c vs a\n"
"    smmubench compare -F 'op.*:5' a.results b.results  # exit 3: >5% slower\n"
"    smmubench compare --fleet m1/a.results,m2/a.results,m3/a.results \\\n"
"                      m1/b.results,m2/b.results,m3/b.results  # 3 machines\n"
"    smmubench compare --fleet $(ls a/*.results | paste -sd,) \\\n"
"                      $(ls b/*.results | paste -sd,)  # fleets a/, b/\n";

static const struct argp_option compare_opts[] = {
	{ "alpha", 'a', "P", 0, "Significance level (default 0.05)", 0 },
	{ "format", 'f', "FORMAT", 0,
	  "text (default), csv, json, or markdown (a table with a verdict per series)",
	  0 },
	{ "series", 's', "GLOB", 0, "Only series whose name matches GLOB", 0 },
	{ "fail-on", 'F', "GLOB:PCT", 0,
	  "Exit 3 if a matching series is significantly slower by more than PCT percent (repeatable)", 0 },
	{ "fleet", OPT_FLEET, NULL, 0,
	  "Each side's files are machines of a fleet: one observation (its median) per machine", 0 },
	{ "mixed-fleet", OPT_MIXED, NULL, 0,
	  "With --fleet, compare machines that differ in kernel or device type (warned, not refused)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static void side__free(struct side *sd)
{
	size_t i;

	if (!sd)
		return;
	for (i = 0; i < sd->nr_runs; i++)
		sb_results__free(sd->runs[i]);
	free(sd->files);
	free(sd);
}

static int parse_fail_on(struct compare_env *env, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	struct fail_on *f;
	size_t len;

	if (env->nr_fail >= MAX_FAIL_ON || !colon || colon == arg)
		return -EINVAL;
	len = colon - arg;
	if (len > SB_NAME_MAX)
		return -EINVAL;
	f = &env->fail[env->nr_fail];
	memcpy(f->glob, arg, len);
	f->glob[len] = '\0';
	if (sb_parse_double(colon + 1, &f->pct) || f->pct < 0)
		return -EINVAL;
	env->nr_fail++;
	return 0;
}

static struct side *side__new(const char *spec)
{
	struct side *sd = calloc(1, sizeof(*sd));
	char *save = NULL, *tok;

	if (!sd)
		return NULL;
	sd->spec = spec;
	sd->files = strdup(spec);
	if (!sd->files)
		goto free_side;
	for (tok = strtok_r(sd->files, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (sd->nr_runs >= MAX_SIDES)
			goto free_side;
		sd->paths[sd->nr_runs++] = tok;
	}
	if (!sd->nr_runs)
		goto free_side;
	return sd;

free_side:
	side__free(sd);
	return NULL;
}

static error_t compare_parse(int key, char *arg, struct argp_state *state)
{
	struct compare_env *env = state->input;
	size_t i;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'a':
		if (sb_parse_double(arg, &env->alpha) || env->alpha <= 0 ||
		    env->alpha >= 1)
			argp_error(state, "--alpha: '%s' is not a number in (0, 1)",
				   arg);
		break;
	case 'f':
		env->markdown = !strcmp(arg, "markdown");
		if (env->markdown)
			env->fmt = SB_FORMAT_TEXT;
		else if (sb_format__parse(arg, &env->fmt))
			argp_error(state, "--format: '%s' is not text, csv, json or markdown",
				   arg);
		break;
	case 's':
		env->glob = arg;
		break;
	case OPT_FLEET:
		env->fleet = true;
		break;
	case OPT_MIXED:
		env->mixed = true;
		break;
	case 'F':
		if (parse_fail_on(env, arg))
			argp_error(state, "--fail-on: '%s' is not GLOB:PCT with PCT >= 0 (at most %d)",
				   arg, MAX_FAIL_ON);
		break;
	case ARGP_KEY_ARG:
		if (env->nr_sides >= MAX_SIDES)
			argp_error(state, "at most %d sides", MAX_SIDES);
		env->sides[env->nr_sides] = side__new(arg);
		if (!env->sides[env->nr_sides])
			argp_error(state, "'%s': not FILE[,FILE...] (at most %d files)",
				   arg, MAX_SIDES);
		env->nr_sides++;
		break;
	case ARGP_KEY_END:
		if (env->nr_sides < 2)
			argp_error(state, "need a base and at least one run to compare with it");
		for (i = 0; env->fleet && i < env->nr_sides; i++)
			if (env->sides[i]->nr_runs < 2)
				argp_error(state, "--fleet: '%s' is one machine; a fleet is FILE,FILE[,FILE...], its machines' files separated by commas",
					   env->sides[i]->spec);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *meta_or(const struct sb_results *r, const char *key,
			   const char *dflt)
{
	const char *v = sb_results__meta(r, key);

	return v ? v : dflt;
}

static int side__load(struct side *sd, const struct compare_env *env)
{
	char err[2 * SB_VALUE_MAX + 512];
	size_t i;
	int ret;

	sd->fleet = env->fleet;
	for (i = 0; i < sd->nr_runs; i++) {
		ret = sb_results__read(sd->paths[i], &sd->runs[i], err,
				       sizeof(err));
		if (ret) {
			fprintf(stderr, "smmubench compare: %s\n", err);
			return ret;
		}
	}
	ret = env->fleet && !env->mixed ?
	      sb_fleet__check((const struct sb_results *const *)sd->runs,
			      sd->paths, sd->nr_runs, err, sizeof(err)) : 0;
	if (ret) {
		fprintf(stderr, "smmubench compare: fleet %s: %s (--mixed-fleet compares them anyway)\n",
			sd->spec, err);
		return ret;
	}
	snprintf(sd->label, sizeof(sd->label), "%s",
		 meta_or(sd->runs[0], "label", sd->paths[0]));
	return 0;
}

/* Pooled, sorted samples of @name over a side's runs; *n = 0 if none. */
static uint64_t *side__pool(const struct side *sd, const char *name,
			    size_t *n, bool *hist_only)
{
	const struct sb_series *s;
	size_t i, k, total = 0;
	bool buckets = false;
	uint64_t *v;

	for (i = 0; i < sd->nr_runs; i++) {
		s = sb_results__find_series(sd->runs[i], name);
		if (s) {
			total += s->nr_samples;
			buckets |= s->nr_buckets > 0;
		}
	}
	*n = total;
	*hist_only = !total && buckets;
	v = malloc((total ? total : 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0, total = 0; i < sd->nr_runs; i++) {
		s = sb_results__find_series(sd->runs[i], name);
		for (k = 0; s && k < s->nr_samples; k++)
			v[total++] = s->samples[k].value;
	}
	if (sb_stats__sort_u64(v, total)) {
		free(v);
		return NULL;
	}
	return v;
}

static bool side__has(const struct side *sd, const char *name)
{
	size_t i;

	for (i = 0; i < sd->nr_runs; i++)
		if (sb_results__find_series(sd->runs[i], name))
			return true;
	return false;
}

/* Median from buckets when a side has no raw samples. */
static double side__hist_median(const struct side *sd, const char *name,
				uint64_t *n)
{
	const struct sb_series *s = sb_results__find_series(sd->runs[0],
							     name);
	struct sb_summary sum;

	if (!s || sb_series__summarize(s, &sum)) {
		*n = 0;
		return NAN;
	}
	*n = sum.n;
	return sum.p50;
}

static int compute_row(const struct side *a, const struct side *b,
		       const struct sb_series *s, double alpha,
		       struct row *row)
{
	uint64_t *va = NULL, *vb = NULL;
	bool ha, hb;
	size_t na, nb;
	int err = -ENOMEM;

	memset(row, 0, sizeof(*row));
	row->s = s;
	row->ci_lo = row->ci_hi = NAN;
	va = side__pool(a, s->name, &na, &ha);
	vb = side__pool(b, s->name, &nb, &hb);
	if (!va || !vb)
		goto free_values;
	if (ha || hb || !na || !nb) {
		row->hist = true;
		row->ma = ha ? side__hist_median(a, s->name, &row->na) : NAN;
		row->mb = hb ? side__hist_median(b, s->name, &row->nb) : NAN;
		if (!ha && na) {
			row->ma = sb_stats__median(va, na);
			row->na = na;
		}
		if (!hb && nb) {
			row->mb = sb_stats__median(vb, nb);
			row->nb = nb;
		}
		err = 0;
		goto free_values;
	}
	row->na = na;
	row->nb = nb;
	row->ma = sb_stats__median(va, na);
	row->mb = sb_stats__median(vb, nb);
	if (na < MIN_N || nb < MIN_N) {
		row->small = true;
		err = 0;
		goto free_values;
	}
	err = sb_stats__mann_whitney(va, na, vb, nb, &row->mwu);
	if (err)
		goto free_values;
	row->tested = true;
	row->significant = row->mwu.p < alpha;
	/* -EDOM (a zero median) leaves the CI as NaN: printed as "-". */
	sb_stats__median_ratio_ci(va, na, vb, nb, 0.95, SB_CI_SEED,
				  SB_CI_REPS, &row->ci_lo, &row->ci_hi);

free_values:
	free(va);
	free(vb);
	return err;
}

/* A row of fleets: n counts machines, medians are the machines' medians. */
static int fleet_row(const struct side *a, const struct side *b,
		     const struct sb_series *s, double alpha, struct row *row)
{
	struct sb_fleet_cmp c;
	int err;

	err = sb_fleet__compare((const struct sb_results *const *)a->runs,
				a->nr_runs,
				(const struct sb_results *const *)b->runs,
				b->nr_runs, s->name, &c);
	*row = (struct row){ .s = s, .na = c.na, .nb = c.nb, .ma = c.ma,
			     .mb = c.mb, .ci_lo = c.ci_lo, .ci_hi = c.ci_hi,
			     .mwu = c.mwu, .tested = c.tested,
			     .significant = c.tested && c.mwu.p < alpha,
			     .small = !c.tested, .fleet = true,
			     .few = c.min_p >= alpha };
	return err;
}

static bool want(const struct compare_env *env, const char *name)
{
	return !env->glob || !fnmatch(env->glob, name, 0);
}

/* Series named in one warning: a line each would bury the tables. */
struct name_list {
	char *buf;
	size_t size, n;
	FILE *f;
};

static void name_list__add(struct name_list *l, const char *name)
{
	if (!l->f && !l->n)
		l->f = open_memstream(&l->buf, &l->size);
	if (l->f)
		fprintf(l->f, "%s%s", l->n ? ", " : "", name);
	l->n++;
}

/* "warning: N series WHAT: NAME, NAME", if any; frees @l. */
static void name_list__warn(struct name_list *l, const char *what)
{
	if (l->f && !fclose(l->f) && l->n)
		fprintf(stderr, "smmubench compare: warning: %zu series %s: %s\n",
			l->n, what, l->buf);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

/* Rows for every series of the base that the other side also has. */
static struct row *compute_rows(const struct compare_env *env,
				const struct side *a, const struct side *b,
				size_t *nr)
{
	const struct sb_results *r0 = a->runs[0];
	struct row *rows = calloc(r0->nr_series + 1, sizeof(*rows));
	struct name_list only = { 0 };
	char what[2 * SB_VALUE_MAX];
	size_t i;

	*nr = 0;
	if (!rows)
		return NULL;
	for (i = 0; i < r0->nr_series; i++) {
		const struct sb_series *s = &r0->series[i];

		if (!want(env, s->name))
			continue;
		if (!side__has(b, s->name)) {
			name_list__add(&only, s->name);
			continue;
		}
		if ((env->fleet ? fleet_row : compute_row)(a, b, s, env->alpha,
							   &rows[*nr])) {
			name_list__warn(&only, "");
			free(rows);
			return NULL;
		}
		(*nr)++;
	}
	snprintf(what, sizeof(what), "only in %s, not in %s, not compared",
		 a->spec, b->spec);
	name_list__warn(&only, what);
	return rows;
}

static double geomean_rows(const struct row *rows, size_t nr)
{
	double *x = malloc((nr + 1) * sizeof(*x)), g;
	size_t i, k = 0;

	if (!x)
		return NAN;
	/*
	 * Only time series: a geomean across units means nothing. Not
	 * op.empty either: it is the module's timing-overhead probe, not an
	 * operation under test.
	 */
	for (i = 0; i < nr; i++)
		if (!strcmp(rows[i].s->unit, "ns") && rows[i].ma > 0 &&
		    rows[i].mb > 0 && strcmp(rows[i].s->name, "op.empty"))
			x[k++] = rows[i].mb / rows[i].ma;
	g = sb_stats__geomean(x, k);
	free(x);
	return g;
}

/* ---- warnings ------------------------------------------------------------ */

static void warn(const struct compare_env *env, FILE *out, bool *first,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Text warnings go to stderr; JSON collects them into its "warnings". */
static void warn(const struct compare_env *env, FILE *out, bool *first,
		 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (env->fmt == SB_FORMAT_JSON) {
		fputs(*first ? "\n    " : ",\n    ", out);
		sb_json_str(out, msg);
	} else {
		fprintf(stderr, "smmubench compare: warning: %s\n", msg);
	}
	*first = false;
}

/*
 * What a run was measured on and asked to do: runs being compared should
 * agree on these, and on every param. The kernel is here so that runs
 * pooled into one side must agree on it too; between sides it is what is
 * compared (see warn_all()).
 */
static const char *const checked_meta[] = {
	"kernel_release", "machine", "cpu", "platform", "smmu", "smmu_idr0",
	"smmu_idr1", "smmu_features", "timing", "clock", "smmu_latency",
	"emulated",
};

typedef const char *(*kv_get)(const struct sb_results *r, const char *key);

/* Appends to @buf (NUL-terminated, @size bytes), truncating. */
static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static bool same_value(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * One key over @n runs named @names: if their values differ, one warning
 * that gives each value once with the runs that have it.
 */
static void warn_key(const struct compare_env *env, FILE *out, bool *first,
		     const char *scope, const char *what, const char *key,
		     kv_get get, const struct sb_results *const *runs,
		     const char *const *names, size_t n)
{
	char msg[900] = "";
	size_t i, j;
	bool differ = false;

	for (i = 1; i < n; i++)
		differ |= !same_value(get(runs[0], key), get(runs[i], key));
	if (!differ)
		return;
	for (i = 0; i < n; i++) {
		const char *v = get(runs[i], key);

		for (j = 0; j < i; j++)
			if (same_value(v, get(runs[j], key)))
				break;
		if (j < i)
			continue;	/* this value is already listed */
		append(msg, sizeof(msg), "%s'%s' (%s", i ? "; " : "",
		       v ? v : "(unset)", names[i]);
		for (j = i + 1; j < n; j++)
			if (same_value(v, get(runs[j], key)))
				append(msg, sizeof(msg), ", %s", names[j]);
		append(msg, sizeof(msg), ")");
	}
	warn(env, out, first, "%s differ in %s %s: %s", scope, what, key, msg);
}

/*
 * Every checked meta key and every param of @runs, each warned about at
 * most once; @skip_kernel leaves out kernel_release.
 */
static void warn_runs(const struct compare_env *env, FILE *out, bool *first,
		      const char *scope, const struct sb_results *const *runs,
		      const char *const *names, size_t n, bool skip_kernel)
{
	size_t i, k, j;

	for (i = 0; i < sizeof(checked_meta) / sizeof(checked_meta[0]); i++) {
		if (skip_kernel && !strcmp(checked_meta[i], "kernel_release"))
			continue;
		warn_key(env, out, first, scope, "meta", checked_meta[i],
			 sb_results__meta, runs, names, n);
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < runs[k]->nr_params; i++) {
			const char *key = runs[k]->params[i].key;

			for (j = 0; j < k; j++)
				if (sb_results__param(runs[j], key))
					break;
			if (j == k)	/* first run that has this key */
				warn_key(env, out, first, scope, "param", key,
					 sb_results__param, runs, names, n);
		}
	}
}

/*
 * The sides are the systems under test: their kernels may differ, and
 * that is the point of most comparisons (each header names each side's
 * kernel), so between sides the kernel is not warned about. How they were
 * measured (machine, SMMU, clock, params) should be equal: each key that
 * differs is warned about once, with the value of every side. Runs pooled
 * into one side must agree on everything, their kernel included.
 */
static void warn_all(const struct compare_env *env, FILE *out)
{
	const struct sb_results *runs[MAX_SIDES];
	const char *names[MAX_SIDES];
	char scope[SB_VALUE_MAX + 64];
	bool first = true;
	size_t i, k;

	if (env->fmt == SB_FORMAT_JSON)
		fputs("  \"warnings\": [", out);
	for (i = 0; i < env->nr_sides; i++) {
		const struct side *sd = env->sides[i];

		if (sd->nr_runs < 2)
			continue;
		for (k = 0; k < sd->nr_runs; k++) {
			runs[k] = sd->runs[k];
			names[k] = sd->paths[k];
		}
		snprintf(scope, sizeof(scope), "%s %s", env->fleet ?
			 "machines of fleet" : "runs pooled in", sd->spec);
		warn_runs(env, out, &first, scope, runs, names, sd->nr_runs,
			  false);
	}
	for (i = 0; i < env->nr_sides; i++) {
		runs[i] = env->sides[i]->runs[0];
		names[i] = env->sides[i]->spec;
	}
	warn_runs(env, out, &first, "the sides", runs, names, env->nr_sides,
		  true);
	/* Text and markdown say it in each comparison's header. */
	for (i = 1; env->fleet && env->fmt != SB_FORMAT_TEXT &&
	     i < env->nr_sides; i++)
		if (sb_fleet__too_few(env->sides[0]->nr_runs,
				      env->sides[i]->nr_runs, env->alpha,
				      scope, sizeof(scope)))
			warn(env, out, &first, "fleet %s against fleet %s: %s",
			     env->sides[i]->spec, env->sides[0]->spec, scope);
	if (env->fmt == SB_FORMAT_JSON)
		fputs(first ? "],\n" : "\n  ],\n", out);
}

/* ---- output --------------------------------------------------------------- */

static char *fmt_val(const struct row *r, double v, char *buf, size_t size)
{
	if (!strcmp(r->s->unit, "ns"))
		return sb_fmt_time(v, buf, size);
	snprintf(buf, size, isnan(v) ? "-" : "%.4g", v);
	return buf;
}

/* The 95% CI of the ratio of medians as a percent range, or "-". */
static char *fmt_ci(const struct row *r, char *buf, size_t size)
{
	if (r->tested && !isnan(r->ci_lo))
		snprintf(buf, size, "[%+.1f%%, %+.1f%%]", (r->ci_lo - 1) * 100,
			 (r->ci_hi - 1) * 100);
	else
		snprintf(buf, size, "-");
	return buf;
}

static void text_row(FILE *out, const struct row *r, int w)
{
	char a[32], b[32], d[32], ci[48], p[32];

	fmt_val(r, r->ma, a, sizeof(a));
	fmt_val(r, r->mb, b, sizeof(b));
	snprintf(d, sizeof(d), "%+.2f%%", (r->mb / r->ma - 1) * 100);
	fmt_ci(r, ci, sizeof(ci));
	snprintf(p, sizeof(p), "-");
	if (r->tested) {
		if (r->mwu.p < 0.001)
			snprintf(p, sizeof(p), "p<0.001%s",
				 r->mwu.exact ? "e" : "");
		else
			snprintf(p, sizeof(p), "p=%.3f%s", r->mwu.p,
				 r->mwu.exact ? "e" : "");
		if (!r->significant)
			snprintf(d, sizeof(d), "~");
	} else if (r->small) {
		snprintf(p, sizeof(p), "n<%d", MIN_N);
	} else {
		snprintf(p, sizeof(p), "hist");
	}
	if (!(r->ma > 0) || isnan(r->mb))
		snprintf(d, sizeof(d), "-");
	fprintf(out, "%-*s %8llu %8llu %10s %10s %9s %20s %9s\n", w,
		r->s->name, (unsigned long long)r->na,
		(unsigned long long)r->nb, a, b, d, ci, p);
}

/*
 * Ends a header: with fleets, what was compared and, if so, that there
 * are too few machines for any p below @alpha.
 */
static void fleet_lines(FILE *out, const struct side *a, const struct side *b,
			double alpha, char *buf, size_t size)
{
	if (a->fleet)
		fprintf(out, "%s\n", sb_fleet__describe(a->nr_runs, b->nr_runs,
							buf, size));
	if (a->fleet && sb_fleet__too_few(a->nr_runs, b->nr_runs, alpha,
					  buf, size))
		fprintf(out, "Note: %s.\n", buf);
	fputc('\n', out);
}

static void text_block(FILE *out, const struct side *a, const struct side *b,
		       const struct row *rows, size_t nr, double alpha)
{
	char fl[256];
	size_t i;
	double g;
	int w = 7;

	fprintf(out, "base: %s (%s, kernel %s)\nnew:  %s (%s, kernel %s)\n",
		a->label, a->spec, meta_or(a->runs[0], "kernel_release", "?"),
		b->label, b->spec, meta_or(b->runs[0], "kernel_release", "?"));
	fleet_lines(out, a, b, alpha, fl, sizeof(fl));
	for (i = 0; i < nr; i++)
		if ((int)strlen(rows[i].s->name) > w)
			w = strlen(rows[i].s->name);
	fprintf(out, "%-*s %8s %8s %10s %10s %9s %20s %9s\n", w, "series",
		"n base", "n new", "base p50", "new p50", "delta",
		"95% CI", "p");
	for (i = 0; i < nr; i++)
		text_row(out, &rows[i], w);
	g = geomean_rows(rows, nr);
	if (!isnan(g))
		fprintf(out, "%-*s %8s %8s %10s %10s %+8.2f%%\n", w, "geomean",
			"", "", "", "", (g - 1) * 100);
	fputc('\n', out);
	if (!a->runs[0]->nr_counters && !b->runs[0]->nr_counters)
		return;
	fprintf(out, "%-40s %16s %16s %9s\n", "counter (mean per run)", "base",
		"new", "delta");
	compare_each_counter(a, b, compare_text_counter, out);
	compare_text_dull_counters(out, a, b);
	fputc('\n', out);
}

/* What a row says, in words: the verdict column of --format markdown. */
static const char *verdict(const struct row *r)
{
	bool time = !strcmp(r->s->unit, "ns");

	if (!(r->ma > 0) || isnan(r->mb))
		return "no base median";
	if (r->small)
		return "too few samples to test";
	if (!r->tested)
		return "histogram only, not tested";
	if (r->few)
		return "too few machines to test";
	if (!r->significant)
		return "no significant difference";
	/*
	 * A deterministic clock (QEMU -icount) makes shifts of a few ties
	 * significant: say when the medians themselves hardly moved.
	 */
	if (fabs(r->mb / r->ma - 1) < 0.01)
		return "shifted, medians within 1%";
	if (r->mb > r->ma)
		return time ? "**slower**" : "**higher**";
	return time ? "**faster**" : "**lower**";
}

static void md_block(FILE *out, const struct side *a, const struct side *b,
		     const struct row *rows, size_t nr, double alpha)
{
	char va[32], vb[32], ci[256], p[32];
	size_t i;
	double g;

	fprintf(out, "base: `%s` (kernel %s), new: `%s` (kernel %s)\n",
		a->label, meta_or(a->runs[0], "kernel_release", "?"), b->label,
		meta_or(b->runs[0], "kernel_release", "?"));
	fleet_lines(out, a, b, alpha, ci, sizeof(ci));
	fputs("| series | n base | n new | base p50 | new p50 | delta | 95% CI of ratio | p | verdict |\n", out);
	fputs("|---|--:|--:|--:|--:|--:|--:|--:|---|\n", out);
	for (i = 0; i < nr; i++) {
		const struct row *r = &rows[i];

		fmt_val(r, r->ma, va, sizeof(va));
		fmt_val(r, r->mb, vb, sizeof(vb));
		snprintf(p, sizeof(p), "-");
		if (r->tested && r->mwu.p < 0.001)
			snprintf(p, sizeof(p), "<0.001");
		else if (r->tested)
			snprintf(p, sizeof(p), "%.3f", r->mwu.p);
		fprintf(out, "| `%s` | %llu | %llu | %s | %s | %+.2f%% | %s | %s | %s |\n",
			r->s->name, (unsigned long long)r->na,
			(unsigned long long)r->nb, va, vb,
			(r->mb / r->ma - 1) * 100, fmt_ci(r, ci, sizeof(ci)), p,
			verdict(r));
	}
	g = geomean_rows(rows, nr);
	if (!isnan(g))
		fprintf(out, "\nGeometric mean of the time ratios: %+.2f%%.\n",
			(g - 1) * 100);
	fputc('\n', out);
	compare_each_counter(a, b, compare_md_counter, out);
	if (a->runs[0]->nr_counters || b->runs[0]->nr_counters)
		fputc('\n', out);
}

/* The test column of CSV and JSON. */
static const char *test_name(const struct row *r)
{
	if (!r->tested)
		return r->small ? "small_n" : "hist";
	if (r->fleet)
		return r->mwu.exact ? "fleet_exact" : "fleet_normal";
	return r->mwu.exact ? "exact" : "normal";
}

static void csv_row(FILE *out, const struct side *a, const struct side *b,
		    const struct row *r)
{
	fprintf(out, "%s,%s,", r->s->name, r->s->unit);
	compare_csv_str(out, a->label);
	compare_csv_str(out, b->label);
	fprintf(out, "%llu,%llu,%.17g,%.17g,%.17g,", (unsigned long long)r->na,
		(unsigned long long)r->nb, r->ma, r->mb,
		(r->mb / r->ma - 1) * 100);
	/* No CI (a zero median, or a fleet too small for one): empty. */
	if (r->tested && isnan(r->ci_lo))
		fprintf(out, ",,%.17g,%.17g,%s,%s\n", r->mwu.u, r->mwu.p,
			test_name(r), r->significant ? "yes" : "no");
	else if (r->tested)
		fprintf(out, "%.17g,%.17g,%.17g,%.17g,%s,%s\n",
			(r->ci_lo - 1) * 100, (r->ci_hi - 1) * 100, r->mwu.u,
			r->mwu.p, test_name(r), r->significant ? "yes" : "no");
	else
		fprintf(out, ",,,,%s,\n", test_name(r));
}

static void json_num(FILE *out, const char *key, double v)
{
	fprintf(out, ", \"%s\": ", key);
	if (isnan(v) || isinf(v))
		fputs("null", out);
	else
		fprintf(out, "%.17g", v);
}

static void json_block(FILE *out, const struct side *a, const struct side *b,
		       const struct row *rows, size_t nr, bool first)
{
	size_t i;

	fprintf(out, "%s\n    {\"base\": ", first ? "" : ",");
	sb_json_str(out, a->label);
	fputs(", \"new\": ", out);
	sb_json_str(out, b->label);
	/* Named here since warnings leave out a difference in kernel. */
	fputs(", \"base_kernel\": ", out);
	sb_json_str(out, meta_or(a->runs[0], "kernel_release", "?"));
	fputs(", \"new_kernel\": ", out);
	sb_json_str(out, meta_or(b->runs[0], "kernel_release", "?"));
	if (a->fleet)
		fprintf(out, ", \"fleet\": {\"base_machines\": %zu, \"new_machines\": %zu, \"observation\": \"median per machine\", \"min_p\": %.17g}",
			a->nr_runs, b->nr_runs,
			sb_fleet__min_p(a->nr_runs, b->nr_runs));
	json_num(out, "geomean_ratio", geomean_rows(rows, nr));
	fputs(", \"rows\": [", out);
	for (i = 0; i < nr; i++) {
		const struct row *r = &rows[i];

		fprintf(out, "%s\n      {\"series\": \"%s\", \"unit\": \"%s\", \"n_base\": %llu, \"n_new\": %llu",
			i ? "," : "", r->s->name, r->s->unit,
			(unsigned long long)r->na, (unsigned long long)r->nb);
		json_num(out, "median_base", r->ma);
		json_num(out, "median_new", r->mb);
		json_num(out, "delta_pct", (r->mb / r->ma - 1) * 100);
		json_num(out, "ci95_ratio_lo", r->tested ? r->ci_lo : NAN);
		json_num(out, "ci95_ratio_hi", r->tested ? r->ci_hi : NAN);
		json_num(out, "u", r->tested ? r->mwu.u : NAN);
		json_num(out, "p", r->tested ? r->mwu.p : NAN);
		fprintf(out, ", \"test\": \"%s\", \"significant\": %s}",
			test_name(r), r->significant ? "true" : "false");
	}
	fputs("], \"counters\": [", out);
	compare_each_counter(a, b, compare_json_counter, out);
	fputs("]}", out);
}

/* Returns true if a --fail-on rule matched a significant regression. */
static bool check_fail_on(const struct compare_env *env,
			  const struct side *b, const struct row *rows,
			  size_t nr, size_t *matched)
{
	bool failed = false;
	size_t i, k;

	for (k = 0; k < env->nr_fail; k++) {
		const struct fail_on *f = &env->fail[k];

		for (i = 0; i < nr; i++) {
			const struct row *r = &rows[i];
			double pct = (r->mb / r->ma - 1) * 100;

			if (fnmatch(f->glob, r->s->name, 0))
				continue;
			matched[k]++;
			if (!r->significant || !(pct > f->pct))
				continue;
			fprintf(stderr, "smmubench compare: %s: %s is %.2f%% slower (p=%.3g), above --fail-on %s:%g\n",
				b->label, r->s->name, pct, r->mwu.p, f->glob,
				f->pct);
			failed = true;
		}
	}
	return failed;
}

static int compare_all(struct compare_env *env, FILE *out)
{
	size_t i, k, nr, matched[MAX_FAIL_ON] = { 0 };
	const char *fleet_of = env->fleet ? " of the machines' medians" : "";
	const char *fleet_ci = env->fleet ? ", given with " STR(SB_FLEET_CI_MIN)
				" machines or more per side" : "";
	struct name_list small = { 0 };
	bool failed = false;
	struct row *rows;

	if (env->fmt == SB_FORMAT_JSON)
		fprintf(out, "{\n  \"schema\": \"smmubench-compare\",\n  \"version\": 1,\n  \"alpha\": %g,\n",
			env->alpha);
	warn_all(env, out);
	if (env->fmt == SB_FORMAT_CSV)
		fprintf(out, "series,unit,base,new,n_base,n_new,median_base,median_new,delta_pct,ci95_lo_pct,ci95_hi_pct,u,p,test,significant\n");
	if (env->fmt == SB_FORMAT_JSON)
		fputs("  \"comparisons\": [", out);
	for (i = 1; i < env->nr_sides; i++) {
		const struct side *a = env->sides[0], *b = env->sides[i];

		rows = compute_rows(env, a, b, &nr);
		if (!rows)
			return -ENOMEM;
		if (!nr)
			fprintf(stderr, "smmubench compare: warning: %s and %s have no series in common\n",
				a->spec, b->spec);
		for (k = 0; k < nr; k++)
			if (rows[k].small)
				name_list__add(&small, rows[k].s->name);
		name_list__warn(&small, env->fleet ?
				"without a machine that measured them on a side, no test" :
				"with fewer than " STR(MIN_N)
				" samples on a side, no test");
		if (env->markdown) {
			md_block(out, a, b, rows, nr, env->alpha);
		} else if (env->fmt == SB_FORMAT_TEXT) {
			text_block(out, a, b, rows, nr, env->alpha);
		} else if (env->fmt == SB_FORMAT_CSV) {
			for (k = 0; k < nr; k++)
				csv_row(out, a, b, &rows[k]);
			compare_each_counter(a, b, compare_csv_counter, out);
		} else {
			json_block(out, a, b, rows, nr, i == 1);
		}
		failed |= check_fail_on(env, b, rows, nr, matched);
		free(rows);
	}
	if (env->fmt == SB_FORMAT_JSON)
		fputs("\n  ]\n}\n", out);
	else if (env->markdown)
		fprintf(out, "p: two-sided Mann-Whitney U%s; a verdict is stated only when p < %g; CI: bootstrap of the ratio of medians%s.\n",
			fleet_of, env->alpha, fleet_ci);
	else if (env->fmt == SB_FORMAT_TEXT)
		fprintf(out, "p: two-sided Mann-Whitney U%s (e: exact), ~: p >= %g; CI: bootstrap of the ratio of medians%s\n",
			fleet_of, env->alpha, fleet_ci);
	for (k = 0; k < env->nr_fail; k++) {
		if (matched[k])
			continue;
		fprintf(stderr, "smmubench compare: --fail-on %s: no series in common matches\n",
			env->fail[k].glob);
		return -ENOENT;
	}
	return failed ? 1 : 0;
}

int cmd_compare(int argc, char **argv)
{
	static const struct argp argp = {
		.options = compare_opts,
		.parser = compare_parse,
		.args_doc = "BASE NEW [NEW...]",
		.doc = compare_doc,
	};
	struct compare_env env = { .alpha = 0.05, .fmt = SB_FORMAT_TEXT };
	int ret = SB_EXIT_USAGE, err;
	size_t i;

	if (sb_argp_parse(&argp, argc, argv, "compare", &env))
		goto free_sides;
	ret = SB_EXIT_RUNTIME;
	for (i = 0; i < env.nr_sides; i++)
		if (side__load(env.sides[i], &env))
			goto free_sides;
	err = compare_all(&env, stdout);
	if (err < 0) {
		if (err == -ENOMEM)
			fprintf(stderr, "smmubench compare: out of memory\n");
		goto free_sides;
	}
	ret = err ? SB_EXIT_REGRESSION : SB_EXIT_OK;

free_sides:
	for (i = 0; i < env.nr_sides; i++)
		side__free(env.sides[i]);
	return ret;
}
