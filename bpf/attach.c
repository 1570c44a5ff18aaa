// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's BPF programs: which of smmutrace.bpf.c's programs load and
 * where they attach (fentry/fexit by name, kprobes by name or address, the
 * lock probes on call sites or on the lock functions), and detaching them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace_helpers.h"
#include "tracer.h"
/* after tracer.h: the skeleton names smmutrace.h's types */
#include "smmutrace.skel.h"

static struct bpf_program *slot_prog(struct smmutrace *skel, int slot,
				     const char *kind)
{
	char name[32];

	if (slot == SMMUTRACE_SLOT_CMDQ)
		snprintf(name, sizeof(name), "%s_cmdq", kind);
	else
		snprintf(name, sizeof(name), "%s_%d", kind, slot);
	return bpf_object__find_program_by_name(skel->obj, name);
}

static void set_autoload_all(struct smmutrace *skel, bool on)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, on);
}

/* The programs on the lock functions, for the kinds that are hooked. */
static int lock_hooks_autoload(struct tracer *t, struct smmutrace *skel)
{
	bool m = t->lk[LK_MUTEX].hooked, spin = t->lk[LK_SPIN].hooked;
	bool mf = lock_hook_fentry(t, LK_MUTEX);
	int err = 0;

	bpf_program__set_autoload(skel->progs.kprobe_mutex_lock, m && !mf);
	bpf_program__set_autoload(skel->progs.kretprobe_mutex_lock, m && !mf);
	bpf_program__set_autoload(skel->progs.kprobe_mutex_unlock, m && !mf);
	bpf_program__set_autoload(skel->progs.fentry_mutex_lock, m && mf);
	bpf_program__set_autoload(skel->progs.fexit_mutex_lock, m && mf);
	bpf_program__set_autoload(skel->progs.fentry_mutex_unlock, m && mf);
	if (m && mf) {
		err = bpf_program__set_attach_target(skel->progs.fentry_mutex_lock,
						     0, t->mutex_fn);
		err = err ?: bpf_program__set_attach_target(skel->progs.fexit_mutex_lock,
							    0, t->mutex_fn);
	}
	bpf_program__set_autoload(skel->progs.kprobe_spin_lock, spin);
	bpf_program__set_autoload(skel->progs.kretprobe_spin_lock, spin);
	bpf_program__set_autoload(skel->progs.kprobe_spin_unlock, spin);
	return err;
}

/* lockdep (DEBUG_LOCK_ALLOC) turns mutex_lock into mutex_lock_nested. */
static void find_lock_functions(struct tracer *t)
{
	t->mutex_fn = ksyms__find_all(t->ks, "mutex_lock", NULL, 0) ||
		      !ksyms__find_all(t->ks, "mutex_lock_nested", NULL, 0) ?
		      "mutex_lock" : "mutex_lock_nested";
	t->spin_hooks = ksyms__find_all(t->ks, "_raw_spin_lock_irqsave", NULL, 0) &&
			ksyms__find_all(t->ks, "_raw_spin_unlock_irqrestore", NULL, 0);
	if (t->ftrace_funcs)
		t->spin_hooks = t->spin_hooks &&
			ftrace_funcs__has(t->ftrace_funcs, "_raw_spin_lock_irqsave") &&
			ftrace_funcs__has(t->ftrace_funcs, "_raw_spin_unlock_irqrestore");
}

/* A slot and its entry and exit programs for every resolved function. */
static int prepare_funcs(struct tracer *t, struct smmutrace *skel)
{
	struct bpf_program *pe, *px;
	struct func *f;
	int i, slot = 1, err;

	for (i = 0; i < t->nr_funcs; i++) {
		f = &t->funcs[i];
		if (f->state != RES_ATTACHED)
			continue;
		if (i == 0) {
			f->slot = SMMUTRACE_SLOT_CMDQ;
		} else if (slot < SMMUTRACE_MAX_SLOTS) {
			f->slot = slot++;
		} else {
			f->state = RES_NO_SLOT;
			snprintf(f->note, sizeof(f->note), "no free slot (max %d)",
				 SMMUTRACE_MAX_SLOTS);
			continue;
		}
		pe = slot_prog(skel, f->slot, f->method == M_FENTRY ? "fentry" : "kprobe");
		px = slot_prog(skel, f->slot, f->method == M_FENTRY ? "fexit" : "kretprobe");
		if (!pe || !px)
			return -ENOENT;
		bpf_program__set_autoload(pe, true);
		bpf_program__set_autoload(px, true);
		if (f->method == M_FENTRY) {
			err = bpf_program__set_attach_target(pe, 0, f->sym);
			err = err ?: bpf_program__set_attach_target(px, 0, f->sym);
			if (err)
				return err;
		}
		if (t->o->locks)
			learn_rules(t, f);
		/* Before 6.10 (source) finalise_s1 locks the asid lock first. */
		if (!strcmp(f->def->name, "arm_smmu_domain_finalise_s1") &&
		    t->kver < KVER(6, 10))
			t->learn_slot = f->slot;
	}
	return 0;
}

