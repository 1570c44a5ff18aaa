// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's locks as the tracer follows them: static locks by their
 * kallsyms data symbols, per-object locks by learning rules derived from
 * the BTF prototypes of traced functions (or given with --lock-at), the
 * command queue's lock as a bound, and /proc/lock_stat as an oracle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace_helpers.h"
#include "tracer.h"

/* Static locks: kallsyms data symbols (CONFIG_KALLSYMS_ALL). */
static const struct {
	int idx;
	const char *sym;
} static_locks[] = {
	{ SMMUTRACE_LOCK_ASID, "arm_smmu_asid_lock" },
	{ SMMUTRACE_LOCK_SVA, "sva_lock" },
	{ SMMUTRACE_LOCK_IOMMU_SVA, "iommu_sva_lock" },
};

/* The struct a parameter points to: "" if it is no struct pointer. */
static const char *param_struct(const struct btf *btf, __u32 type_id, int *sid)
{
	const struct btf_type *tp = btf__type_by_id(btf, type_id);

	if (!tp || !btf_is_ptr(tp))
		return "";
	type_id = btf__resolve_type(btf, tp->type);
	tp = btf__type_by_id(btf, type_id);
	if (!tp || !btf_is_struct(tp))
		return "";
	*sid = type_id;
	return btf__name_by_offset(btf, tp->name_off);
}

static void add_learn(struct tracer *t, const struct func *f, int arg,
		      int kind, int idx, long off)
{
	struct smmutrace_learn *l = t->learn[f->slot];
	char *in = t->lock_learned_in[idx];
	size_t len = strlen(in);
	int k;

	for (k = 0; k < SMMUTRACE_LEARN_PER_SLOT; k++) {
		if (l[k].kind != SMMUTRACE_LEARN_NONE)
			continue;
		l[k].kind = kind;
		l[k].arg = arg;
		l[k].idx = idx;
		l[k].off = off;
		if (!strstr(in, f->def->name))
			snprintf(in + len, sizeof(t->lock_learned_in[idx]) - len,
				 "%s%s", len ? "," : "", f->def->name);
		return;
	}
}

/*
 * Lock addresses from the arguments of a traced function, by the types of
 * its BTF prototype: a v3 arm_smmu_domain (or the iommu_domain inside it,
 * in a v3 driver function) gives init_mutex and devices_lock; a struct
 * device or iommu_group passed to the iommu core gives the group mutex.
 * Clones are skipped (their arguments may be rewritten by the compiler).
 */
void learn_rules(struct tracer *t, const struct func *f)
{
	const struct btf_type *tp;
	const struct btf_param *prm;
	bool core = !strcmp(f->def->area, "core");
	const char *sn;
	int id, i, sid = 0;

	if (!name_is_exact(f->sym, f->def->name) || f->slot == SMMUTRACE_SLOT_CMDQ)
		return;
	id = btf__find_by_name_kind(t->btf, f->def->name, BTF_KIND_FUNC);
	if (id < 0)
		return;
	tp = btf__type_by_id(t->btf, btf__type_by_id(t->btf, id)->type);
	if (!tp || !btf_is_func_proto(tp))
		return;
	prm = btf_params(tp);
	for (i = 0; i < btf_vlen(tp) && i < 5; i++, prm++) {
		sid = 0;
		sn = param_struct(t->btf, prm->type, &sid);
		if (core && (!strcmp(sn, "device"))) {
			add_learn(t, f, i, SMMUTRACE_LEARN_DEV_GROUP,
				  SMMUTRACE_LOCK_GROUP, 0);
		} else if (core && !strcmp(sn, "iommu_group")) {
			add_learn(t, f, i, SMMUTRACE_LEARN_GROUP,
				  SMMUTRACE_LOCK_GROUP, 0);
		} else if (!core && t->v3_dom_id &&
			   (sid == t->v3_dom_id || !strcmp(sn, "iommu_domain"))) {
			long base = sid == t->v3_dom_id ? 0 : t->dom_off;

			if (t->init_off >= 0)
				add_learn(t, f, i, SMMUTRACE_LEARN_OFFSET,
					  SMMUTRACE_LOCK_INIT_MUTEX, t->init_off - base);
			if (t->spin_hooks)
				add_learn(t, f, i, SMMUTRACE_LEARN_OFFSET,
					  SMMUTRACE_LOCK_DEVICES, t->devl_off - base);
		}
	}
}

