/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The join of a trace with a run: each traced call that ran inside an op of
 * the run (same thread, inside its [start, start + latency]) is added to
 * that op, as per-op series of the run's results file (docs/tracer.md,
 * "--join"). The tracer hands its records over in this neutral form.
 */
#ifndef SMMUBENCH_JOIN_H
#define SMMUBENCH_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "smmubench/results.h"

/* What a record is; a record without SB_JOIN_CMDQ is a traced function's. */
#define SB_JOIN_CMDQ		(1U << 0)	/* an arm_smmu_cmdq_issue_cmdlist call */
#define SB_JOIN_CD_WRITE	(1U << 1)	/* a call of the CD-write function */
#define SB_JOIN_SYNC		(1U << 2)	/* cmdlist: ended in a CMD_SYNC */
#define SB_JOIN_TLBI		(1U << 3)	/* cmdlist: carried a TLBI */

/* One traced call: ktime start (bpf_ktime_get_ns), duration, thread id. */
struct sb_join_rec {
	uint64_t start_ns;
	uint64_t dur_ns;
	uint32_t tid;
	uint32_t flags;
};

struct sb_join_opts {
	const char *name;	/* the run's results file, in the table's title */
	const char *probe;	/* "fentry" or "kprobe": meta traced says so */
	bool cd_traced;		/* a CD-write function was traced */
	uint64_t lost;		/* records the trace lost: a warning */
};

/*
 * Adds trace.<op>.cd_write, .cmd_sync, .tlbi, .syncs series and
 * trace.<op>.matched counters to @r for every op series of @r, and prints
 * the per-op table on @out. Thread indexes map to thread ids by the meta
 * thread_pids of @r, else by vote. 0 or -errno (-ENOMEM).
 */
int sb_join__ops(struct sb_results *r, const struct sb_join_rec *recs,
		 size_t nr, const struct sb_join_opts *o, FILE *out);

#endif /* SMMUBENCH_JOIN_H */
