/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plot engine behind `smmubench plot`: a latency CDF per op, function
 * and lock series across runs, histograms on a log axis, the CMD_SYNC
 * times of all sync series together, and the curve of a thread sweep (ops
 * per second per thread, p50 and p99 against threads), as PNG and SVG with
 * their gnuplot scripts and data (analysis/plot.c).
 */
#ifndef SMMUBENCH_PLOT_H
#define SMMUBENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "smmubench/results.h"

#define SB_PLOT_MAX_RUNS 32

struct sb_plot_run {
	const char *path;
	struct sb_results *r;
	char title[176];	/* "label (kernel)", safe in gnuplot strings */
	bool emulated;		/* meta timing=emulated: relative only */
};

struct sb_plot {
	const char *dir;	/* images and scripts; data in dir/data */
	struct sb_plot_run runs[SB_PLOT_MAX_RUNS];
	size_t nr_runs;
	const char *png_term;	/* pngcairo, or png (libgd) if missing */
	unsigned int nr_images;	/* drawn so far */
};

/* Which terminals gnuplot has; 0, or -errno after saying why on stderr. */
int sb_plot__probe_gnuplot(struct sb_plot *p);
/* Reads runs[i].path into runs[i].r and titles the runs. */
int sb_plot__load_runs(struct sb_plot *p);
/*
 * Every series of every run (once per name), then the sync figure, then
 * per workload the curve of each thread sweep among the runs.
 */
int sb_plot__draw(struct sb_plot *p);
void sb_plot__free(struct sb_plot *p);

#endif /* SMMUBENCH_PLOT_H */