/* No KALLSYMS_ALL: learn the asid lock in finalise_s1 if it is traced. */
static void learn_asid_lock(struct tracer *t)
{
	const struct ksym *s = NULL;

	if (t->learn_slot >= 0)
		s = ksyms__get_symbol(t->ks, "_etext");
	if (!s) {
		snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
			 "not traced: not in kallsyms (no CONFIG_KALLSYMS_ALL)%s",
			 t->learn_slot < 0 ? "; trace arm_smmu_domain_finalise_s1 to learn it" : "");
		return;
	}
	/* The image's data follows its text; 64 MiB bounds the image. */
	t->kdata_lo = s->addr;
	t->kdata_hi = s->addr + (64ULL << 20);
	t->lock_traced[0] = true;
	snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
		 "%s, address learned: the first mutex arm_smmu_domain_finalise_s1 takes (no KALLSYMS_ALL)",
		 t->lk[LK_MUTEX].via);
}

/* Data symbols named @name in the kernel image (a static name may repeat). */
static int data_syms(const struct ksyms *ks, const char *name, uint64_t *addr)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ks->nr; i++) {
		if (strcmp(ks->syms[i].name, name))
			continue;
		if (ks->syms[i].type == 't' || ks->syms[i].type == 'T')
			continue;
		*addr = ks->syms[i].addr;
		n++;
	}
	return n;
}

/*
 * The two locks no hook of a lock function can follow: streams_mutex is
 * off the measured paths, the command queue's lock is an inline atomic
 * whose shared side ends in a function (bounded, only with --lock).
 */
static void resolve_other_locks(struct tracer *t)
{
	const struct ksym *c[2];
	char *m = t->lock_method[SMMUTRACE_LOCK_CMDQ];
	size_t len = sizeof(t->lock_method[0]);
	bool fentry = use_fentry(t);

	snprintf(t->lock_method[SMMUTRACE_LOCK_STREAMS], len,
		 "not traced: a per-SMMU mutex taken at device probe and release (arm_smmu_insert_master/remove_master) and when reporting faults, not on the attach, map or PASID paths; its address (heap) is not known before the probe takes it");
	if (ksyms__find_all(t->ks, "arm_smmu_cmdq_shared_unlock", c, 2) != 1 ||
	    strcmp(c[0]->name, "arm_smmu_cmdq_shared_unlock") ||
	    (t->ftrace_funcs &&
	     !ftrace_funcs__has(t->ftrace_funcs, "arm_smmu_cmdq_shared_unlock"))) {
		snprintf(m, len, "not traced: an inline atomic (no lockdep, no tracepoint), and arm_smmu_cmdq_shared_unlock() is not an out-of-line, traceable function here");
		return;
	}
	if (!(t->o->lock_mask & (1U << SMMUTRACE_LOCK_CMDQ))) {
		snprintf(m, len, "not traced by default (one more probe per CMD_SYNC): --lock cmdq_lock gives a bound on its shared holds");
		return;
	}
	t->lock_traced[SMMUTRACE_LOCK_CMDQ] = true;
	snprintf(m, len,
		 "bounded estimate: an inline atomic; a shared hold (one per cmdlist call with CMD_SYNC, spanning the sync wait) lies inside %s entry .. arm_smmu_cmdq_shared_unlock() entry (%s), recorded as that upper bound; exclusive holds (queue full) are not seen",
		 t->issuer->name, fentry ? "fentry" : "kprobe");
}