/* The BPF side's settings: filters, learning rules, lock addresses. */
static int prepare_cfg(struct tracer *t, struct smmutrace_cfg *c)
{
	size_t k;
	int err;

	c->tgid = t->o->pid;
	c->raw = t->o->raw == 1;
	c->min_dur_ns = t->o->min_dur_ns;
	c->all_tasks = t->o->all_tasks;
	c->empty = t->o->empty;
	c->cmdq_has_cmdq = t->cmdq_has_cmdq;
	c->learn_asid_slot = -1;

	if (t->o->locks) {
		plan_lock_probes(t);
		resolve_locks(t);
		describe_learned_locks(t);
		err = lock_at_rules(t);
		if (err)
			return err;
		filter_locks(t);
		memcpy(c->learn, t->learn, sizeof(c->learn));
	}
	if (t->o->locks && !t->lock_addr[0] && t->kdata_hi) {
		c->learn_asid_slot = t->learn_slot;
		c->kdata_lo = t->kdata_lo;
		c->kdata_hi = t->kdata_hi;
	}
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)
		c->static_lock[k] = t->o->locks ? t->lock_addr[k] : 0;
	return 0;
}

/* The lock programs: what follows each traced lock, and its fallbacks. */
static int prepare_locks(struct tracer *t, struct smmutrace *skel)
{
	bool sites;
	size_t k;
	int err;

	t->locks_attached = false;
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)	/* lock probes */
		t->locks_attached |= t->o->locks && t->lock_traced[k] &&
				     k != SMMUTRACE_LOCK_CMDQ;
	t->locks_attached |= t->o->all_tasks;
	if (t->lock_traced[SMMUTRACE_LOCK_CMDQ]) {
		bool fentry = use_fentry(t);

		bpf_program__set_autoload(skel->progs.fentry_cmdq_unlock, fentry);
		bpf_program__set_autoload(skel->progs.kprobe_cmdq_unlock, !fentry);
		if (fentry) {
			err = bpf_program__set_attach_target(skel->progs.fentry_cmdq_unlock,
							     0, "arm_smmu_cmdq_shared_unlock");
			if (err)
				return err;
		}
	}
	if (!t->locks_attached)
		return 0;
	/* tp_btf needs no ftrace direct calls: 6.1 has it too */
	t->contention = !t->o->all_tasks &&
		btf__find_by_name_kind(t->btf, "btf_trace_contention_begin",
				       BTF_KIND_TYPEDEF) > 0;
	bpf_program__set_autoload(skel->progs.contention_begin, t->contention);
	bpf_program__set_autoload(skel->progs.contention_end, t->contention);
	/* klockstat follows mutexes only, and so does the baseline */
	t->lk[LK_SPIN].hooked = t->lock_traced[SMMUTRACE_LOCK_DEVICES] &&
				!t->o->all_tasks;
	t->lk[LK_MUTEX].hooked = t->o->all_tasks;
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)
		t->lk[LK_MUTEX].hooked |= t->lock_traced[k] &&
			k != SMMUTRACE_LOCK_CMDQ && k != SMMUTRACE_LOCK_DEVICES;
	sites = t->lk[LK_MUTEX].sites || t->lk[LK_SPIN].sites;
	bpf_program__set_autoload(skel->progs.site_lock, sites);
	bpf_program__set_autoload(skel->progs.site_acquired, sites);
	bpf_program__set_autoload(skel->progs.site_unlock, sites);
	/*
	 * The lock function hooks of a hooked kind are loaded even when its
	 * call sites are planned: a site the kernel refuses at attach time
	 * falls back to them (loaded, not attached, they cost nothing).
	 */
	return lock_hooks_autoload(t, skel);
}

/* Sets rodata, autoload and fentry targets; called between open and load. */
int prepare(struct tracer *t, struct smmutrace *skel)
{
	struct smmutrace_cfg c = {};
	int err;

	set_autoload_all(skel, false);
	t->learn_slot = -1;
	find_lock_functions(t);
	domain_offsets(t);
	err = prepare_funcs(t, skel);
	err = err ?: prepare_cfg(t, &c);
	if (err)
		return err;
	/* The skeleton types .rodata const volatile: writable until load. */
	memcpy((void *)&skel->rodata->cfg, &c, sizeof(c));
	return prepare_locks(t, skel);
}

