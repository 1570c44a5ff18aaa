// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's printed tables: the catalogue as resolved, the lock methods
 * and probes, every cmdlist call (-e), and the summary at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "smmubench/report.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"
#include "trace_helpers.h"
#include "tracer.h"
/* after tracer.h: the skeleton names smmutrace.h's types */
#include "smmutrace.skel.h"

static void fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.1fs", ns / 1e9);
}

void print_resolution(const struct tracer *t, FILE *out)
{
	const struct func *f;
	int i;

	fprintf(out, "%-34s %-11s %s\n", "FUNCTION", "METHOD", "RESOLVED");
	for (i = 0; i < t->nr_funcs; i++) {
		f = &t->funcs[i];
		if (f->state == RES_ATTACHED) {
			fprintf(out, "%-34s %-11s %s 0x%llx", f->def->name,
				method_name(f), f->sym, (unsigned long long)f->addr);
			if (f->copies > 1)
				fprintf(out, " (v3 copy of %d)", f->copies);
			if (f->note[0])
				fprintf(out, " [%s]", f->note);
			fputc('\n', out);
		} else {
			fprintf(out, "%-34s %-11s %s\n", f->def->name, "-",
				f->note[0] ? f->note : "not traced");
		}
	}
}

static void print_ops(FILE *out, const __u64 *ops)
{
	const char *sep = "";
	int i;

	for (i = 0; i < 256; i++) {
		if (!ops[i])
			continue;
		if (op_name(i))
			fprintf(out, "%s%s=%llu", sep, op_name(i),
				(unsigned long long)ops[i]);
		else
			fprintf(out, "%sOP_0x%02x=%llu", sep, i,
				(unsigned long long)ops[i]);
		sep = " ";
	}
}

/* Commands by the outermost traced function they were issued in. */
static void print_by_outer(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	int s;

	printf("\n%-34s %6s  %s\n", "ISSUED INSIDE", "CALLS", "COMMANDS");
	for (s = 0; s < SMMUTRACE_MAX_SLOTS; s++) {
		if (!b->outer_calls[s])
			continue;
		printf("%-34s %6llu  ", slot_func(t, s),
		       (unsigned long long)b->outer_calls[s]);
		print_ops(stdout, b->outer_ops[s]);
		putchar('\n');
	}
}

void print_events(const struct tracer *t)
{
	const struct smmutrace_event *e;
	uint64_t t0;
	char d[16];
	size_t i;
	__u32 k;

	if (!t->cmdq_raw.nr)
		return;
	t0 = t->cmdq_raw.ev[0].start_ns;
	printf("\n%-12s %7s %9s %-4s %-30s %5s %s\n", "TIME(us)", "TID", "DUR",
	       "SYNC", "INSIDE", "CALL", "COMMANDS");
	for (i = 0; i < t->cmdq_raw.nr; i++) {
		e = &t->cmdq_raw.ev[i];
		fmt_ns(d, sizeof(d), e->dur_ns);
		printf("%-12.1f %7u %9s %-4s %-30s %5u", (e->start_ns - t0) / 1e3,
		       e->tid, d, e->sync ? "yes" : "no", slot_func(t, e->outer),
		       e->outer_seq);
		for (k = 0; k < e->ncmds && k < SMMUTRACE_MAX_CMDS; k++) {
			if (op_name(e->ops[k]))
				printf(" %s", op_name(e->ops[k]));
			else
				printf(" OP_0x%02x", e->ops[k]);
		}
		if (e->ncmds > SMMUTRACE_MAX_CMDS)
			printf(" ...(%u)", e->ncmds);
		if (e->sync)
			printf(" +CMD_SYNC");
		putchar('\n');
	}
}

