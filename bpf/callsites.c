// SPDX-License-Identifier: GPL-2.0
/*
 * Call-site lock probes. Hooks on mutex_lock() itself are paid by every
 * mutex user of the system (docs/tracer.md, Overhead). Instead, the calls
 * of the lock functions are found in the machine code of the traced
 * functions and of their driver and iommu core callees (arm64 B and BL,
 * read with the kernel-text reader), and each call gets its own kprobes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktext.skel.h"
#include "trace_helpers.h"
#include "tracer.h"

/* arm64 B and BL: imm26 words from the instruction, sign-extended. */
static bool a64_branch(uint32_t insn, uint64_t pc, uint64_t *dst, bool *link)
{
	if ((insn & 0x7c000000) != 0x14000000)
		return false;
	*link = insn >> 31;
	*dst = pc + ((int64_t)((uint64_t)(insn & 0x3ffffff) << 38) >> 36);
	return true;
}

/*
 * A module's PLT veneer to a far kernel function (arch/arm64/kernel/
 * module-plts.c): adrp x16, PAGE; add x16, x16, #OFF; br x16.
 */
static bool a64_plt(struct ktext *kt, uint64_t pc, uint64_t *dst)
{
	uint32_t in[3];
	uint64_t imm;

	if (ktext__read(kt, pc, in, sizeof(in)) ||
	    (in[0] & 0x9f00001f) != 0x90000010 ||
	    (in[1] & 0xff8003ff) != 0x91000210 || in[2] != 0xd61f0200)
		return false;
	imm = ((in[0] >> 29) & 3) | (((uint64_t)(in[0] >> 5) & 0x7ffff) << 2);
	*dst = (pc & ~0xfffULL) + ((int64_t)(imm << 43) >> 31) +
	       ((uint64_t)((in[1] >> 10) & 0xfff) << ((in[1] >> 22) & 1 ? 12 : 0));
	return true;
}

/* The text symbol starting exactly at @addr, in the image or a module. */
static const struct ksym *text_sym_at(const struct tracer *t, uint64_t addr,
				      uint64_t *size, bool *module)
{
	const struct ksyms *tabs[2] = { t->ks, t->module_ks };
	const struct ksym *s, *last, *text;
	int i;

	for (i = 0; i < 2; i++) {
		if (!tabs[i])
			continue;
		last = ksyms__map_addr(tabs[i], addr);
		if (!last || last->addr != addr)
			continue;
		/* aliases share the address (memset: __memset T, memset W) */
		text = NULL;
		for (s = last; s >= tabs[i]->syms && s->addr == addr; s--)
			if (strchr("tTwW", s->type))
				text = s;
		if (!text)
			continue;
		/* the size: up to the next symbol at another address */
		*size = last + 1 < tabs[i]->syms + tabs[i]->nr ?
			last[1].addr - addr : 0;
		if (!*size || *size > SCAN_FUNC_MAX)
			*size = SCAN_FUNC_MAX;
		*module = i == 1;
		return text;
	}
	return NULL;
}

static bool scan_follows(const char *name, bool module)
{
	return module || !strncmp(name, "iommu_", 6) ||
	       !strncmp(name, "__iommu_", 8) || !strncmp(name, "arm_smmu_", 9) ||
	       !strncmp(name, "__arm_smmu_", 11);
}

static void lock_kinds_why(struct tracer *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (k = 0; k < NR_LK; k++) {
		if (t->lk[k].why[0])
			continue;
		va_start(ap, fmt);
		vsnprintf(t->lk[k].why, sizeof(t->lk[k].why), fmt, ap);
		va_end(ap);
	}
}

static void scan_add(struct tracer *t, uint64_t addr, int depth, bool direct)
{
	const struct ksym *s;
	uint64_t size;
	bool module;
	int i;

	for (i = 0; i < t->nr_scan; i++)
		if (t->scan[i].addr == addr)
			return;
	s = text_sym_at(t, addr, &size, &module);
	if (!s)
		return;
	if (t->nr_scan == SCAN_MAX_FUNCS) {
		lock_kinds_why(t, "more than %d functions to read", SCAN_MAX_FUNCS);
		return;
	}
	t->scan[t->nr_scan++] = (struct scan_func){ .addr = addr, .size = size,
		.name = s->name, .depth = depth, .module = module,
		.direct = direct };
}