int attach_func(struct smmutrace *skel, struct func *f)
{
	LIBBPF_OPTS(bpf_kprobe_opts, kopts);
	struct bpf_program *p;
	const char *kinds[2];
	int k, err;

	kinds[0] = f->method == M_FENTRY ? "fentry" : "kprobe";
	kinds[1] = f->method == M_FENTRY ? "fexit" : "kretprobe";
	for (k = 0; k < 2; k++) {
		p = slot_prog(skel, f->slot, kinds[k]);
		if (f->method == M_FENTRY) {
			f->links[k] = bpf_program__attach_trace(p);
		} else {
			kopts.retprobe = k == 1;
			/* NULL name: the offset is an absolute address */
			kopts.offset = f->by_addr ? f->addr : 0;
			f->links[k] = bpf_program__attach_kprobe_opts(p,
					f->by_addr ? NULL : f->sym, &kopts);
		}
		err = libbpf_get_error(f->links[k]);
		if (err) {
			f->links[k] = NULL;
			bpf_link__destroy(f->links[0]);
			f->links[0] = NULL;
			f->state = RES_FAILED;
			snprintf(f->note, sizeof(f->note), "%s attach failed: %s",
				 kinds[k], errstr(err));
			return err;
		}
	}
	return 0;
}

static void site_links_destroy(struct lock_kind *lk)
{
	int s, j;

	for (s = 0; s < lk->nr_sites; s++)
		for (j = 0; j < 2; j++) {
			bpf_link__destroy(lk->site[s].links[j]);
			lk->site[s].links[j] = NULL;
		}
}

/*
 * A kind's lock probes that the kernel refuses: the kind falls back to the
 * lock function hooks, and every lock method naming its probes says so.
 */
static void lock_kind_fall_back(struct tracer *t, int k, const char *why)
{
	struct lock_kind *lk = &t->lk[k];
	char old[sizeof(lk->via)], tmp[sizeof(t->lock_method[0])], *p;
	size_t len, i;

	site_links_destroy(lk);
	lk->sites = false;
	snprintf(lk->why, sizeof(lk->why), "%s", why);
	snprintf(old, sizeof(old), "%s", lk->via);
	snprintf(lk->via, sizeof(lk->via), "%s/%s hooks", lk->lock_fn,
		 lk->unlock_fn);
	len = strlen(old);
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		p = strstr(t->lock_method[i], old);
		if (!p)
			continue;
		snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(p - t->lock_method[i]),
			 t->lock_method[i], lk->via, p + len);
		snprintf(t->lock_method[i], sizeof(t->lock_method[i]), "%s", tmp);
	}
}

/* kprobes on a kind's call sites, by address: 0, or -errno and a reason. */
static int attach_sites(struct tracer *t, struct smmutrace *skel, int k,
			char *why, size_t len)
{
	LIBBPF_OPTS(bpf_kprobe_opts, kopts, .bpf_cookie = k == LK_SPIN);
	struct lock_kind *lk = &t->lk[k];
	struct lock_site *st;
	struct bpf_link *l;
	int s, j, err;

	for (s = 0; s < lk->nr_sites; s++) {
		st = &lk->site[s];
		for (j = 0; j < (st->unlock ? 1 : 2); j++) {
			/* NULL name: the offset is an absolute address */
			kopts.offset = st->addr + 4 * j;
			l = bpf_program__attach_kprobe_opts(st->unlock ?
					skel->progs.site_unlock : j ?
					skel->progs.site_acquired :
					skel->progs.site_lock, NULL, &kopts);
			err = libbpf_get_error(l);
			if (err) {
				snprintf(why, len, "the kprobe at %s+0x%llx was refused: %s",
					 t->scan[st->fn].name,
					 (unsigned long long)(kopts.offset -
							      t->scan[st->fn].addr),
					 errstr(err));
				if (t->scan[st->fn].direct)
					return err;
				/*
				 * Only read because the core calls the drivers
				 * through pointers: e.g. the SMMUv2 driver's
				 * copy of arm_smmu_probe_device on 6.1, whose
				 * code kprobe events refuse (-EINVAL). Say so.
				 */
				if (!lk->nr_refused++)
					snprintf(lk->refused, sizeof(lk->refused),
						 "%s", why);
				bpf_link__destroy(st->links[0]);
				st->links[0] = NULL;
				break;
			}
			st->links[j] = l;
		}
	}
	return 0;
}

