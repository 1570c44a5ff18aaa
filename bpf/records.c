// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's records: events from the ring buffer kept per function and
 * lock, and the results file built from them and from the BPF side's
 * totals (what -o writes, what the printed summary is read from), and
 * their join with a run's ops (--join, analysis/join.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "smmubench/join.h"
#include "smmubench/results.h"
#include "cli/run_machine.h"
#include "tracer.h"
/* after tracer.h: the skeleton names smmutrace.h's types */
#include "smmutrace.skel.h"

static int vec_add(struct sample_vec *v, const struct smmutrace_event *e)
{
	struct smmutrace_event *n;

	if (v->nr == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;

		n = realloc(v->ev, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		v->ev = n;
		v->cap = cap;
	}
	v->ev[v->nr++] = *e;
	return 0;
}

int handle_event(void *ctx, void *data, size_t len)
{
	const struct smmutrace_event *e = data;
	struct tracer *t = ctx;
	struct sample_vec *v = NULL;
	int i;

	if (len < sizeof(*e))
		return 0;
	switch (e->kind) {
	case SMMUTRACE_EV_CMDQ:
		v = &t->cmdq_raw;
		break;
	case SMMUTRACE_EV_FUNC:
		for (i = 0; i < t->nr_funcs; i++) {
			if (t->funcs[i].state == RES_ATTACHED &&
			    t->funcs[i].slot == e->slot) {
				v = &t->funcs[i].raw;
				break;
			}
		}
		break;
	case SMMUTRACE_EV_LOCK:
		if (e->slot < SMMUTRACE_MAX_LOCKS)
			v = &t->lock_raw[e->slot];
		break;
	}
	if (!v || vec_add(v, e))
		t->user_drops++;
	return 0;
}

static void bucket_bounds(int idx, uint64_t *lo, uint64_t *hi)
{
	int l, sub;

	if (idx < (1 << SMMUTRACE_HIST_SUB_BITS)) {
		*lo = idx;
		*hi = idx + 1;
		return;
	}
	l = (idx >> SMMUTRACE_HIST_SUB_BITS) + SMMUTRACE_HIST_SUB_BITS - 1;
	sub = idx & ((1 << SMMUTRACE_HIST_SUB_BITS) - 1);
	*lo = (uint64_t)((1 << SMMUTRACE_HIST_SUB_BITS) + sub) <<
	      (l - SMMUTRACE_HIST_SUB_BITS);
	*hi = (uint64_t)((1 << SMMUTRACE_HIST_SUB_BITS) + sub + 1) <<
	      (l - SMMUTRACE_HIST_SUB_BITS);
}

static int add_hist_series(struct sb_series *s, const __u64 *row)
{
	uint64_t lo, hi;
	int i, err;

	for (i = 0; i < SMMUTRACE_HIST_BUCKETS; i++) {
		if (!row[i])
			continue;
		bucket_bounds(i, &lo, &hi);
		err = sb_series__add_bucket(s, lo, hi, row[i]);
		if (err)
			return err;
	}
	return 0;
}

static int add_raw_series(struct sb_series *s, const struct sample_vec *v)
{
	struct sb_sample smp;
	size_t i;
	int err;

	for (i = 0; i < v->nr; i++) {
		smp.value = v->ev[i].dur_ns;
		smp.op_id = SB_NONE;
		smp.start_ns = v->ev[i].start_ns;
		smp.thread = v->ev[i].tid;
		err = sb_series__add(s, &smp);
		if (err)
			return err;
	}
	return 0;
}

/* How each hooked lock kind was followed (docs/results-format.md). */
static int write_lock_probes(const struct tracer *t, struct sb_results *r)
{
	char name[SB_NAME_MAX], desc[1024];
	const struct lock_kind *lk;
	int k, err = 0;

	for (k = 0; k < NR_LK && !err; k++) {
		lk = &t->lk[k];
		if (!lk->hooked)
			continue;
		lock_probe_desc(t, k, desc, sizeof(desc));
		snprintf(name, sizeof(name), "lockprobe.%s", lk->name);
		err = sb_results__set_meta(r, name, "%s", desc);
		snprintf(name, sizeof(name), "lockprobe.%s.sites", lk->name);
		err = err ?: sb_results__set_counter(r, name,
						     lk->sites ? lk->nr_lock : 0);
		snprintf(name, sizeof(name), "lockprobe.%s.unlock_sites", lk->name);
		err = err ?: sb_results__set_counter(r, name,
						     lk->sites ? lk->nr_unlock : 0);
	}
	return err ?: sb_results__set_counter(r, "lockprobe.scanned", t->nr_scan);
}

/* Who traced what, how and for how long. */
static int results_meta(const struct tracer *t, struct sb_results *r)
{
	char cmd[SB_VALUE_MAX] = "";
	const struct trace_opts *o = t->o;
	size_t len = 0;
	int i, err;

	err = sb_results__set_host_meta(r);
	err = err ?: sb_results__set_meta(r, "tool", "smmubench trace");
	err = err ?: sb_machine_testbed_meta(r);
	err = err ?: sb_results__set_meta(r, "probe", "%s",
					  use_fentry(t) ? "fentry" : "kprobe");
	for (i = 0; o->command && o->command[i] && !err; i++)
		len += snprintf(cmd + len, len < sizeof(cmd) ? sizeof(cmd) - len : 0,
				"%s%s", i ? " " : "", o->command[i]);
	err = err ?: sb_results__set_param(r, "duration_s", "%ld", o->duration);
	if (cmd[0])
		err = err ?: sb_results__set_param(r, "command", "%s", cmd);
	if (o->pid)
		err = err ?: sb_results__set_param(r, "pid", "%d", o->pid);
	if (o->min_dur_ns)
		err = err ?: sb_results__set_param(r, "min_duration_ns", "%llu",
						   (unsigned long long)o->min_dur_ns);
	if (o->lock_mask || o->all_tasks)
		err = err ?: sb_results__set_param(r, "locks", "%s",
						   o->all_tasks ? "all-tasks" : "--lock");
	/* measured, not asked for: a counter (docs/results-format.md) */
	return err ?: sb_results__set_counter(r, "traced_ns", t->t_end - t->t_start);
}

/*
 * One latency series per traced function: its raw samples when every call
 * was kept, else its in-kernel histogram.
 */
static int results_funcs(const struct tracer *t, const struct smmutrace *skel,
			 struct sb_results *r)
{
	const struct smmutrace__bss *b = skel->bss;
	const struct sample_vec *raw;
	char name[SB_NAME_MAX];
	const struct func *f;
	struct sb_series *s;
	int i, err = 0;

	for (i = 0; i < t->nr_funcs && !err; i++) {
		f = &t->funcs[i];
		snprintf(name, sizeof(name), "method.%s", f->def->name);
		if (f->state != RES_ATTACHED) {
			err = sb_results__set_meta(r, name, "%s", f->note);
			continue;
		}
		err = sb_results__set_meta(r, name, "%s %s 0x%llx", method_name(f),
					   f->sym, (unsigned long long)f->addr);
		snprintf(name, sizeof(name), "func.%s", f->def->name);
		s = err ? NULL : sb_results__series(r, name, "ns", SB_KIND_FUNC);
		if (!s)
			return err ?: -ENOMEM;
		raw = f->slot == SMMUTRACE_SLOT_CMDQ ? &t->cmdq_raw : &f->raw;
		if (t->o->raw == 1 && raw->nr == b->slot_stats[f->slot].count)
			err = add_raw_series(s, raw);
		else
			err = add_hist_series(s, b->hist[f->slot]);
		snprintf(name, sizeof(name), "count.func.%s", f->def->name);
		err = err ?: sb_results__set_counter(r, name,
						     b->slot_stats[f->slot].count);
		if (t->o->min_dur_ns) {
			snprintf(name, sizeof(name), "below_min.func.%s", f->def->name);
			err = err ?: sb_results__set_counter(r, name,
					b->slot_stats[f->slot].below_min);
		}
	}
	return err;
}

static void op_counter_name(char *name, size_t len, const char *prefix,
			    int op)
{
	if (op_name(op))
		snprintf(name, len, "%s%s", prefix, op_name(op));
	else
		snprintf(name, len, "%sOP_0x%02x", prefix, op);
}

/* Commands: per opcode, per outermost traced function, per call. */
static int results_cmds(const struct tracer *t, const struct smmutrace *skel,
			struct sb_results *r)
{
	const struct smmutrace__bss *b = skel->bss;
	char name[SB_NAME_MAX], prefix[SB_NAME_MAX];
	struct sb_sample smp = { .op_id = SB_NONE };
	const struct sample_vec *cq = &t->cmdq_raw;
	uint64_t total = 0;
	struct sb_series *s;
	int i, op, err;
	size_t k;

	s = sb_results__series(r, "sync.cmdq", "ns", SB_KIND_SYNC);
	err = s ? add_hist_series(s, b->hist[SMMUTRACE_HIST_SYNC]) : -ENOMEM;
	/* Commands per cmdlist call, CMD_SYNC included, when every call is kept. */
	if (!err && t->o->raw == 1 && cq->nr == b->cmdq_calls_total && cq->nr) {
		s = sb_results__series(r, "count.cmdq.cmds_per_call", "1",
				       SB_KIND_COUNT);
		for (k = 0; s && !err && k < cq->nr; k++) {
			smp.value = cq->ev[k].ncmds + cq->ev[k].sync;
			smp.start_ns = cq->ev[k].start_ns;
			smp.thread = cq->ev[k].tid;
			err = sb_series__add(s, &smp);
		}
		if (!s)
			err = -ENOMEM;
	}
	for (i = 0; i < 256 && !err; i++) {
		if (!b->op_counts[i])
			continue;
		total += b->op_counts[i];
		op_counter_name(name, sizeof(name), "cmd.", i);
		err = sb_results__set_counter(r, name, b->op_counts[i]);
	}
	err = err ?: sb_results__set_counter(r, "cmd.total", total);
	for (i = 0; i < SMMUTRACE_MAX_SLOTS && !err; i++) {
		if (!b->outer_calls[i])
			continue;
		snprintf(name, sizeof(name), "inside.%s.calls", slot_func(t, i));
		err = sb_results__set_counter(r, name, b->outer_calls[i]);
		snprintf(prefix, sizeof(prefix), "inside.%s.", slot_func(t, i));
		for (op = 0; op < 256 && !err; op++) {
			if (!b->outer_ops[i][op])
				continue;
			op_counter_name(name, sizeof(name), prefix, op);
			err = sb_results__set_counter(r, name, b->outer_ops[i][op]);
		}
	}
	err = err ?: sb_results__set_counter(r, "cmdq.calls", b->cmdq_calls_total);
	err = err ?: sb_results__set_counter(r, "cmdq.sync_calls", b->cmdq_sync_calls);
	return err ?: sb_results__set_counter(r, "cmdq.sync_ns", b->cmdq_sync_ns);
}

/* lock.<name>.<what>: a counter, or unsupported when !@known. */
static int lock_counter(struct sb_results *r, int i, const char *what,
			bool known, uint64_t v)
{
	char name[SB_NAME_MAX];

	snprintf(name, sizeof(name), "lock.%s.%s", lock_names[i], what);
	return known ? sb_results__set_counter(r, name, v) :
		       sb_results__set_counter_unsupported(r, name);
}

/* One traced lock: its totals, its takers, lock_stat's view, its holds. */
static int results_lock(const struct tracer *t, const struct smmutrace *skel,
			struct sb_results *r, int i)
{
	const struct smmutrace_lock_stat *ls = &skel->bss->lock_stats[i];
	/* the cmdq lock's bound has no wait and no contention events */
	bool cmdq = i == SMMUTRACE_LOCK_CMDQ, cont = t->contention && !cmdq;
	char name[SB_NAME_MAX];
	struct sb_series *s;
	int k, err;

	err = lock_counter(r, i, "holds", true, ls->acquired);
	err = err ?: lock_counter(r, i, "hold_ns", true, ls->hold_ns);
	if (t->lock_stat && t->lockstat[i].found) {
		snprintf(name, sizeof(name), "lockstat.%s.acquisitions",
			 lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, t->lockstat[i].acq);
		snprintf(name, sizeof(name), "lockstat.%s.hold_ns", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name,
				(uint64_t)(t->lockstat[i].hold_us * 1e3 + 0.5));
	}
	for (k = 0; k < SMMUTRACE_MAX_SLOTS && !err; k++) {
		const struct smmutrace_taker_stat *ts = &skel->bss->taker_stats[i][k];

		if (!ts->holds)
			continue;
		snprintf(name, sizeof(name), "lock.%s.in.%s.holds",
			 lock_names[i], slot_func(t, k));
		err = sb_results__set_counter(r, name, ts->holds);
		snprintf(name, sizeof(name), "lock.%s.in.%s.sync_calls",
			 lock_names[i], slot_func(t, k));
		err = err ?: sb_results__set_counter(r, name, ts->sync_calls);
	}
	err = err ?: lock_counter(r, i, "sync_ns", true, ls->sync_ns);
	err = err ?: lock_counter(r, i, "sync_calls", true, ls->sync_calls);
	err = err ?: lock_counter(r, i, "wait_ns", !cmdq, ls->wait_ns);
	err = err ?: lock_counter(r, i, "contended", cont, ls->contended);
	err = err ?: lock_counter(r, i, "contended_ns", cont, ls->contended_ns);
	if (err)
		return err;
	snprintf(name, sizeof(name), "lock.%s.hold", lock_names[i]);
	s = sb_results__series(r, name, "ns", SB_KIND_LOCK_HOLD);
	if (!s)
		return -ENOMEM;
	if (t->o->raw == 1 && t->lock_raw[i].nr == ls->acquired)
		return add_raw_series(s, &t->lock_raw[i]);
	return add_hist_series(s, skel->bss->hist[SMMUTRACE_HIST_LOCK + i]);
}

static int results_locks(const struct tracer *t, const struct smmutrace *skel,
			 struct sb_results *r)
{
	char name[SB_NAME_MAX];
	int i, err = 0;

	for (i = 0; i < SMMUTRACE_MAX_LOCKS && !err && t->o->locks; i++) {
		if (!lock_names[i])
			continue;
		snprintf(name, sizeof(name), "lock.%s.method", lock_names[i]);
		err = sb_results__set_meta(r, name, "%s", t->lock_method[i]);
		if (!t->lock_traced[i])
			err = err ?: lock_counter(r, i, "holds", false, 0);
		else
			err = err ?: results_lock(t, skel, r, i);
	}
	return err;
}

/* What was lost, and how the locks were followed. */
static int results_drops(const struct tracer *t, const struct smmutrace *skel,
			 struct sb_results *r)
{
	const struct smmutrace__bss *b = skel->bss;
	uint64_t sf = 0, ne = 0, holds;
	struct any_row *rows;
	size_t nr;
	int i, err;

	err = sb_results__set_counter(r, "drops.ringbuf", b->rb_drops);
	err = err ?: sb_results__set_counter(r, "drops.user", t->user_drops);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_state", b->cmdq_state_fail);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_read", b->cmdq_read_fail);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_truncated", b->cmdq_truncated);
	err = err ?: sb_results__set_counter(r, "drops.lock_state", b->lock_state_fail);
	err = err ?: sb_results__set_counter(r, "drops.path", b->path_fail);
	err = err ?: sb_results__set_counter(r, "drops.lock_try_stale", b->lock_try_stale);
	err = err ?: write_lock_probes(t, r);
	if (!err && t->o->all_tasks) {
		rows = any_rows(skel, &nr, &holds);
		if (!rows)
			return -ENOMEM;
		free(rows);
		err = sb_results__set_counter(r, "alltasks.holds", b->any_acquired);
		err = err ?: sb_results__set_counter(r, "alltasks.mutexes", nr);
		err = err ?: sb_results__set_counter(r, "drops.alltasks_map", b->any_map_full);
	}
	for (i = 0; i < SMMUTRACE_MAX_SLOTS; i++) {
		sf += b->slot_stats[i].start_fail;
		ne += b->slot_stats[i].no_entry;
	}
	err = err ?: sb_results__set_counter(r, "drops.start_map", sf);
	return err ?: sb_results__set_counter(r, "drops.no_entry", ne);
}