static void site_add(struct tracer *t, struct lock_kind *lk, uint64_t pc,
		     bool unlock, int fn)
{
	const struct scan_func *sf = &t->scan[fn];

	if (lk->nr_sites == SITE_MAX) {
		snprintf(lk->why, sizeof(lk->why), "more than %d call sites",
			 SITE_MAX);
		return;
	}
	/* the lock site's second probe is on the instruction after the call */
	if (kprobe_blacklisted(pc) || (!unlock && kprobe_blacklisted(pc + 4))) {
		snprintf(lk->why, sizeof(lk->why),
			 "the call at %s+0x%llx is in the kprobe blacklist",
			 sf->name, (unsigned long long)(pc - sf->addr));
		return;
	}
	lk->site[lk->nr_sites++] = (struct lock_site){ .addr = pc,
		.unlock = unlock, .fn = fn };
	if (unlock)
		lk->nr_unlock++;
	else
		lk->nr_lock++;
}

/* One call or tail call at @pc of @fn to @dst: a lock site or a callee. */
static void scan_branch(struct tracer *t, struct ktext *kt, int fn,
			uint64_t pc, uint64_t dst, bool link)
{
	const struct scan_func *sf = &t->scan[fn];
	const struct ksym *s;
	uint64_t size, plt;
	bool module;
	int k;

	s = text_sym_at(t, dst, &size, &module);
	if (!s && a64_plt(kt, dst, &plt)) {
		dst = plt;
		s = text_sym_at(t, dst, &size, &module);
	}
	for (k = 0; k < NR_LK; k++) {
		struct lock_kind *lk = &t->lk[k];

		if (!lk->lock_addr || (dst != lk->lock_addr && dst != lk->unlock_addr))
			continue;
		/* a tail call's return goes to the caller: no acquired probe */
		if (dst == lk->lock_addr && !link)
			snprintf(lk->why, sizeof(lk->why),
				 "a tail call of %s in %s+0x%llx", lk->lock_fn,
				 sf->name, (unsigned long long)(pc - sf->addr));
		else if (!lk->why[0])
			site_add(t, lk, pc, dst == lk->unlock_addr, fn);
		return;
	}
	if (!s) {
		/* a call whose target is unknown may take any lock */
		if (link)
			lock_kinds_why(t, "a call from %s+0x%llx to 0x%llx, neither a function nor a PLT veneer",
				       sf->name, (unsigned long long)(pc - sf->addr),
				       (unsigned long long)dst);
		return;
	}
	if (sf->depth < SITE_DEPTH && scan_follows(s->name, module))
		scan_add(t, dst, sf->depth + 1, sf->direct);
}

/* Reads the queued functions from @q on, queueing their callees. */
static int scan_queue(struct tracer *t, struct ktext *kt, uint32_t *code, int q)
{
	uint64_t pc, dst, size;
	bool link;
	int i, err;

	for (; q < t->nr_scan; q++) {
		const struct scan_func *sf = &t->scan[q];

		size = sf->size;
		err = ktext__read(kt, sf->addr, code, size);
		/*
		 * The last function of a module has no next symbol: its size
		 * is a guess, and the guess may run past the mapped text.
		 */
		if (err && size > 4096) {
			for (size = 0; size + 4096 <= sf->size &&
			     !ktext__read(kt, sf->addr + size, (char *)code + size, 4096);
			     size += 4096)
				;
			err = size ? 0 : err;
		}
		/* freed __init code (arm_smmu_driver_init) runs no more */
		if (err && sf->depth)
			continue;
		if (err) {
			lock_kinds_why(t, "cannot read %s's code: %s", sf->name,
				       strerror(-err));
			return err;
		}
		for (i = 0; i < (int)(size / 4); i++) {
			pc = sf->addr + 4 * i;
			if (!a64_branch(code[i], pc, &dst, &link))
				continue;
			if (dst >= sf->addr && dst < sf->addr + sf->size)
				continue;	/* inside the function */
			scan_branch(t, kt, q, pc, dst, link);
		}
	}
	return 0;
}