void resolve_locks(struct tracer *t)
{
	uint64_t addr = 0;
	size_t k;
	int i, n;

	for (k = 0; k < sizeof(static_locks) / sizeof(static_locks[0]); k++) {
		i = static_locks[k].idx;
		n = data_syms(t->ks, static_locks[k].sym, &addr);
		if (n == 1 && addr) {
			t->lock_addr[i] = addr;
			t->lock_traced[i] = true;
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "%s, address 0x%llx from kallsyms",
				 t->lk[LK_MUTEX].via, (unsigned long long)addr);
		} else if (n > 1) {
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "not traced: %d data symbols named %s", n,
				 static_locks[k].sym);
		} else if (i == SMMUTRACE_LOCK_ASID) {
			learn_asid_lock(t);
		} else {
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "not traced: %s not in kallsyms (%s)", static_locks[k].sym,
				 i == SMMUTRACE_LOCK_SVA && t->kver >= KVER(6, 19) ?
				 "gone since 6.19" : "no CONFIG_KALLSYMS_ALL, or SVA off");
		}
	}
	resolve_other_locks(t);
	if (t->v3_dom_id && t->init_off < 0)
		snprintf(t->lock_method[SMMUTRACE_LOCK_INIT_MUTEX],
			 sizeof(t->lock_method[0]),
			 "not traced: struct arm_smmu_domain has no init_mutex (gone since 6.19: domain finalise runs at allocation, before any attach)");
	if (!t->v3_dom_id) {
		snprintf(t->lock_method[SMMUTRACE_LOCK_INIT_MUTEX],
			 sizeof(t->lock_method[0]),
			 "not traced: no v3 struct arm_smmu_domain in BTF");
		snprintf(t->lock_method[SMMUTRACE_LOCK_DEVICES],
			 sizeof(t->lock_method[0]),
			 "not traced: no v3 struct arm_smmu_domain in BTF");
	}
}

/* After the slots are known: how each per-object lock is found. */
void describe_learned_locks(struct tracer *t)
{
	int i;

	for (i = SMMUTRACE_LOCK_INIT_MUTEX; i <= SMMUTRACE_LOCK_DEVICES; i++) {
		const char *in = t->lock_learned_in[i];

		if (i == SMMUTRACE_LOCK_SVA || i == SMMUTRACE_LOCK_IOMMU_SVA)
			continue;
		if (t->lock_method[i][0] && !in[0])
			continue;	/* already says why not */
		if (!in[0]) {
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "not traced: %s",
				 i == SMMUTRACE_LOCK_DEVICES && !t->spin_hooks ?
				 (t->kver >= KVER(6, 10) ?
				  "spin_lock_irqsave is inlined (no _raw_spin_lock_irqsave to hook; instruction-offset probes would need the -dbg package's line info). Bound from the driver source: each hold lies inside one call of arm_smmu_attach_prepare, arm_smmu_remove_master_domain or arm_smmu_atc_inv_domain (ATS only), with no CMD_SYNC issued under it" :
				  "spin_lock_irqsave is inlined (no _raw_spin_lock_irqsave to hook; instruction-offset probes would need the -dbg package's line info). Bound from the driver source: each hold lies inside one call of arm_smmu_sync_cd, arm_smmu_attach_dev, arm_smmu_detach_dev or arm_smmu_atc_inv_domain (ATS only), with no CMD_SYNC issued under it") :
				 i == SMMUTRACE_LOCK_GROUP ?
				 "no traced iommu core function with a device or group argument" :
				 "no traced v3 function with a domain argument");
			continue;
		}
		t->lock_traced[i] = true;
		if (i == SMMUTRACE_LOCK_DEVICES)
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "%s, address = arm_smmu_domain %+ld (BTF), learned in %s",
				 t->lk[LK_SPIN].via, t->devl_off, in);
		else if (i == SMMUTRACE_LOCK_GROUP)
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "%s, address = &dev->iommu_group->mutex (CO-RE), learned in %s",
				 t->lk[LK_MUTEX].via, in);
		else
			snprintf(t->lock_method[i], sizeof(t->lock_method[i]),
				 "%s, address = arm_smmu_domain %+ld (BTF), learned in %s",
				 t->lk[LK_MUTEX].via, t->init_off, in);
	}
}