int attach_locks(struct tracer *t, struct smmutrace *skel)
{
	static const char *const kfn[6] = {
		NULL, NULL, "mutex_unlock", "_raw_spin_lock_irqsave",
		"_raw_spin_lock_irqsave", "_raw_spin_unlock_irqrestore",
	};
	bool fentry = lock_hook_fentry(t, LK_MUTEX);
	struct bpf_program *progs[6];
	char why[256];
	int i, k, err;

	if (fentry) {
		progs[0] = skel->progs.fentry_mutex_lock;
		progs[1] = skel->progs.fexit_mutex_lock;
		progs[2] = skel->progs.fentry_mutex_unlock;
	} else {
		progs[0] = skel->progs.kprobe_mutex_lock;
		progs[1] = skel->progs.kretprobe_mutex_lock;
		progs[2] = skel->progs.kprobe_mutex_unlock;
	}
	progs[3] = skel->progs.kprobe_spin_lock;
	progs[4] = skel->progs.kretprobe_spin_lock;
	progs[5] = skel->progs.kprobe_spin_unlock;
	for (k = 0; k < NR_LK; k++) {
		if (!t->lk[k].hooked)
			continue;
		if (t->lk[k].sites) {
			if (!attach_sites(t, skel, k, why, sizeof(why)))
				continue;
			lock_kind_fall_back(t, k, why);
		}
		for (i = 3 * k; i < 3 * k + 3; i++) {
			if (fentry && k == LK_MUTEX)
				t->lock_links[i] = bpf_program__attach(progs[i]);
			else
				t->lock_links[i] = bpf_program__attach_kprobe(progs[i],
						i == 1 || i == 4, kfn[i] ? kfn[i] : t->mutex_fn);
			err = libbpf_get_error(t->lock_links[i]);
			if (err) {
				t->lock_links[i] = NULL;
				fprintf(stderr, "smmubench trace: cannot hook %s (%s): no lock times\n",
					bpf_program__name(progs[i]), strerror(-err));
				return err;
			}
		}
	}
	if (!t->contention)
		return 0;
	t->lock_links[LINK_CONTENTION_BEGIN] =
		bpf_program__attach(skel->progs.contention_begin);
	t->lock_links[LINK_CONTENTION_END] =
		bpf_program__attach(skel->progs.contention_end);
	if (libbpf_get_error(t->lock_links[LINK_CONTENTION_BEGIN]) ||
	    libbpf_get_error(t->lock_links[LINK_CONTENTION_END])) {
		/* lock times stand without it; say so in the output */
		if (libbpf_get_error(t->lock_links[LINK_CONTENTION_BEGIN]))
			t->lock_links[LINK_CONTENTION_BEGIN] = NULL;
		if (libbpf_get_error(t->lock_links[LINK_CONTENTION_END]))
			t->lock_links[LINK_CONTENTION_END] = NULL;
		t->contention = false;
	}
	return 0;
}

/* --lock cmdq_lock: the end of each shared hold of the cmdq lock. */
int attach_cmdq_lock(struct tracer *t, struct smmutrace *skel)
{
	bool fentry = use_fentry(t);
	struct bpf_link *l;
	int err;

	if (fentry)
		l = bpf_program__attach(skel->progs.fentry_cmdq_unlock);
	else
		l = bpf_program__attach_kprobe(skel->progs.kprobe_cmdq_unlock, false,
					       "arm_smmu_cmdq_shared_unlock");
	err = libbpf_get_error(l);
	if (err) {
		t->lock_traced[SMMUTRACE_LOCK_CMDQ] = false;
		snprintf(t->lock_method[SMMUTRACE_LOCK_CMDQ], sizeof(t->lock_method[0]),
			 "not traced: hooking arm_smmu_cmdq_shared_unlock failed: %s",
			 errstr(err));
		return err;
	}
	t->lock_links[LINK_CMDQ_UNLOCK] = l;
	return 0;
}

void detach_all(struct tracer *t)
{
	int i, k;

	for (i = 0; i < t->nr_funcs; i++) {
		for (k = 0; k < 2; k++) {
			bpf_link__destroy(t->funcs[i].links[k]);
			t->funcs[i].links[k] = NULL;
		}
	}
	for (i = 0; i < NR_LOCK_LINKS; i++) {
		bpf_link__destroy(t->lock_links[i]);
		t->lock_links[i] = NULL;
	}
	for (i = 0; i < NR_LK; i++)
		site_links_destroy(&t->lk[i]);
}