int trace_results(const struct tracer *t, const struct smmutrace *skel,
		  struct sb_results **out)
{
	struct sb_results *r = sb_results__new();
	int err;

	if (!r)
		return -ENOMEM;
	err = results_meta(t, r);
	err = err ?: results_funcs(t, skel, r);
	err = err ?: results_cmds(t, skel, r);
	err = err ?: results_locks(t, skel, r);
	err = err ?: results_drops(t, skel, r);
	if (err) {
		sb_results__free(r);
		return err;
	}
	*out = r;
	return 0;
}

static int cmp_any_hold(const void *a, const void *b)
{
	const struct any_row *x = a, *y = b;

	return x->st.hold_ns < y->st.hold_ns ? 1 : x->st.hold_ns > y->st.hold_ns ? -1 : 0;
}

/* Every mutex seen, by total hold, largest first; NULL on error. */
struct any_row *any_rows(const struct smmutrace *skel, size_t *nr,
				uint64_t *holds)
{
	int fd = bpf_map__fd(skel->maps.any_locks);
	struct any_row *rows = NULL, *n;
	size_t cap = 0;
	uint64_t key, *prev = NULL;

	*nr = 0;
	*holds = 0;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		if (*nr == cap) {
			cap = cap ? cap * 2 : 256;
			n = realloc(rows, cap * sizeof(*rows));
			if (!n) {
				free(rows);
				return NULL;
			}
			rows = n;
		}
		rows[*nr].addr = key;
		if (!bpf_map_lookup_elem(fd, &key, &rows[*nr].st)) {
			*holds += rows[*nr].st.holds;
			(*nr)++;
		}
		prev = &key;
	}
	if (rows)
		qsort(rows, *nr, sizeof(*rows), cmp_any_hold);
	return rows ? rows : calloc(1, sizeof(*rows));
}

