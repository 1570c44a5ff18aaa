// SPDX-License-Identifier: GPL-2.0
/*
 * The plot engine (smmubench/plot.h): gnuplot figures from results files.
 * For every series it writes the data it plots as .dat files under
 * DIR/data, a gnuplot script next to each image, and runs gnuplot on it,
 * so a figure can be redrawn or restyled from DIR alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smmubench/plot.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"
#include "smmubench/sweep.h"

#define CDF_POINTS 1000		/* quantiles drawn per CDF line */
#define HIST_BINS_PER_DECADE 20

/* Runs gnuplot with @args in @dir; returns its exit status or -errno. */
static int run_gnuplot(const char *dir, const char *const *args, bool quiet)
{
	int status;
	pid_t pid;

	/* Or the child would print what we buffered a second time. */
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (quiet && null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (dir && chdir(dir))
			_exit(126);
		execvp("gnuplot", (char *const *)args);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -EINTR;
	return WEXITSTATUS(status);
}

/* Probes the terminals instead of trusting a version number. */
int sb_plot__probe_gnuplot(struct sb_plot *env)
{
	static const char *const cairo[] = {
		"gnuplot", "-e", "set terminal pngcairo", NULL
	};
	static const char *const gd[] = {
		"gnuplot", "-e", "set terminal png", NULL
	};
	static const char *const svg[] = {
		"gnuplot", "-e", "set terminal svg", NULL
	};
	int ret = run_gnuplot(NULL, cairo, true);

	if (ret == 127 || ret < 0) {
		fprintf(stderr, "smmubench plot: gnuplot not found in PATH: install gnuplot (e.g. apt-get install gnuplot-nox)\n");
		return -ENOENT;
	}
	env->png_term = "pngcairo";
	if (ret && !run_gnuplot(NULL, gd, true))
		env->png_term = "png";
	else if (ret) {
		fprintf(stderr, "smmubench plot: gnuplot has neither the pngcairo nor the png terminal\n");
		return -ENOTSUP;
	}
	if (run_gnuplot(NULL, svg, true)) {
		fprintf(stderr, "smmubench plot: gnuplot has no svg terminal\n");
		return -ENOTSUP;
	}
	return 0;
}

/* Quotes, backslashes and newlines would end a gnuplot string early. */
static void safe_copy(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = strchr("'\"\\`\n\t", src[i]) ? '_' : src[i];
	dst[i] = '\0';
}

int sb_plot__load_runs(struct sb_plot *env)
{
	char err[512], label[96], kernel[48];
	size_t i;
	int ret;

	for (i = 0; i < env->nr_runs; i++) {
		struct sb_plot_run *run = &env->runs[i];
		const char *l, *k;

		ret = sb_results__read(run->path, &run->r, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "smmubench plot: %s\n", err);
			return ret;
		}
		l = sb_results__meta(run->r, "label");
		k = sb_results__meta(run->r, "kernel_release");
		safe_copy(label, sizeof(label), l ? l : run->path);
		safe_copy(kernel, sizeof(kernel), k ? k : "?");
		l = sb_results__meta(run->r, "timing");
		run->emulated = l && !strcmp(l, "emulated");
		snprintf(run->title, sizeof(run->title), "%s (kernel %s%s)",
			 label, kernel, run->emulated ? ", emulated" : "");
	}
	return 0;
}

/* ---- data files ----------------------------------------------------------- */

static FILE *open_data(const struct sb_plot *env, size_t run,
		       const char *name, const char *what, char *rel,
		       size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(rel, size, "data/r%zu-%s.%s.dat", run, name, what);
	snprintf(path, sizeof(path), "%s/%s", env->dir, rel);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "smmubench plot: %s: %s\n", path,
			strerror(errno));
	return f;
}

/*
 * CDF points: CDF_POINTS quantiles (type 7) for samples, bucket upper
 * edges for histograms. Zeros are left out: the x axis is logarithmic.
 */