/* Lock holds by the innermost traced function the lock was taken in. */
static void print_takers(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	char tot[16], syn[16];
	bool head = false;
	int i, s;

	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		for (s = 0; s < SMMUTRACE_MAX_SLOTS; s++) {
			const struct smmutrace_taker_stat *ts = &b->taker_stats[i][s];

			if (!lock_names[i] || !ts->holds)
				continue;
			if (!head) {
				printf("\n%-20s %-34s %8s %9s %7s %9s\n", "LOCK",
				       "TAKEN INSIDE (innermost traced)", "HOLDS",
				       "HOLD", "SYNCS", "SYNCTIME");
				head = true;
			}
			fmt_ns(tot, sizeof(tot), ts->hold_ns);
			fmt_ns(syn, sizeof(syn), ts->sync_ns);
			printf("%-20s %-34s %8llu %9s %7llu %9s\n", lock_names[i],
			       slot_func(t, s), (unsigned long long)ts->holds, tot,
			       (unsigned long long)ts->sync_calls, syn);
		}
	}
}

void print_lock_methods(const struct tracer *t)
{
	int i;

	printf("\n%-20s %s\n", "LOCK", "METHOD");
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		if (lock_names[i])
			printf("%-20s %s\n", lock_names[i], t->lock_method[i]);
	}
}

void print_lock_probes(const struct tracer *t)
{
	const struct lock_site *st;
	char desc[1024];
	int k, i;

	for (k = 0; k < NR_LK; k++) {
		if (!t->lk[k].hooked)
			continue;
		lock_probe_desc(t, k, desc, sizeof(desc));
		printf("%-20s %s\n", k == LK_MUTEX ? "(mutex probes)" :
		       "(spinlock probes)", desc);
		for (i = 0; t->o->verbose && t->lk[k].sites && i < t->lk[k].nr_sites; i++) {
			st = &t->lk[k].site[i];
			printf("%-20s %s 0x%llx %s+0x%llx\n", "", st->unlock ?
			       "unlock" : "lock", (unsigned long long)st->addr,
			       t->scan[st->fn].name,
			       (unsigned long long)(st->addr - t->scan[st->fn].addr));
		}
	}
}

static void print_lock_stat(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	int i;

	printf("\nLOCK_STAT CROSS-CHECK (/proc/lock_stat cleared when tracing began, read when it ended; holdtime in us)\n");
	printf("%-20s %-28s %8s %8s %12s %12s %10s %9s %8s %6s\n", "LOCK",
	       "LOCK_STAT CLASS", "ACQ(LS)", "HOLDS", "HOLD(LS)us", "HOLDus",
	       "DIFFus", "DIFF/HOLD", "CONT(LS)", "CONT");
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		const struct smmutrace_lock_stat *ls = &b->lock_stats[i];
		double us = ls->hold_ns / 1e3, d;

		if (!lock_names[i] || !t->lock_traced[i])
			continue;
		if (!t->lockstat[i].found) {
			printf("%-20s %-28s %8s %8llu %12s %12.2f %10s %9s\n",
			       lock_names[i], lock_stat_names[i], "-",
			       (unsigned long long)ls->acquired, "-", us, "-", "-");
			continue;
		}
		d = t->lockstat[i].hold_us - us;
		printf("%-20s %-28s %8llu %8llu %12.2f %12.2f %10.2f %9.2f %8llu %6llu\n",
		       lock_names[i], lock_stat_names[i],
		       (unsigned long long)t->lockstat[i].acq,
		       (unsigned long long)ls->acquired, t->lockstat[i].hold_us,
		       us, d, ls->acquired ? d / ls->acquired : 0.0,
		       (unsigned long long)t->lockstat[i].contentions,
		       (unsigned long long)ls->contended);
	}
	printf("(lock_stat counts every acquisition of the class, the tracer the holds begun inside traced functions: they match when only the traced path takes the lock. lock_stat's hold begins in lockdep's __lock_acquire, before the lock is taken and before the return probe, and ends in lock_release, after the unlock probe: DIFF is >= 0 and is the probes' and lockdep's cost per hold. CONT: lock:contention_begin/end pairs, which lockdep kernels emit on every mutex acquisition (no fast path); lock_stat counts real contentions)\n");
}

