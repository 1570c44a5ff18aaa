// SPDX-License-Identifier: GPL-2.0
/*
 * The join of a trace with a run (smmubench/join.h). Each sample of a
 * run's op.<name> series (SB_KIND_OP) carries its start (ktime, the clock
 * of bpf_ktime_get_ns), its latency and its thread index. The tracer's
 * records of the thread that ran the op and lie inside [start, start +
 * latency] belong to it. The thread index is mapped to a kernel thread id
 * with the run's meta thread_pids when it has them (the module's kthreads,
 * bind's threads); else by vote: the tid whose traced calls fall inside
 * the most ops of that thread index (a contended op's window may also hold
 * another thread's calls, but only its own thread's calls are inside every
 * one of them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/join.h"
#include "smmubench/report.h"

#define JOIN_MAX_THREADS 256

enum { P_CD_WRITE, P_CMD_SYNC, P_TLBI, P_SYNCS, NR_PARTS };

static const char *const parts[NR_PARTS] = {
	"cd_write", "cmd_sync", "tlbi", "syncs",
};

static bool rec_inside(const struct sb_join_rec *e, uint64_t lo, uint64_t hi)
{
	return e->start_ns >= lo && e->start_ns + e->dur_ns <= hi;
}

/* Thread indexes from meta thread_pids; how many it names. */
static size_t tids_from_meta(const struct sb_results *r, uint32_t *tid_of)
{
	const char *q = sb_results__meta(r, "thread_pids");
	size_t n = 0;

	while (q && *q && n < JOIN_MAX_THREADS) {
		tid_of[n++] = strtoul(q, (char **)&q, 10);
		if (*q == ',')
			q++;
		else
			break;
	}
	return n;
}

/* The thread ids of the traced functions' calls inside one op, up to 16. */
static size_t tids_inside(const struct sb_sample *sm,
			  const struct sb_join_rec *recs, size_t nr,
			  uint32_t *seen)
{
	uint64_t hi = sm->start_ns + sm->value;
	size_t k, c, nseen = 0;

	for (k = 0; k < nr; k++) {
		const struct sb_join_rec *e = &recs[k];

		if ((e->flags & SB_JOIN_CMDQ) || !rec_inside(e, sm->start_ns, hi))
			continue;
		for (c = 0; c < nseen && seen[c] != e->tid; c++)
			;
		if (c < nseen || nseen == 16)
			continue;
		seen[nseen++] = e->tid;
	}
	return nseen;
}

static void vote_tids(const struct sb_series *op,
		      const struct sb_join_rec *recs, size_t nr,
		      uint32_t *tid_of, size_t nthreads)
{
	struct { uint32_t tid; uint64_t votes; } cand[JOIN_MAX_THREADS][4] = {};
	size_t i, k, c, nseen;
	uint32_t seen[16];

	for (i = 0; i < op->nr_samples; i++) {
		const struct sb_sample *sm = &op->samples[i];

		if (sm->thread >= nthreads || sm->start_ns == SB_NONE)
			continue;
		nseen = tids_inside(sm, recs, nr, seen);
		for (c = 0; c < nseen; c++) {
			for (k = 0; k < 4; k++) {
				if (cand[sm->thread][k].tid == seen[c] ||
				    !cand[sm->thread][k].votes) {
					cand[sm->thread][k].tid = seen[c];
					cand[sm->thread][k].votes++;
					break;
				}
			}
		}
	}
	for (i = 0; i < nthreads; i++) {
		uint64_t best = 0;

		for (k = 0; k < 4; k++) {
			if (cand[i][k].votes > best) {
				best = cand[i][k].votes;
				tid_of[i] = cand[i][k].tid;
			}
		}
	}
}

/* The parts of one op; false if no record of its thread lies inside it. */
static bool op_parts(const struct sb_sample *sm, uint32_t tid,
		     const struct sb_join_rec *recs, size_t nr, uint64_t *v)
{
	uint64_t hi = sm->start_ns + sm->value;
	bool any = false;
	size_t k;

	memset(v, 0, NR_PARTS * sizeof(*v));
	for (k = 0; k < nr; k++) {
		const struct sb_join_rec *e = &recs[k];

		if (e->tid != tid || !rec_inside(e, sm->start_ns, hi))
			continue;
		any = true;
		if (e->flags & SB_JOIN_CD_WRITE)
			v[P_CD_WRITE] += e->dur_ns;
		if (!(e->flags & SB_JOIN_CMDQ))
			continue;
		if (e->flags & SB_JOIN_SYNC) {
			v[P_CMD_SYNC] += e->dur_ns;
			v[P_SYNCS]++;
		}
		if (e->flags & SB_JOIN_TLBI)
			v[P_TLBI] += e->dur_ns;
	}
	return any;
}

struct op_join {
	struct sb_series *out[NR_PARTS];
	uint64_t sum[NR_PARTS], matched, smin, smax;
};