static int write_cdf(FILE *f, const struct sb_series *s)
{
	uint64_t total = 0, cum = 0, *v;
	size_t i;

	fprintf(f, "# %s: value (%s)\tfraction <= value\n", s->name, s->unit);
	if (!s->nr_samples) {
		for (i = 0; i < s->nr_buckets; i++)
			total += s->buckets[i].count;
		for (i = 0; i < s->nr_buckets && total; i++) {
			cum += s->buckets[i].count;
			fprintf(f, "%llu\t%.6f\n",
				(unsigned long long)s->buckets[i].hi,
				(double)cum / total);
		}
		return 0;
	}
	v = sb_series__sorted_values(s);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < CDF_POINTS; i++) {
		double q = (double)i / (CDF_POINTS - 1);
		double x = sb_stats__quantile(v, s->nr_samples, q);

		if (x > 0)
			fprintf(f, "%.1f\t%.6f\n", x, q);
	}
	free(v);
	return 0;
}

/* Log-spaced bins shared by every run of a series, so shapes compare. */
struct bins {
	double lo_exp, step;
	size_t nr;
};

static void bins_for(const struct sb_plot *env, const char *name,
		     struct bins *b)
{
	double lo = INFINITY, hi = 0;
	size_t i, k;

	for (i = 0; i < env->nr_runs; i++) {
		const struct sb_series *s =
			sb_results__find_series(env->runs[i].r, name);

		for (k = 0; s && k < s->nr_samples; k++) {
			double v = s->samples[k].value;

			if (v > 0 && v < lo)
				lo = v;
			if (v > hi)
				hi = v;
		}
	}
	if (!(hi > 0) || isinf(lo))
		lo = hi = 1;
	b->step = 1.0 / HIST_BINS_PER_DECADE;
	b->lo_exp = floor(log10(lo) * HIST_BINS_PER_DECADE) * b->step;
	b->nr = (size_t)ceil((log10(hi) - b->lo_exp) / b->step) + 1;
}

/* Fraction of samples per bin (x: geometric bin centre). */
static int write_hist(FILE *f, const struct sb_series *s,
		      const struct bins *b)
{
	uint64_t *cnt, total = 0;
	size_t i;

	fprintf(f, "# %s: bin centre (%s)\tfraction of samples\n", s->name,
		s->unit);
	if (!s->nr_samples) {
		for (i = 0; i < s->nr_buckets; i++)
			total += s->buckets[i].count;
		for (i = 0; i < s->nr_buckets && total; i++) {
			double lo = s->buckets[i].lo ? s->buckets[i].lo : 1;

			fprintf(f, "%.3f\t%.6f\n", sqrt(lo * s->buckets[i].hi),
				(double)s->buckets[i].count / total);
		}
		return 0;
	}
	cnt = calloc(b->nr, sizeof(*cnt));
	if (!cnt)
		return -ENOMEM;
	for (i = 0; i < s->nr_samples; i++) {
		double v = s->samples[i].value;
		long k;

		if (v <= 0)
			continue;
		k = (long)floor((log10(v) - b->lo_exp) / b->step);
		if (k >= 0 && (size_t)k < b->nr)
			cnt[k]++;
		total++;
	}
	for (i = 0; i < b->nr && total; i++)
		fprintf(f, "%.3f\t%.6f\n",
			pow(10, b->lo_exp + (i + 0.5) * b->step),
			(double)cnt[i] / total);
	free(cnt);
	return 0;
}

/* ---- scripts ---------------------------------------------------------------- */

struct figure {
	const char *base;	/* file name without extension */
	const char *title;
	const char *xlabel, *ylabel;
	const char *style;	/* "lines" or "steps" */
	const char *key;	/* key position */
};

struct line {
	char data[256];		/* relative to DIR */
	char title[256];
	char cols[16];		/* gnuplot "using" columns; "": 1:2 */
};

static void plot_lines(FILE *gp, const struct line *l, size_t nr,
		       const char *style)
{
	size_t i;

	fputs("plot ", gp);
	for (i = 0; i < nr; i++)
		fprintf(gp, "%s'%s' using %s with %s lw 2 title '%s'",
			i ? ", \\\n     " : "", l[i].data,
			l[i].cols[0] ? l[i].cols : "1:2", style, l[i].title);
	fputc('\n', gp);
}

