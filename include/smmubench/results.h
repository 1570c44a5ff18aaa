/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smmubench results: the one file format written by `smmubench run`,
 * `smmubench trace`, `smmubench import` and the model, and read by
 * report, compare and plot. The on-disk format is described in
 * docs/results-format.md; this header is its only definition in code.
 *
 * A results file holds:
 *  - meta:     who/where/when (tool version, run id, kernel release, SMMU
 *              features, CPU, label, whether timings are emulated);
 *  - params:   the workload parameters the run was asked for;
 *  - series:   named sets of samples of one quantity, in one unit, e.g.
 *              "op.map" (ns per iommu_map call) or "lock.asid_lock.hold";
 *  - hists:    per-series histograms for long runs where raw samples would
 *              be too many (buckets are [lo, hi) in the series' unit);
 *  - counters: scalar facts such as dropped events, clock resolution, or a
 *              counter the machine does not support (never recorded as 0);
 *              measured totals of a run (elapsed_ns, traced_ns) too: a
 *              param is only what the run was asked for.
 */
#ifndef SMMUBENCH_RESULTS_H
#define SMMUBENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SB_RESULTS_MAGIC "smmubench-results"
#define SB_RESULTS_VERSION 1

/* Limits a reader enforces; a file beyond them is rejected, not truncated. */
#define SB_NAME_MAX 128		/* series, meta, param and counter names */
#define SB_VALUE_MAX 1024	/* meta and param values */
#define SB_MAX_SERIES 4096
#define SB_MAX_SAMPLES (64ULL << 20)	/* per series */
/* A latency above an hour is a corrupted file, not a measurement. */
#define SB_MAX_VALUE_NS (3600ULL * 1000000000ULL)
/* Per-op counts (unit "1"): more than this per op is a corrupted file. */
#define SB_MAX_VALUE_COUNT (1ULL << 32)
#define SB_MAX_BUCKETS 65536	/* per series */

enum sb_series_kind {
	SB_KIND_OP,		/* one sample per benchmark operation */
	SB_KIND_FUNC,		/* traced kernel function latency */
	SB_KIND_LOCK_HOLD,	/* lock hold time */
	SB_KIND_LOCK_WAIT,	/* lock wait (acquire) time */
	SB_KIND_SYNC,		/* CMD_SYNC time, possibly under a lock */
	SB_KIND_COUNT,		/* per-op counts (e.g. syncs per op), unit "1" */
	SB_KIND_OTHER,
	SB_KIND__MAX,
};

/* Sentinel for "not known" in op_id/start_ns/thread of a sample. */
#define SB_NONE UINT64_MAX

struct sb_sample {
	uint64_t value;		/* in the series' unit, usually ns */
	uint64_t op_id;		/* joins tracer records to module ops */
	uint64_t start_ns;	/* CLOCK_MONOTONIC (ktime) at op start */
	uint64_t thread;	/* thread index within the run */
};

struct sb_hist_bucket {
	uint64_t lo, hi;	/* [lo, hi) */
	uint64_t count;
};

struct sb_series {
	char *name;
	char *unit;		/* "ns" or "1" */
	enum sb_series_kind kind;
	struct sb_sample *samples;
	size_t nr_samples, cap_samples;
	struct sb_hist_bucket *buckets;
	size_t nr_buckets, cap_buckets;
};

struct sb_kv {
	char *key;
	char *value;
};

struct sb_counter {
	char *name;
	uint64_t value;
	bool supported;		/* false: the machine cannot count this */
};

struct sb_results {
	struct sb_kv *meta;
	size_t nr_meta;
	struct sb_kv *params;
	size_t nr_params;
	struct sb_series *series;
	size_t nr_series;
	struct sb_counter *counters;
	size_t nr_counters;
};

const char *sb_series_kind__name(enum sb_series_kind kind);
int sb_series_kind__parse(const char *name, enum sb_series_kind *kind);

/*
 * Pointers returned by sb_results__series() stay valid until
 * sb_results__free(): the series table is sized for SB_MAX_SERIES once, so
 * adding a series never moves the others.
 */
struct sb_results *sb_results__new(void);
void sb_results__free(struct sb_results *r);	/* accepts NULL */

/* Setters replace an existing key. All return 0 or -errno. */
int sb_results__set_meta(struct sb_results *r, const char *key,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sb_results__set_param(struct sb_results *r, const char *key,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *sb_results__meta(const struct sb_results *r, const char *key);
const char *sb_results__param(const struct sb_results *r, const char *key);

/* Returns the existing series of that name, or a new one; NULL on error. */
struct sb_series *sb_results__series(struct sb_results *r, const char *name,
				     const char *unit,
				     enum sb_series_kind kind);
struct sb_series *sb_results__find_series(const struct sb_results *r,
					  const char *name);
int sb_series__add(struct sb_series *s, const struct sb_sample *sample);
int sb_series__add_value(struct sb_series *s, uint64_t value);
int sb_series__add_bucket(struct sb_series *s, uint64_t lo, uint64_t hi,
			  uint64_t count);

int sb_results__set_counter(struct sb_results *r, const char *name,
			    uint64_t value);
int sb_results__set_counter_unsupported(struct sb_results *r,
					const char *name);
const struct sb_counter *sb_results__counter(const struct sb_results *r,
					     const char *name);

/*
 * Fills meta keys every writer must set and that do not depend on the
 * workload: tool_version, run_id, date, kernel_release, machine, cpu.
 */
int sb_results__set_host_meta(struct sb_results *r);

/* Writes to a temporary file next to @path, then renames it over @path. */
int sb_results__write(const struct sb_results *r, const char *path);

/*
 * Reads and validates @path. On failure returns -errno (-EINVAL for a
 * malformed file) and puts a message naming the file, the line and the
 * field into @err.
 */
int sb_results__read(const char *path, struct sb_results **out, char *err,
		     size_t errlen);

/* Additions after v1 of this header. */

/*
 * A valid name of a series, meta, param or counter: 1..SB_NAME_MAX
 * printable ASCII bytes, no blank, quote, backslash or comma (names go
 * unquoted into records, CSV, JSON and gnuplot titles).
 */
bool sb_name__valid(const char *s, size_t len);

/* The largest value a series of @unit may hold ("ns" or "1"). */
uint64_t sb_unit__max_value(const char *unit);

/* Writes the file format to an open stream (e.g. stdout); 0 or -errno. */
int sb_results__write_stream(const struct sb_results *r, FILE *f);

/*
 * Parses an in-memory file (@buf need not be NUL-terminated); @name is used
 * in messages. Same contract as sb_results__read().
 */
int sb_results__parse(const char *buf, size_t len, const char *name,
		      struct sb_results **out, char *err, size_t errlen);

#endif /* SMMUBENCH_RESULTS_H */