static void print_any_locks(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	char tot[16], mx[16], w[16], where[160];
	struct any_row *rows;
	uint64_t holds;
	size_t nr, i;

	rows = any_rows(skel, &nr, &holds);
	if (!rows) {
		fprintf(stderr, "smmubench trace: --all-tasks: cannot read the lock map\n");
		return;
	}
	printf("\nALL TASKS (klockstat-style baseline): %llu mutex holds of %zu mutexes, %llu lost (map full)\n",
	       (unsigned long long)b->any_acquired, nr,
	       (unsigned long long)b->any_map_full);
	printf("%-18s %-40s %8s %9s %9s %9s\n", "MUTEX", "SYMBOL", "HOLDS", "HOLD",
	       "MAXHOLD", "WAIT");
	for (i = 0; i < nr && i < 10; i++) {
		const struct ksym *k = ksyms__map_addr(t->ks, rows[i].addr);

		/* a static mutex lies in a data symbol; heap ones in no symbol */
		if (k && k->type != 't' && k->type != 'T' &&
		    rows[i].addr - k->addr < 4096)
			snprintf(where, sizeof(where), "%s+0x%llx", k->name,
				 (unsigned long long)(rows[i].addr - k->addr));
		else
			snprintf(where, sizeof(where), "-");
		fmt_ns(tot, sizeof(tot), rows[i].st.hold_ns);
		fmt_ns(mx, sizeof(mx), rows[i].st.max_hold_ns);
		fmt_ns(w, sizeof(w), rows[i].st.wait_ns);
		printf("0x%-16llx %-40s %8llu %9s %9s %9s\n",
		       (unsigned long long)rows[i].addr, where,
		       (unsigned long long)rows[i].st.holds, tot, mx, w);
	}
	printf("(top 10 by total hold; HOLD and WAIT are totals; mutex_lock/mutex_unlock only, no stacks)\n");
	free(rows);
}

static void print_min_duration(const struct tracer *t,
			       const struct smmutrace *skel)
{
	const struct func *f;
	char min[16];
	int i;

	fmt_ns(min, sizeof(min), t->o->min_dur_ns);
	printf("(--min-duration %s: only calls at least that long are counted; shorter ones:", min);
	for (i = 0; i < t->nr_funcs; i++) {
		f = &t->funcs[i];
		if (f->state == RES_ATTACHED)
			printf(" %s %llu", f->def->name, (unsigned long long)
			       skel->bss->slot_stats[f->slot].below_min);
	}
	printf(")\n");
}

static void print_commands(const struct tracer *t,
			   const struct smmutrace *skel,
			   const struct sb_results *r)
{
	const struct smmutrace__bss *b = skel->bss;
	const struct sb_series *s = sb_results__find_series(r, "sync.cmdq");
	char tot[16], p50[32] = "-";
	struct sb_summary sum;
	uint64_t total = 0;
	int i;

	printf("\n%-16s %10s\n", "COMMAND", "COUNT");
	for (i = 0; i < 256; i++) {
		if (!b->op_counts[i])
			continue;
		total += b->op_counts[i];
		if (op_name(i))
			printf("%-16s %10llu\n", op_name(i),
			       (unsigned long long)b->op_counts[i]);
		else
			printf("OP_0x%02x          %10llu\n", i,
			       (unsigned long long)b->op_counts[i]);
	}
	printf("%-16s %10llu\n", "total", (unsigned long long)total);
	print_by_outer(t, skel);
	fmt_ns(tot, sizeof(tot), b->cmdq_sync_ns);
	if (s && !sb_series__summarize(s, &sum))
		sb_fmt_time(sum.p50, p50, sizeof(p50));
	printf("\ncmdlist calls %llu, with CMD_SYNC %llu (time %s, p50 %s)\n",
	       (unsigned long long)b->cmdq_calls_total,
	       (unsigned long long)b->cmdq_sync_calls, tot, p50);
}