static int write_script(struct sb_plot *env, const struct figure *fig,
			const struct line *lines, size_t nr)
{
	char path[4096];
	FILE *gp;

	snprintf(path, sizeof(path), "%s/%s.gp", env->dir, fig->base);
	gp = fopen(path, "w");
	if (!gp) {
		fprintf(stderr, "smmubench plot: %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	fprintf(gp, "# Written by smmubench plot; run from this directory: gnuplot %s.gp\n",
		fig->base);
	fprintf(gp, "set terminal %s noenhanced size 1000,620\n", env->png_term);
	fprintf(gp, "set output '%s.png'\n", fig->base);
	fprintf(gp, "set title '%s'\n", fig->title);
	fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\n", fig->xlabel,
		fig->ylabel);
	fprintf(gp, "set logscale x\nset grid\nset key %s\n", fig->key);
	fputs("set datafile separator \"\\t\"\n", gp);
	plot_lines(gp, lines, nr, fig->style);
	fprintf(gp, "set terminal svg noenhanced size 1000,620 dynamic\n");
	fprintf(gp, "set output '%s.svg'\nreplot\n", fig->base);
	if (fclose(gp))
		return -EIO;
	return 0;
}

static int draw(struct sb_plot *env, const struct figure *fig,
		const struct line *lines, size_t nr)
{
	char script[300];
	const char *args[] = { "gnuplot", script, NULL };
	int ret;

	if (!nr)
		return 0;
	ret = write_script(env, fig, lines, nr);
	if (ret)
		return ret;
	snprintf(script, sizeof(script), "%s.gp", fig->base);
	ret = run_gnuplot(env->dir, args, false);
	if (ret) {
		fprintf(stderr, "smmubench plot: gnuplot failed on %s/%s (status %d)\n",
			env->dir, script, ret);
		return -EIO;
	}
	env->nr_images += 2;
	return 0;
}

static const char *what_of(const struct sb_series *s)
{
	switch (s->kind) {
	case SB_KIND_LOCK_HOLD:
		return "lock hold time";
	case SB_KIND_LOCK_WAIT:
		return "lock wait time";
	case SB_KIND_SYNC:
		return "CMD_SYNC time";
	case SB_KIND_FUNC:
		return "function latency";
	default:
		return "latency";
	}
}

/* "a (kernel x) vs b (kernel y)" over the runs in @used. */
static void runs_title(const struct sb_plot *env, const bool *used,
		       char *buf, size_t size)
{
	size_t i, n = 0, nr = 0;
	bool emulated = false;

	for (i = 0; i < env->nr_runs; i++) {
		nr += used[i];
		emulated |= used[i] && env->runs[i].emulated;
	}
	buf[0] = '\0';
	/* Past three runs the title would not fit; the key names them. */
	if (nr > 3)
		n = snprintf(buf, size, "%zu runs (see the key)", nr);
	for (i = 0; nr <= 3 && i < env->nr_runs && n < size; i++)
		if (used[i])
			n += snprintf(buf + n, size - n, "%s%s",
				      n ? " vs " : "", env->runs[i].title);
	/* Emulated timings must never pass for SMMU latencies. */
	if (emulated && n < size)
		snprintf(buf + n, size - n, "%s",
			 " [emulated timing: relative only]");
}

/* One CDF and one histogram of series @name, every run overlaid. */
static int plot_series(struct sb_plot *env, const struct sb_series *decl)
{
	struct line *cdf, *hist;
	char base_c[200], base_h[200], title[512], runs[400], rel[256];
	struct figure fig = { .xlabel = "ns (log scale)" };
	bool used[SB_PLOT_MAX_RUNS] = { false };
	struct bins b;
	size_t i, nr = 0;
	int ret = -ENOMEM;

	cdf = calloc(env->nr_runs, sizeof(*cdf));
	hist = calloc(env->nr_runs, sizeof(*hist));
	if (!cdf || !hist)
		goto free_lines;
	bins_for(env, decl->name, &b);
	for (i = 0; i < env->nr_runs; i++) {
		const struct sb_series *s =
			sb_results__find_series(env->runs[i].r, decl->name);
		FILE *f;

		if (!s || (!s->nr_samples && !s->nr_buckets))
			continue;
		ret = -EIO;
		f = open_data(env, i, s->name, "cdf", rel, sizeof(rel));
		if (!f || write_cdf(f, s) || fclose(f))
			goto free_lines;
		snprintf(cdf[nr].data, sizeof(cdf[nr].data), "%s", rel);
		f = open_data(env, i, s->name, "hist", rel, sizeof(rel));
		if (!f || write_hist(f, s, &b) || fclose(f))
			goto free_lines;
		snprintf(hist[nr].data, sizeof(hist[nr].data), "%s", rel);
		snprintf(cdf[nr].title, sizeof(cdf[nr].title), "%s",
			 env->runs[i].title);
		snprintf(hist[nr].title, sizeof(hist[nr].title), "%s",
			 env->runs[i].title);
		used[i] = true;
		nr++;
	}
	runs_title(env, used, runs, sizeof(runs));
	snprintf(base_c, sizeof(base_c), "cdf-%s", decl->name);
	snprintf(title, sizeof(title), "%s %s CDF: %s", decl->name,
		 what_of(decl), runs);
	fig.base = base_c;
	fig.title = title;
	fig.ylabel = "fraction <= x";
	fig.style = "lines";
	fig.key = "bottom right";
	ret = draw(env, &fig, cdf, nr);
	if (ret)
		goto free_lines;
	snprintf(base_h, sizeof(base_h), "hist-%s", decl->name);
	snprintf(title, sizeof(title), "%s %s histogram: %s", decl->name,
		 what_of(decl), runs);
	fig.base = base_h;
	fig.ylabel = "fraction of samples per bin";
	fig.style = "histeps";
	fig.key = "top right";
	ret = draw(env, &fig, hist, nr);

free_lines:
	free(cdf);
	free(hist);
	return ret;
}

