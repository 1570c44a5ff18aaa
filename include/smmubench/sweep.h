/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thread sweeps: `smmubench run --threads N,N,...` makes one run and one
 * results file per point. A point is read back from its file as the
 * iterations per second per thread and each op's p50 and p99, for report
 * (a table) and plot (the contention curve). docs/results-format.md names
 * the params and counters it reads.
 */
#ifndef SMMUBENCH_SWEEP_H
#define SMMUBENCH_SWEEP_H

#include <stddef.h>
#include <stdio.h>

#include "smmubench/report.h"
#include "smmubench/results.h"

#define SB_SWEEP_OPS 3

/*
 * A workload's iteration: its op series, the first counting iterations
 * (also the op run's overhead ratio is taken against).
 */
struct sb_sweep_workload {
	const char *name;
	const char *ops[SB_SWEEP_OPS];	/* NULL after the last */
};

extern const struct sb_sweep_workload sb_sweep_workloads[];
extern const size_t sb_sweep_nr_workloads;

/* One point of a sweep. */
struct sb_sweep_point {
	size_t run;		/* the caller's index of the file */
	unsigned long threads;
	double rate;		/* iterations per second per thread */
	double p50[SB_SWEEP_OPS], p99[SB_SWEEP_OPS];	/* ns; -1 if no such op */
};

/* The index in sb_sweep_workloads of @name, or -1. */
int sb_sweep__workload(const char *name);

/*
 * Fills @pt when @r is a `smmubench run` of workload @w with a threads
 * param, an elapsed time and its first op series (a point of a sweep);
 * returns 0, or -ENOENT when it is not one.
 */
int sb_sweep__point(const struct sb_results *r, size_t w,
		    struct sb_sweep_point *pt);

/* Sorts @pts by threads, ascending. */
void sb_sweep__sort(struct sb_sweep_point *pts, size_t n);

/*
 * One row per point of a sweep of workload @w, sorted: threads,
 * iterations per second per thread, and each op's p50 and p99; text
 * (human units), csv (ns) or json. Returns 0 or -errno.
 */
int sb_sweep__print(FILE *out, enum sb_format fmt, size_t w,
		    const struct sb_sweep_point *pts, size_t n);

#endif