static void print_lock_row(const struct tracer *t,
			   const struct smmutrace *skel, int i)
{
	const struct smmutrace_lock_stat *ls = &skel->bss->lock_stats[i];
	char tot[16], mx[16], wait[16], syn[16], cw[16], cont[24];
	/* the cmdq lock's bound has no wait and no contention */
	bool cmdq = i == SMMUTRACE_LOCK_CMDQ;

	fmt_ns(tot, sizeof(tot), ls->hold_ns);
	fmt_ns(mx, sizeof(mx), ls->max_hold_ns);
	fmt_ns(wait, sizeof(wait), ls->wait_ns);
	fmt_ns(syn, sizeof(syn), ls->sync_ns);
	fmt_ns(cw, sizeof(cw), ls->contended_ns);
	snprintf(cont, sizeof(cont), "%llu", (unsigned long long)ls->contended);
	printf("%-20s %8llu %9s %9s %9s %5s %9s %7llu %9s  %s\n",
	       lock_names[i], (unsigned long long)ls->acquired, tot, mx,
	       cmdq ? "-" : wait, cmdq ? "-" : cont,
	       t->contention && !cmdq ? cw : "-",
	       (unsigned long long)ls->sync_calls, syn, t->lock_method[i]);
}

static void print_locks(const struct tracer *t, const struct smmutrace *skel)
{
	int i;

	printf("\n%-20s %8s %9s %9s %9s %5s %9s %7s %9s  %s\n", "LOCK",
	       "HOLDS", "HOLD", "MAXHOLD", "WAIT", "CONT", "CONTWAIT",
	       "SYNCS", "SYNCTIME", "METHOD");
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		if (!lock_names[i])
			continue;
		if (t->lock_traced[i])
			print_lock_row(t, skel, i);
		else
			printf("%-20s %s\n", lock_names[i], t->lock_method[i]);
	}
	print_lock_probes(t);
	printf("(HOLD, WAIT, CONTWAIT, SYNCTIME are totals; WAIT is from the lock call to its return, CONTWAIT the slow path between lock:contention_begin/end%s)\n",
	       t->contention ? "" : ": not available here");
	print_takers(t, skel);
	if (t->lock_stat)
		print_lock_stat(t, skel);
	if (t->o->all_tasks)
		print_any_locks(t, skel);
}

static void print_losses(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	uint64_t start_fail = 0, no_entry = 0;
	int i;

	for (i = 0; i < SMMUTRACE_MAX_SLOTS; i++) {
		start_fail += b->slot_stats[i].start_fail;
		no_entry += b->slot_stats[i].no_entry;
	}
	printf("\nLosses: ring buffer %llu, user %llu, start map %llu, exits without entry %llu, cmdq state %llu, cmdq read %llu, truncated batches %llu, lock state %llu, lock returns missed %llu\n",
	       (unsigned long long)b->rb_drops, (unsigned long long)t->user_drops,
	       (unsigned long long)start_fail, (unsigned long long)no_entry,
	       (unsigned long long)b->cmdq_state_fail,
	       (unsigned long long)b->cmdq_read_fail,
	       (unsigned long long)b->cmdq_truncated,
	       (unsigned long long)b->lock_state_fail,
	       (unsigned long long)b->lock_try_stale);
}

/*
 * The function table and the sync p50 are read from @r, the results file
 * this trace writes, by the code of smmubench report: the same numbers.
 */
void print_summary(const struct tracer *t, const struct smmutrace *skel,
		   const struct sb_results *r)
{
	printf("\nTraced %.3f s\n\n", (t->t_end - t->t_start) / 1e9);
	sb_report__print_funcs(r, stdout);
	if (t->o->min_dur_ns)
		print_min_duration(t, skel);
	print_commands(t, skel, r);
	if (t->locks_attached || t->o->locks)
		print_locks(t, skel);
	print_losses(t, skel);
}