/* All sync series of all runs in one figure: CMD_SYNC time per lock. */
static int plot_syncs(struct sb_plot *env)
{
	struct line lines[64] = { 0 };
	struct figure fig = {
		.base = "sync",
		.xlabel = "ns (log scale)",
		.ylabel = "fraction <= x",
		.style = "lines",
		.key = "bottom right",
	};
	bool used[SB_PLOT_MAX_RUNS] = { false };
	char title[512], runs[400];
	size_t i, k, nr = 0;

	for (i = 0; i < env->nr_runs; i++) {
		const struct sb_results *r = env->runs[i].r;

		for (k = 0; k < r->nr_series && nr < 64; k++) {
			const struct sb_series *s = &r->series[k];

			if (s->kind != SB_KIND_SYNC ||
			    (!s->nr_samples && !s->nr_buckets))
				continue;
			snprintf(lines[nr].data, sizeof(lines[nr].data),
				 "data/r%zu-%s.cdf.dat", i, s->name);
			snprintf(lines[nr].title, sizeof(lines[nr].title),
				 "%s, %s", s->name, env->runs[i].title);
			used[i] = true;
			nr++;
		}
	}
	runs_title(env, used, runs, sizeof(runs));
	snprintf(title, sizeof(title), "CMD_SYNC time CDF per sync series: %s",
		 runs);
	fig.title = title;
	return draw(env, &fig, lines, nr);
}

/* ---- thread sweeps ------------------------------------------------------- */

/*
 * Writes the points of the runs titled like run @first (one sweep: same
 * label and kernel) as data/threads-<workload>-r<first>.dat: threads,
 * rate per thread, p50, p99. Marks them in @done. Returns the number of
 * points, or -errno.
 */
static int write_sweep(struct sb_plot *env, size_t w, size_t first,
		       bool *done, char *rel, size_t size)
{
	struct sb_sweep_point pts[SB_PLOT_MAX_RUNS];
	const struct sb_sweep_workload *wl = &sb_sweep_workloads[w];
	char path[4096];
	size_t i, k, n = 0;
	FILE *f;

	for (i = first; i < env->nr_runs; i++) {
		if (done[i] || strcmp(env->runs[i].title, env->runs[first].title) ||
		    sb_sweep__point(env->runs[i].r, w, &pts[n]))
			continue;
		pts[n].run = i;
		done[i] = true;
		n++;
	}
	sb_sweep__sort(pts, n);
	snprintf(rel, size, "data/threads-%s-r%zu.dat", wl->name, first);
	snprintf(path, sizeof(path), "%s/%s", env->dir, rel);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "smmubench plot: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	fputs("# threads\titerations/s per thread", f);
	for (k = 0; k < SB_SWEEP_OPS && wl->ops[k]; k++)
		fprintf(f, "\t%s p50 ns\t%s p99 ns", wl->ops[k], wl->ops[k]);
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%lu\t%.1f", pts[i].threads, pts[i].rate);
		/* gnuplot leaves NaN out: a run without that op */
		for (k = 0; k < SB_SWEEP_OPS && wl->ops[k]; k++)
			if (pts[i].p50[k] < 0)
				fputs("\tNaN\tNaN", f);
			else
				fprintf(f, "\t%.1f\t%.1f", pts[i].p50[k],
					pts[i].p99[k]);
		fputc('\n', f);
	}
	return fclose(f) ? -EIO : (int)n;
}