/* --lock-at: the user's learning rules, on functions traced here. */
int lock_at_rules(struct tracer *t)
{
	size_t keep[SMMUTRACE_MAX_LOCKS], len = sizeof(t->lock_method[0]);
	bool seen[SMMUTRACE_MAX_LOCKS] = {};
	const struct lock_at_rule *a;
	struct func *f;
	int r, i, k;
	char *m;

	for (r = 0; r < t->o->nr_lock_at; r++) {
		a = &t->o->lock_at[r];
		for (i = 0, f = NULL; i < t->nr_funcs && !f; i++)
			if (!strcmp(t->funcs[i].def->name, a->func) &&
			    t->funcs[i].state == RES_ATTACHED)
				f = &t->funcs[i];
		if (!f) {
			fprintf(stderr, "smmubench trace: --lock-at %s: %s is not traced (give it to -f; see -l)\n",
				a->spec, a->func);
			return -EINVAL;
		}
		for (k = 0; k < SMMUTRACE_LEARN_PER_SLOT; k++)
			if (t->learn[f->slot][k].kind == SMMUTRACE_LEARN_NONE)
				break;
		if (k == SMMUTRACE_LEARN_PER_SLOT) {
			fprintf(stderr, "smmubench trace: --lock-at %s: %s already learns %d locks, the most a function can\n",
				a->spec, a->func, SMMUTRACE_LEARN_PER_SLOT);
			return -E2BIG;
		}
		i = a->idx;
		m = t->lock_method[i];
		if (i == SMMUTRACE_LOCK_DEVICES && !t->spin_hooks) {
			snprintf(m, len, "not traced: spin_lock_irqsave is inlined here (--lock-at %s)",
				 a->spec);
			continue;
		}
		add_learn(t, f, a->arg, SMMUTRACE_LEARN_OFFSET, i, a->off);
		/* A lock the driver's own rules follow keeps them too. */
		if (!seen[i])
			keep[i] = t->lock_traced[i] ? strlen(m) : 0;
		seen[i] = true;
		snprintf(m + keep[i], len - keep[i],
			 "%s%s, address = argument %u %+ld of %s (--lock-at)",
			 keep[i] ? "; also " : "",
			 t->lk[i == SMMUTRACE_LOCK_DEVICES ? LK_SPIN : LK_MUTEX].via,
			 a->arg, a->off, t->lock_learned_in[i]);
		t->lock_traced[i] = true;
	}
	return 0;
}

/*
 * --lock: a lock left out is not followed at all (no address, no learning
 * rule), and --all-tasks follows none of the driver's: say so per lock.
 */
void filter_locks(struct tracer *t)
{
	int i, s, k;

	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		if (!lock_names[i])
			continue;
		if (!t->o->all_tasks && (!t->o->lock_mask || (t->o->lock_mask & (1U << i))))
			continue;
		t->lock_addr[i] = 0;
		t->lock_traced[i] = false;
		snprintf(t->lock_method[i], sizeof(t->lock_method[i]), "%s",
			 t->o->all_tasks ? "not traced: --all-tasks follows every mutex by address instead" :
			 "not traced: not selected by --lock");
		for (s = 0; s < SMMUTRACE_MAX_SLOTS; s++)
			for (k = 0; k < SMMUTRACE_LEARN_PER_SLOT; k++)
				if (t->learn[s][k].idx == i)
					t->learn[s][k].kind = SMMUTRACE_LEARN_NONE;
		if (i == SMMUTRACE_LOCK_ASID)
			t->kdata_hi = 0;	/* do not learn it either */
	}
}

int lock_stat_clear(void)
{
	FILE *f = fopen(LOCK_STAT_PATH, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs("0\n", f) == EOF)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/*
 * One line per lock class: "name: con-bounces contentions waittime-min
 * -max -total -avg acq-bounces acquisitions holdtime-min -max -total -avg",
 * times in microseconds with two decimals. Read-write locks have -R/-W
 * lines; the locks here are mutexes and a spinlock: one line each.
 */
int lock_stat_read(struct tracer *t)
{
	char line[1024], name[256];
	double v[12];
	FILE *f;
	int i;

	f = fopen(LOCK_STAT_PATH, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strstr(line, ": ");
		char *p = line;

		if (!colon)
			continue;
		while (*p == ' ')
			p++;
		if (colon - p <= 0 || (size_t)(colon - p) >= sizeof(name))
			continue;
		memcpy(name, p, colon - p);
		name[colon - p] = 0;
		if (sscanf(colon + 1, "%lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &v[10], &v[11]) != 12)
			continue;
		for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
			if (!lock_stat_names[i] || strcmp(name, lock_stat_names[i]))
				continue;
			t->lockstat[i].found = true;
			t->lockstat[i].contentions = (uint64_t)v[1];
			t->lockstat[i].acq = (uint64_t)v[7];
			t->lockstat[i].hold_us = v[10];
		}
	}
	fclose(f);
	return 0;
}