static bool is_cd_write(const struct tracer *t, int slot)
{
	const char *n = slot_func(t, slot);

	return !strcmp(n, "arm_smmu_write_ctx_desc") ||
	       !strcmp(n, "arm_smmu_write_cd_entry");
}

static bool cmdq_has_tlbi(const struct smmutrace_event *e)
{
	__u32 k;

	for (k = 0; k < e->ncmds && k < SMMUTRACE_MAX_CMDS; k++) {
		if (e->ops[k] >= 0x10 && e->ops[k] < 0x30)
			return true;
	}
	return false;
}

/* The kept calls in the join's terms: the functions', then the cmdq's. */
static struct sb_join_rec *join_recs(const struct tracer *t, size_t *nr)
{
	struct sb_join_rec *recs;
	const struct sample_vec *v;
	size_t n = t->cmdq_raw.nr, k;
	int i;

	for (i = 0; i < t->nr_funcs; i++)
		if (t->funcs[i].state == RES_ATTACHED)
			n += t->funcs[i].raw.nr;
	recs = calloc(n + 1, sizeof(*recs));
	if (!recs)
		return NULL;
	*nr = 0;
	for (i = 0; i < t->nr_funcs; i++) {
		v = &t->funcs[i].raw;
		for (k = 0; t->funcs[i].state == RES_ATTACHED && k < v->nr; k++)
			recs[(*nr)++] = (struct sb_join_rec){
				.start_ns = v->ev[k].start_ns,
				.dur_ns = v->ev[k].dur_ns, .tid = v->ev[k].tid,
				.flags = is_cd_write(t, v->ev[k].slot) ?
					 SB_JOIN_CD_WRITE : 0 };
	}
	v = &t->cmdq_raw;
	for (k = 0; k < v->nr; k++)
		recs[(*nr)++] = (struct sb_join_rec){
			.start_ns = v->ev[k].start_ns, .dur_ns = v->ev[k].dur_ns,
			.tid = v->ev[k].tid, .flags = SB_JOIN_CMDQ |
			(v->ev[k].sync ? SB_JOIN_SYNC : 0) |
			(cmdq_has_tlbi(&v->ev[k]) ? SB_JOIN_TLBI : 0) };
	return recs;
}

int join_results(const struct tracer *t, const struct smmutrace *skel)
{
	struct sb_join_opts o = {
		.name = t->o->join, .probe = use_fentry(t) ? "fentry" : "kprobe",
		.lost = skel->bss->rb_drops,
	};
	struct sb_results *r = NULL;
	struct sb_join_rec *recs;
	char msg[256];
	size_t nr;
	int i, err;

	if (sb_results__read(t->o->join, &r, msg, sizeof(msg))) {
		fprintf(stderr, "smmubench trace: --join %s: %s\n", t->o->join, msg);
		return -EINVAL;
	}
	for (i = 0; i < t->nr_funcs; i++)
		o.cd_traced |= t->funcs[i].state == RES_ATTACHED &&
			       is_cd_write(t, t->funcs[i].slot);
	recs = join_recs(t, &nr);
	err = recs ? sb_join__ops(r, recs, nr, &o, stdout) : -ENOMEM;
	err = err ?: sb_results__write(r, t->o->join);
	if (err)
		fprintf(stderr, "smmubench trace: --join %s: %s\n", t->o->join,
			strerror(-err));
	free(recs);
	sb_results__free(r);
	return err;
}