/*
 * The contention curve of a thread sweep (`smmubench run --threads
 * N,N,...`, one file per point): per workload, iterations per second per
 * thread against threads, and each op's p50 and p99, one line per sweep
 * (runs of the same label and kernel); only sweeps of 2 points or more.
 */
static int plot_threads(struct sb_plot *env, size_t w)
{
	struct line rate[SB_PLOT_MAX_RUNS] = { 0 };
	struct line lat[2 * SB_SWEEP_OPS * SB_PLOT_MAX_RUNS] = { 0 };
	bool done[SB_PLOT_MAX_RUNS] = { false }, used[SB_PLOT_MAX_RUNS] = { false };
	const char *wl = sb_sweep_workloads[w].name, *op;
	char base[96], title[512], runs[400], rel[200];
	struct figure fig = {
		.xlabel = "threads (log scale)",
		.style = "linespoints",
		.key = "top right",
	};
	size_t i, k, nr = 0, nl = 0;
	int n, ret;

	for (i = 0; i < env->nr_runs; i++) {
		if (done[i])
			continue;
		n = write_sweep(env, w, i, done, rel, sizeof(rel));
		if (n < 0)
			return n;
		if (n < 2)
			continue;
		used[i] = true;
		snprintf(rate[nr].data, sizeof(rate[nr].data), "%s", rel);
		snprintf(rate[nr].title, sizeof(rate[nr].title), "%s",
			 env->runs[i].title);
		nr++;
		/* Columns 3 + 2k and 4 + 2k: op k's p50 and p99. */
		for (k = 0; k < 2 * SB_SWEEP_OPS &&
		     (op = sb_sweep_workloads[w].ops[k / 2]); k++, nl++) {
			snprintf(lat[nl].data, sizeof(lat[nl].data), "%s", rel);
			snprintf(lat[nl].cols, sizeof(lat[nl].cols), "1:%zu",
				 3 + k);
			snprintf(lat[nl].title, sizeof(lat[nl].title),
				 "%s %s, %s", op, k % 2 ? "p99" : "p50",
				 env->runs[i].title);
		}
	}
	runs_title(env, used, runs, sizeof(runs));
	snprintf(base, sizeof(base), "threads-%s", wl);
	snprintf(title, sizeof(title), "%s: iterations/s per thread: %s",
		 wl, runs);
	fig.base = base;
	fig.title = title;
	fig.ylabel = "iterations/s per thread";
	ret = draw(env, &fig, rate, nr);
	if (ret)
		return ret;
	snprintf(base, sizeof(base), "threads-%s-latency", wl);
	snprintf(title, sizeof(title), "%s: op p50 and p99 against threads: %s",
		 wl, runs);
	fig.ylabel = "ns";
	return draw(env, &fig, lat, nl);
}

static bool seen_before(const struct sb_plot *env, size_t run,
			const char *name)
{
	size_t i;

	for (i = 0; i < run; i++)
		if (sb_results__find_series(env->runs[i].r, name))
			return true;
	return false;
}

int sb_plot__draw(struct sb_plot *env)
{
	char data[4096];
	size_t i, k;
	int ret;

	snprintf(data, sizeof(data), "%s/data", env->dir);
	if ((mkdir(env->dir, 0755) && errno != EEXIST) ||
	    (mkdir(data, 0755) && errno != EEXIST)) {
		fprintf(stderr, "smmubench plot: mkdir %s: %s\n", data,
			strerror(errno));
		return -errno;
	}
	for (i = 0; i < env->nr_runs; i++) {
		const struct sb_results *r = env->runs[i].r;

		for (k = 0; k < r->nr_series; k++) {
			const struct sb_series *s = &r->series[k];

			/* Counts per op are not times; report prints them. */
			if (s->kind == SB_KIND_COUNT ||
			    seen_before(env, i, s->name))
				continue;
			ret = plot_series(env, s);
			if (ret)
				return ret;
		}
	}
	ret = plot_syncs(env);
	for (k = 0; k < sb_sweep_nr_workloads && !ret; k++)
		ret = plot_threads(env, k);
	return ret;
}

void sb_plot__free(struct sb_plot *env)
{
	size_t i;

	for (i = 0; i < env->nr_runs; i++) {
		sb_results__free(env->runs[i].r);
		env->runs[i].r = NULL;
	}
}