/* Adds one matched op's parts to its trace.<op>.<part> series. */
static int add_parts(struct sb_results *r, const struct sb_series *op,
		     const struct sb_sample *sm, const uint64_t *v,
		     const struct sb_join_opts *o, struct op_join *j)
{
	char name[SB_NAME_MAX];
	int p, err = 0;

	for (p = 0; p < NR_PARTS && !err; p++) {
		struct sb_sample s = *sm;

		/* no CD-write function traced: no CD-write time */
		if (p == P_CD_WRITE && !o->cd_traced)
			continue;
		if (!j->out[p]) {	/* series only for ops with records */
			snprintf(name, sizeof(name), "trace.%s.%s", op->name + 3,
				 parts[p]);
			j->out[p] = sb_results__series(r, name,
				p == P_SYNCS ? "1" : "ns", p == P_SYNCS ?
				SB_KIND_COUNT : p == P_CMD_SYNC ? SB_KIND_SYNC :
				SB_KIND_FUNC);
			if (!j->out[p])
				return -ENOMEM;
		}
		s.value = v[p];
		j->sum[p] += v[p];
		err = sb_series__add(j->out[p], &s);
	}
	if (v[P_SYNCS] < j->smin)
		j->smin = v[P_SYNCS];
	if (v[P_SYNCS] > j->smax)
		j->smax = v[P_SYNCS];
	return err;
}

static void print_op(const struct sb_series *op, const struct op_join *j,
		     const struct sb_join_opts *o, FILE *out)
{
	char c[3][32];
	int p;

	for (p = 0; p < 3; p++)
		sb_fmt_time(j->matched ? (double)(j->sum[p] / j->matched) : 0,
			    c[p], sizeof(c[p]));
	if (!o->cd_traced)
		snprintf(c[0], sizeof(c[0]), "-");
	fprintf(out, "%-14s %6zu %8llu %10s %10s %10s %4llu..%llu\n", op->name,
		op->nr_samples, (unsigned long long)j->matched, c[0], c[1],
		c[2], (unsigned long long)(j->matched ? j->smin : 0),
		(unsigned long long)j->smax);
}

/* One op series: its ops' parts, its matched counter, its table row. */
static int join_op(struct sb_results *r, size_t i, uint32_t *tid_of,
		   size_t nthreads, const struct sb_join_rec *recs, size_t nr,
		   const struct sb_join_opts *o, FILE *out)
{
	const struct sb_series *op = &r->series[i];
	struct op_join j = { .smin = UINT64_MAX };
	char name[SB_NAME_MAX];
	uint64_t v[NR_PARTS];
	size_t nth = nthreads, k;
	int err = 0;

	if (!nthreads) {
		for (k = 0; k < op->nr_samples; k++) {
			if (op->samples[k].thread != SB_NONE &&
			    op->samples[k].thread + 1 > nth)
				nth = op->samples[k].thread + 1;
		}
		if (nth > JOIN_MAX_THREADS)
			nth = JOIN_MAX_THREADS;
		memset(tid_of, 0, JOIN_MAX_THREADS * sizeof(*tid_of));
		vote_tids(op, recs, nr, tid_of, nth);
	}
	for (k = 0; k < op->nr_samples && !err; k++) {
		const struct sb_sample *sm = &op->samples[k];

		if (sm->thread >= nth || sm->start_ns == SB_NONE ||
		    !op_parts(sm, tid_of[sm->thread], recs, nr, v))
			continue;
		j.matched++;
		err = add_parts(r, op, sm, v, o, &j);
	}
	if (err)
		return err;
	print_op(op, &j, o, out);
	snprintf(name, sizeof(name), "trace.%s.matched", op->name + 3);
	return sb_results__set_counter(r, name, j.matched);
}

int sb_join__ops(struct sb_results *r, const struct sb_join_rec *recs,
		 size_t nr, const struct sb_join_opts *o, FILE *out)
{
	uint32_t tid_of[JOIN_MAX_THREADS] = {};
	size_t nthreads, i, nops = r->nr_series;
	int err = 0;

	nthreads = tids_from_meta(r, tid_of);
	fprintf(out, "\nJOINED TO %s (thread ids from %s)\n", o->name,
		nthreads ? "meta thread_pids" : "the traced calls inside each op");
	fprintf(out, "%-14s %6s %8s %10s %10s %10s %8s\n", "OP", "OPS", "MATCHED",
		"CDWRITE", "CMD_SYNC", "TLBI", "SYNCS/OP");
	/* the series added here are not ops: only the first nops are read */
	for (i = 0; i < nops && !err; i++) {
		const struct sb_series *op = &r->series[i];

		if (op->kind != SB_KIND_OP || strncmp(op->name, "op.", 3) ||
		    !op->nr_samples)
			continue;
		err = join_op(r, i, tid_of, nthreads, recs, nr, o, out);
	}
	fprintf(out, "(CDWRITE, CMD_SYNC, TLBI: mean time per matched op of the CD-write function, of cmdlist calls ending in a CMD_SYNC, of cmdlist calls carrying a TLBI; SYNCS/OP: min..max)\n");
	/* The run's own latencies now include the probes' cost: say so. */
	err = err ?: sb_results__set_meta(r, "traced", "%s probes (smmubench trace): op latencies include their cost",
					  o->probe);
	if (!err && o->lost)
		fprintf(out, "warning: %llu records lost in the ring buffer: some ops are incomplete\n",
			(unsigned long long)o->lost);
	return err;
}