/*
 * Every function of the modules the traced module functions belong to: a
 * module's lock may be taken in a traced function and released by its
 * caller (smmubench.ko's model: sbm_bind_op() returns with sva_lock held,
 * sbm_bind() drops it), so the whole module is read, as its own code.
 */
static void scan_add_modules(struct tracer *t)
{
	char line[512], name[256], mod[64], mods[4][64] = {};
	unsigned long long addr;
	int i, k, nr = 0, pass;
	FILE *f;
	char type;

	/*
	 * Each pass reads all of /proc/kallsyms, which takes seconds on a big
	 * kernel under emulation (7.x: about 12 s a read): none without a
	 * traced module function.
	 */
	for (i = 0; i < t->nr_funcs; i++)
		if (t->funcs[i].state == RES_ATTACHED &&
		    !strcmp(t->funcs[i].def->area, "module"))
			break;
	if (i == t->nr_funcs)
		return;
	for (pass = 0; pass < 2; pass++) {
		f = fopen("/proc/kallsyms", "r");
		if (!f)
			return;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%llx %c %255s %63s", &addr, &type, name,
				   mod) != 4 || !strchr("tT", type))
				continue;
			for (k = 0; k < nr && strcmp(mods[k], mod); k++)
				;
			if (pass && k < nr)
				scan_add(t, addr, 1, true);
			for (i = 0; !pass && k == nr && nr < 4 && i < t->nr_funcs; i++)
				if (t->funcs[i].state == RES_ATTACHED &&
				    !strcmp(t->funcs[i].def->area, "module") &&
				    t->funcs[i].addr == addr)
					snprintf(mods[nr++], sizeof(mods[0]), "%s", mod);
		}
		fclose(f);
	}
}

/*
 * Reads every traced function and, breadth first, its driver, iommu core
 * and own module callees down to SITE_DEPTH levels, and collects the
 * calls of the lock functions of each kind.
 */
static void scan_lock_sites(struct tracer *t)
{
	struct ktext *kt = ktext__open_and_load();
	uint32_t *code = NULL;
	int i, q;

	if (!kt) {
		lock_kinds_why(t, "cannot read the kernel's text (a BPF program): %s",
			       strerror(errno));
		return;
	}
	code = malloc(SCAN_FUNC_MAX);
	if (!code) {
		lock_kinds_why(t, "out of memory");
		goto out;
	}
	for (i = 0; i < t->nr_funcs; i++)
		if (t->funcs[i].state == RES_ATTACHED)
			scan_add(t, t->funcs[i].addr, 0, true);
	scan_add_modules(t);
	if (scan_queue(t, kt, code, 0))
		goto out;
	/*
	 * The core reaches the driver through ops pointers (blr, no target
	 * in the code): e.g. iommu_dev_enable_feature() takes sva_lock in
	 * arm_smmu_master_sva_enabled() via ops->dev_enable_feat. So every
	 * function of the SMMU drivers is read too, one level shallower.
	 * These are not "direct": the SMMUv2 driver's are among them.
	 */
	q = t->nr_scan;
	for (i = 0; i < (int)t->ks->nr; i++)
		if (strchr("tT", t->ks->syms[i].type) &&
		    (!strncmp(t->ks->syms[i].name, "arm_smmu_", 9) ||
		     !strncmp(t->ks->syms[i].name, "__arm_smmu_", 11)))
			scan_add(t, t->ks->syms[i].addr, 1, false);
	scan_queue(t, kt, code, q);
out:
	free(code);
	ktext__destroy(kt);
}

/*
 * Chooses, per lock kind, call sites or function hooks (and says why),
 * before the lock methods are described with the chosen probes' names.
 */
