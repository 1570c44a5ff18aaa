// SPDX-License-Identifier: GPL-2.0
/* Thread sweeps read back from their results files (smmubench/sweep.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/stats.h"
#include "smmubench/sweep.h"

const struct sb_sweep_workload sb_sweep_workloads[] = {
	{ "attach", { "op.attach", "op.detach" } },
	{ "map", { "op.map", "op.unmap", "op.iotlb_sync" } },
	{ "bind", { "op.bind", "op.unbind" } },
	{ "pasid-attach", { "op.pasid_attach", "op.pasid_detach" } },
	{ "sva-munmap", { "op.munmap" } },
};

const size_t sb_sweep_nr_workloads =
	sizeof(sb_sweep_workloads) / sizeof(sb_sweep_workloads[0]);

int sb_sweep__workload(const char *name)
{
	size_t w;

	for (w = 0; name && w < sb_sweep_nr_workloads; w++)
		if (!strcmp(sb_sweep_workloads[w].name, name))
			return (int)w;
	return -1;
}

int sb_sweep__point(const struct sb_results *r, size_t w,
		    struct sb_sweep_point *pt)
{
	const char *wl = sb_results__param(r, "workload");
	const char *t = sb_results__param(r, "threads");
	const char *procs = sb_results__param(r, "processes");
	const struct sb_counter *el = sb_results__counter(r, "elapsed_ns");
	const char *const *ops = sb_sweep_workloads[w].ops;
	const struct sb_series *s;
	struct sb_summary sum;
	unsigned long np = 1;
	char *end;
	size_t k;

	if (!wl || strcmp(wl, sb_sweep_workloads[w].name) || !t || !el ||
	    !el->supported || !el->value)
		return -ENOENT;
	pt->threads = strtoul(t, &end, 10);
	if (*end || !pt->threads)
		return -ENOENT;
	/* Binds: --processes P of --threads T each, P x T binders. */
	if (procs) {
		np = strtoul(procs, &end, 10);
		if (*end || !np)
			return -ENOENT;
	}
	for (k = 0; k < SB_SWEEP_OPS; k++)
		pt->p50[k] = pt->p99[k] = -1;
	for (k = 0; k < SB_SWEEP_OPS && ops[k]; k++) {
		s = sb_results__find_series(r, ops[k]);
		if (!s || sb_series__summarize(s, &sum)) {
			if (!k)
				return -ENOENT;
			continue;
		}
		/* The first op counts iterations, all threads together. */
		if (!k)
			pt->rate = sum.n / (double)(pt->threads * np) /
				   (el->value / 1e9);
		pt->p50[k] = sum.p50;
		pt->p99[k] = sum.p99;
	}
	return 0;
}

static int by_threads(const void *a, const void *b)
{
	const struct sb_sweep_point *x = a, *y = b;

	return (x->threads > y->threads) - (x->threads < y->threads);
}

void sb_sweep__sort(struct sb_sweep_point *pts, size_t n)
{
	qsort(pts, n, sizeof(*pts), by_threads);
}

int sb_sweep__print(FILE *out, enum sb_format fmt, size_t w,
		    const struct sb_sweep_point *pts, size_t n)
{
	const char *const *ops = sb_sweep_workloads[w].ops;
	char a[32], b[32];
	size_t i, k;

	switch (fmt) {
	case SB_FORMAT_TEXT:
		fprintf(out, "Thread sweep of %s: %zu points (one results file each)\n",
			sb_sweep_workloads[w].name, n);
		fprintf(out, "%8s %14s", "THREADS", "ITER/S/THREAD");
		for (k = 0; k < SB_SWEEP_OPS && ops[k]; k++)
			fprintf(out, "  %14s P50 %9s", ops[k], "P99");
		fputc('\n', out);
		for (i = 0; i < n; i++) {
			fprintf(out, "%8lu %14.0f", pts[i].threads, pts[i].rate);
			for (k = 0; k < SB_SWEEP_OPS && ops[k]; k++) {
				if (pts[i].p50[k] < 0) {
					fprintf(out, "  %18s %9s", "-", "-");
					continue;
				}
				fprintf(out, "  %18s %9s",
					sb_fmt_time(pts[i].p50[k], a, sizeof(a)),
					sb_fmt_time(pts[i].p99[k], b, sizeof(b)));
			}
			fputc('\n', out);
		}
		break;
	case SB_FORMAT_CSV:
		fputs("threads,iterations_per_s_per_thread", out);
		for (k = 0; k < SB_SWEEP_OPS && ops[k]; k++)
			fprintf(out, ",%s.p50_ns,%s.p99_ns", ops[k], ops[k]);
		fputc('\n', out);
		for (i = 0; i < n; i++) {
			fprintf(out, "%lu,%.1f", pts[i].threads, pts[i].rate);
			for (k = 0; k < SB_SWEEP_OPS && ops[k]; k++)
				if (pts[i].p50[k] < 0)
					fputs(",,", out);
				else
					fprintf(out, ",%.0f,%.0f", pts[i].p50[k],
						pts[i].p99[k]);
			fputc('\n', out);
		}
		break;
	case SB_FORMAT_JSON:
		fputs("{\"workload\": ", out);
		sb_json_str(out, sb_sweep_workloads[w].name);
		fputs(", \"points\": [", out);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s{\"threads\": %lu, \"iterations_per_s_per_thread\": %.1f",
				i ? ", " : "", pts[i].threads, pts[i].rate);
			for (k = 0; k < SB_SWEEP_OPS && ops[k]; k++)
				if (pts[i].p50[k] >= 0)
					fprintf(out, ", \"%s\": {\"p50_ns\": %.0f, \"p99_ns\": %.0f}",
						ops[k], pts[i].p50[k], pts[i].p99[k]);
			fputc('}', out);
		}
		fputs("]}\n", out);
		break;
	default:
		return -EINVAL;
	}
	return ferror(out) ? -EIO : 0;
}