void plan_lock_probes(struct tracer *t)
{
	static const char *const unlock_fn[NR_LK] = {
		"mutex_unlock", "_raw_spin_unlock_irqrestore",
	};
	const struct ksym *s;
	int k;

	t->lk[LK_MUTEX].name = "mutex";
	t->lk[LK_MUTEX].lock_fn = t->mutex_fn;
	t->lk[LK_SPIN].name = "spinlock";
	t->lk[LK_SPIN].lock_fn = "_raw_spin_lock_irqsave";
	for (k = 0; k < NR_LK; k++) {
		struct lock_kind *lk = &t->lk[k];

		lk->unlock_fn = unlock_fn[k];
		if (k == LK_SPIN && !t->spin_hooks)
			continue;	/* inlined: neither sites nor hooks */
		s = ksyms__get_symbol(t->ks, lk->lock_fn);
		lk->lock_addr = s ? s->addr : 0;
		s = ksyms__get_symbol(t->ks, lk->unlock_fn);
		lk->unlock_addr = s ? s->addr : 0;
		if (t->o->all_tasks)
			snprintf(lk->why, sizeof(lk->why),
				 "--all-tasks follows every mutex of every task");
		else if (t->o->lock_probes && !strcmp(t->o->lock_probes, "functions"))
			snprintf(lk->why, sizeof(lk->why), "--lock-probes=functions");
		else if (!lk->lock_addr || !lk->unlock_addr)
			snprintf(lk->why, sizeof(lk->why), "%s or %s not in kallsyms",
				 lk->lock_fn, lk->unlock_fn);
	}
	if (!t->lk[LK_MUTEX].why[0] || (t->spin_hooks && !t->lk[LK_SPIN].why[0]))
		scan_lock_sites(t);
	for (k = 0; k < NR_LK; k++) {
		struct lock_kind *lk = &t->lk[k];

		if (!lk->why[0] && (!lk->nr_lock || !lk->nr_unlock))
			snprintf(lk->why, sizeof(lk->why),
				 "no call of %s found in the traced functions and their callees",
				 lk->nr_lock ? lk->unlock_fn : lk->lock_fn);
		lk->sites = !lk->why[0];
		snprintf(lk->via, sizeof(lk->via), "%s/%s %s", lk->lock_fn,
			 lk->unlock_fn, lk->sites ? "call-site kprobes" : "hooks");
	}
}

/* One line per hooked lock kind: how its locks are followed, and where. */
void lock_probe_desc(const struct tracer *t, int k, char *buf,
			    size_t len)
{
	const struct lock_kind *lk = &t->lk[k];
	int i, j, shown = 0;
	size_t n;

	if (!lk->sites) {
		snprintf(buf, len, "function hooks (%s on %s, %s): %s",
			 lock_hook_fentry(t, k) ? "fentry/fexit" : "kprobe/kretprobe",
			 lk->lock_fn, lk->unlock_fn, lk->why);
		return;
	}
	n = snprintf(buf, len, "call-site kprobes: %d lock sites, %d unlock sites in",
		     lk->nr_lock, lk->nr_unlock);
	for (i = 0; i < lk->nr_sites && n < len; i++) {
		for (j = 0; j < i; j++)
			if (lk->site[j].fn == lk->site[i].fn)
				break;
		if (j < i)
			continue;
		if (++shown <= 6)	/* the traced functions' come first */
			n += snprintf(buf + n, len - n, "%s %s",
				      shown > 1 ? "," : "",
				      t->scan[lk->site[i].fn].name);
	}
	if (n < len)
		n += snprintf(buf + n, len - n, "%s (%d functions read); none on %s or %s",
			      shown > 6 ? " and more (-v lists them)" : "", t->nr_scan,
			      lk->lock_fn, lk->unlock_fn);
	if (n < len && lk->nr_refused)
		snprintf(buf + n, len - n, "; %d site%s refused by the kernel, not probed, in driver functions the traced ones do not call (%s)",
			 lk->nr_refused, lk->nr_refused > 1 ? "s" : "", lk->refused);
}
