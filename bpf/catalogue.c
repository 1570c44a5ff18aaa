// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's catalogue of driver functions, and their resolution on the
 * running kernel: which copy of a name is the v3 driver's (kallsyms
 * addresses against v3-only anchors), whether fentry can bind it (one BTF
 * func, an unsuffixed name) or a kprobe must, and why a function cannot be
 * traced (absent from this kernel's source, inlined, notrace).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace_helpers.h"
#include "tracer.h"

/*
 * Version ranges are those of the driver source (kernel-map.md); they only
 * decide whether a missing symbol is called "inlined" (the source has it)
 * or "absent" (the source does not). Presence itself is always probed.
 */
static const struct func_def catalogue[] = {
	/*
	 * slot 0: decoded, always first. Since 7.2 the issuer is split: the
	 * wrapper arm_smmu_cmdq_issue_cmdlist() repeats a batch for an
	 * erratum and is inlined into the driver's own callers, so only
	 * __arm_smmu_cmdq_issue_cmdlist() sees every command (cmdq_issuer()).
	 */
	{ "arm_smmu_cmdq_issue_cmdlist", "cmdq", 0, 0, NULL },
	{ "__arm_smmu_cmdq_issue_cmdlist", "cmdq", KVER(7, 2), 0,
	  "arm_smmu_cmdq_issue_cmdlist" },
	/* CD write */
	{ "arm_smmu_write_ctx_desc", "cd", 0, KVER(6, 10), NULL },
	{ "arm_smmu_write_ctx_desc_devices", "cd", 0, 0 + 1, NULL },
	{ "arm_smmu_write_cd_entry", "cd", KVER(6, 10), 0, NULL },
	{ "arm_smmu_cd_writer_sync_entry", "cd", KVER(6, 10), 0,
	  "arm_smmu_write_entry" },
	{ "arm_smmu_sync_cd", "cd", 0, 0, "arm_smmu_write_ctx_desc,arm_smmu_write_cd_entry" },
	/* STE */
	{ "arm_smmu_install_ste_for_dev", "ste", 0, 0, "arm_smmu_attach_dev" },
	{ "arm_smmu_write_entry", "ste", KVER(6, 9), 0, "arm_smmu_write_cd_entry" },
	/* attach (static names the SMMUv2 driver defines too) */
	{ "arm_smmu_attach_dev", "attach", 0, 0, NULL },
	{ "arm_smmu_domain_finalise_s1", "attach", 0, 0, "arm_smmu_attach_dev" },
	{ "arm_smmu_attach_prepare", "attach", KVER(6, 10), 0, "arm_smmu_attach_dev" },
	{ "arm_smmu_attach_commit", "attach", KVER(6, 10), 0, "arm_smmu_attach_dev" },
	/* invalidation */
	{ "arm_smmu_tlb_inv_range_domain", "inv", 0, KVER(7, 1),
	  "arm_smmu_iotlb_sync,arm_smmu_tlb_inv_walk" },
	{ "arm_smmu_tlb_inv_range_asid", "inv", 0, KVER(7, 1), NULL },
	{ "arm_smmu_tlb_inv_asid", "inv", 0, KVER(7, 1), NULL },
	{ "arm_smmu_tlb_inv_context", "inv", 0, 0, NULL },
	{ "arm_smmu_atc_inv_domain", "inv", 0, KVER(7, 1), NULL },
	{ "arm_smmu_atc_inv_master", "inv", 0, 0, NULL },
	{ "arm_smmu_domain_inv_range", "inv", KVER(7, 1), 0, NULL },
	{ "__arm_smmu_domain_inv_range", "inv", KVER(7, 1), 0,
	  "arm_smmu_domain_inv_range", true },
	{ "arm_smmu_domain_inv", "inv", KVER(7, 1), 0,
	  "arm_smmu_tlb_inv_context", true },
	/* the invalidation array: rebuilt under arm_smmu_asid_lock on attach */
	{ "arm_smmu_invs_merge", "inv", KVER(7, 1), 0, "arm_smmu_attach_prepare",
	  true },
	{ "arm_smmu_invs_unref", "inv", KVER(7, 1), 0, "arm_smmu_attach_commit",
	  true },
	{ "arm_smmu_invs_purge", "inv", KVER(7, 1), 0, "arm_smmu_attach_commit",
	  true },
	/* SVA and PASID entry points (need CONFIG_ARM_SMMU_V3_SVA) */
	{ "iommu_sva_bind_device", "core", 0, 0, NULL },
	{ "iommu_sva_unbind_device", "core", 0, 0, NULL },
	{ "arm_smmu_sva_bind", "sva", 0, KVER(6, 6), NULL },
	{ "arm_smmu_sva_unbind", "sva", 0, KVER(6, 6), NULL },
	{ "arm_smmu_sva_set_dev_pasid", "sva", KVER(6, 6), 0, NULL },
	{ "arm_smmu_set_pasid", "sva", KVER(6, 10), 0, NULL },
	{ "arm_smmu_remove_dev_pasid", "sva", KVER(6, 6), KVER(6, 19), NULL },
	{ "arm_smmu_blocking_set_dev_pasid", "sva", KVER(6, 19), 0, NULL },
	/* the mmu notifier's invalidation of an SVA-bound range (munmap) */
	{ "arm_smmu_mm_invalidate_range", "sva", 0, KVER(6, 6), NULL, true },
	{ "arm_smmu_mm_arch_invalidate_secondary_tlbs", "sva", KVER(6, 6), 0,
	  NULL, true },
	{ "__arm_smmu_sva_bind", "sva", 0, KVER(6, 10),
	  "arm_smmu_sva_bind,arm_smmu_sva_set_dev_pasid" },
	{ "arm_smmu_mmu_notifier_get", "sva", 0, KVER(6, 10),
	  "arm_smmu_sva_bind,arm_smmu_sva_set_dev_pasid", true },
	{ "arm_smmu_mmu_notifier_put", "sva", 0, KVER(6, 10),
	  "arm_smmu_sva_unbind,arm_smmu_remove_dev_pasid", true },
	{ "arm_smmu_remove_master_domain", "sva", KVER(6, 10), 0,
	  "arm_smmu_remove_dev_pasid,arm_smmu_attach_commit", true },
	{ "arm_smmu_master_enable_sva", "sva", 0, 0, NULL, true },
	{ "arm_smmu_master_disable_sva", "sva", 0, 0, NULL, true },
	/* iommu core around the PASID path (group->mutex is taken here) */
	{ "iommu_attach_device_pasid", "core", KVER(6, 2), 0, NULL, true },
	{ "iommu_detach_device_pasid", "core", KVER(6, 2), 0, NULL, true },
	{ "iommu_dev_enable_feature", "core", 0, 0, NULL, true },
	{ "iommu_dev_disable_feature", "core", 0, 0, NULL, true },
	{ "iommu_group_for_each_dev", "core", 0, 0, NULL, true },
	/* DMA API path: hot, opt-in */
	{ "arm_smmu_map_pages", "map", 0, 0, NULL, true },
	{ "arm_smmu_unmap_pages", "map", 0, 0, NULL, true },
	{ "arm_smmu_iotlb_sync", "map", 0, 0, NULL, true },
	{ "arm_smmu_tlb_inv_walk", "map", 0, 0, NULL, true },
};

#define NR_CATALOGUE	(sizeof(catalogue) / sizeof(catalogue[0]))
/* The first entries are slot 0's candidates; cmdq_issuer() picks one. */
#define NR_ISSUERS	2

/*
 * Names only arm-smmu-v3 defines: their addresses bound the v3 object in
 * the kernel image, which is how a name both drivers define is resolved.
 */
static const char *const v3_anchors[] = {
	"arm_smmu_cmdq_issue_cmdlist", "arm_smmu_cmdq_shared_unlock",
	"arm_smmu_cmdq_build_cmd", "arm_smmu_cmdq_batch_add",
	"arm_smmu_cmdq_write_entries", "arm_smmu_evtq_thread",
	"arm_smmu_priq_thread", "arm_smmu_gerror_handler",
	"arm_smmu_sync_cd", "arm_smmu_install_ste_for_dev",
	"arm_smmu_atc_inv_domain", "arm_smmu_tlb_inv_range_asid",
	"arm_smmu_tlb_inv_asid", "arm_smmu_write_ctx_desc",
	"arm_smmu_write_cd_entry", "arm_smmu_write_entry",
	"arm_smmu_sva_bind", "arm_smmu_init_one_queue",
};

/* Names only the SMMUv2 driver defines: none may lie inside the v3 span. */
static const char *const v2_anchors[] = {
	"arm_smmu_write_context_bank", "arm_smmu_impl_init",
	"arm_smmu_write_s2cr", "arm_smmu_write_sme", "__arm_smmu_tlb_sync",
};

static const struct {
	int op;
	const char *name;
} opcodes[] = {
	{ 0x01, "PREFETCH_CFG" }, { 0x03, "CFGI_STE" }, { 0x04, "CFGI_ALL" },
	{ 0x05, "CFGI_CD" }, { 0x06, "CFGI_CD_ALL" }, { 0x11, "TLBI_NH_ASID" },
	{ 0x12, "TLBI_NH_VA" }, { 0x20, "TLBI_EL2_ALL" },
	{ 0x21, "TLBI_EL2_ASID" }, { 0x22, "TLBI_EL2_VA" },
	{ 0x28, "TLBI_S12_VMALL" }, { 0x2a, "TLBI_S2_IPA" },
	{ 0x30, "TLBI_NSNH_ALL" }, { 0x40, "ATC_INV" }, { 0x41, "PRI_RESP" },
	{ 0x44, "RESUME" }, { 0x46, "CMD_SYNC" },
};

/* Lock indices shared with smmutrace.bpf.c (SMMUTRACE_LOCK_*). */
const char *const lock_names[SMMUTRACE_MAX_LOCKS] = {
	"arm_smmu_asid_lock", "init_mutex", "sva_lock", "iommu_sva_lock",
	"group_mutex", "devices_lock", "streams_mutex", "cmdq_lock",
};

/* The lock's class name in /proc/lock_stat (lockdep names it by its source). */
const char *const lock_stat_names[SMMUTRACE_MAX_LOCKS] = {
	"arm_smmu_asid_lock", "&smmu_domain->init_mutex", "sva_lock",
	"iommu_sva_lock", "&group->mutex", "&smmu_domain->devices_lock",
	"&smmu->streams_mutex", NULL,
};

/* fentry/fexit where they attach and --probe kprobe did not ask otherwise. */
bool use_fentry(const struct tracer *t)
{
	return t->fentry_ok && t->o->probe != PROBE_KPROBE;
}

/*
 * The hooks on a lock function of kind @k. Never an fexit trampoline on
 * _raw_spin_lock_irqsave: on 6.12 without PREEMPTION (the -sva kernels,
 * Debian's), replacing or removing one while every CPU runs through it
 * released a trampoline image twice and oopsed the kernel in the
 * workqueue (move_linked_works(), clear_pending_if_disabled() under
 * __bpf_tramp_image_put_rcu), within a minute of attach/detach cycles;
 * docs/tracer.md. Kprobes have no such image.
 */
bool lock_hook_fentry(const struct tracer *t, int k)
{
	return use_fentry(t) && k != LK_SPIN;
}

const char *errstr(int err)
{
	/* ENOTSUPP is kernel-internal: libc has no text for it */
	if (err == -524 || err == 524)
		return "ENOTSUPP (524)";
	return strerror(err < 0 ? -err : err);
}

unsigned int kernel_version(void)
{
	struct utsname u;
	unsigned int a = 0, b = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &a, &b) != 2)
		return 0;
	return KVER(a, b);
}

static bool in_source(const struct func_def *d, unsigned int kver)
{
	if (d->until == 1)	/* never merged */
		return false;
	return kver >= d->since && (!d->until || kver < d->until);
}

bool name_is_exact(const char *sym, const char *name)
{
	return !strcmp(sym, name);
}

void v3_span(struct tracer *t)
{
	const struct ksym *c[8];
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t i, j, n;

	for (i = 0; i < sizeof(v3_anchors) / sizeof(v3_anchors[0]); i++) {
		n = ksyms__find_all(t->ks, v3_anchors[i], c, 8);
		if (n != 1)	/* a name both drivers define is no anchor */
			continue;
		if (c[0]->addr < lo)
			lo = c[0]->addr;
		if (c[0]->addr > hi)
			hi = c[0]->addr;
	}
	if (!hi)
		return;
	for (i = 0; i < sizeof(v2_anchors) / sizeof(v2_anchors[0]); i++) {
		n = ksyms__find_all(t->ks, v2_anchors[i], c, 8);
		for (j = 0; j < n && j < 8; j++) {
			if (c[j]->addr >= lo && c[j]->addr <= hi)
				return;	/* the drivers interleave: no span */
		}
	}
	t->v3_lo = lo;
	t->v3_hi = hi;
}

static uint64_t span_dist(const struct tracer *t, uint64_t a)
{
	if (a < t->v3_lo)
		return t->v3_lo - a;
	if (a > t->v3_hi)
		return a - t->v3_hi;
	return 0;
}

/* Picks the v3 copy among @n candidates; NULL with a note if it cannot. */
static const struct ksym *pick_v3(const struct tracer *t, struct func *f,
				  const struct ksym **c, size_t n)
{
	const struct ksym *best = NULL;
	uint64_t d, best_d = UINT64_MAX;
	bool tie = false;
	size_t i;

	if (!t->v3_hi) {
		snprintf(f->note, sizeof(f->note),
			 "%zu copies and no v3-only symbol to tell them apart", n);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		d = span_dist(t, c[i]->addr);
		if (d < best_d) {
			best = c[i];
			best_d = d;
			tie = false;
		} else if (d == best_d) {
			tie = true;
		}
	}
	/* An object is a few hundred KiB at most: farther is another file. */
	if (tie || best_d > (256 << 10)) {
		snprintf(f->note, sizeof(f->note),
			 "%zu copies, none provably in the v3 driver", n);
		return NULL;
	}
	return best;
}

static int btf_func_count(const struct btf *btf, const char *name)
{
	int i, n = 0, nr = btf__type_cnt(btf);
	const struct btf_type *tp;

	for (i = 1; i < nr; i++) {
		tp = btf__type_by_id(btf, i);
		if (btf_is_func(tp) &&
		    !strcmp(btf__name_by_offset(btf, tp->name_off), name))
			n++;
	}
	return n;
}

/*
 * -f names outside the catalogue: functions of loaded modules (e.g. the
 * model's ops in smmubench.ko), area "module", traced by a kprobe on the
 * address kallsyms gives (no module BTF: no fentry, no learning rules from
 * prototypes; --lock-at gives those).
 */
static struct func_def module_defs[MAX_FUNCS];
static char module_names[MAX_FUNCS][128];
static int nr_module_defs;

static const struct func_def *module_func_find(struct tracer *t,
						const char *name)
{
	const struct ksym *c[1];
	struct func_def *d;
	int i;

	for (i = 0; i < nr_module_defs; i++)
		if (!strcmp(module_defs[i].name, name))
			return &module_defs[i];
	if (!t->module_ks)
		t->module_ks = ksyms__load_modules();
	if (!t->module_ks || nr_module_defs == MAX_FUNCS ||
	    !ksyms__find_all(t->module_ks, name, c, 1))
		return NULL;
	d = &module_defs[nr_module_defs];
	snprintf(module_names[nr_module_defs], sizeof(module_names[0]), "%s",
		 name);
	d->name = module_names[nr_module_defs++];
	d->area = "module";
	return d;
}

static void resolve_module_func(const struct tracer *t, struct func *f)
{
	const struct ksym *c[8];
	size_t n;

	n = ksyms__find_all(t->module_ks, f->def->name, c, 8);
	f->copies = n;
	if (n != 1) {
		f->state = n ? RES_AMBIGUOUS : RES_ABSENT;
		snprintf(f->note, sizeof(f->note), n ?
			 "%zu copies in the loaded modules" : "no loaded module has it",
			 n);
		return;
	}
	f->addr = c[0]->addr;
	snprintf(f->sym, sizeof(f->sym), "%s", c[0]->name);
	f->method = M_KPROBE;
	f->by_addr = true;
	if (kprobe_blacklisted(f->addr)) {
		f->state = RES_FAILED;
		snprintf(f->note, sizeof(f->note), "in the kprobe blacklist");
		return;
	}
	f->state = RES_ATTACHED;
	snprintf(f->note, sizeof(f->note), "a module's function");
}

void resolve_func(struct tracer *t, struct func *f)
{
	const struct func_def *d = f->def;
	const struct ksym *c[8], *pick;
	char callers[256], *tok, *save = NULL;
	size_t n;

	if (!strcmp(d->area, "module")) {
		resolve_module_func(t, f);
		return;
	}
	n = ksyms__find_all(t->ks, d->name, c, 8);
	f->copies = n;
	if (!n) {
		if (!in_source(d, t->kver)) {
			f->state = RES_ABSENT;
			snprintf(f->note, sizeof(f->note), "absent on this kernel%s",
				 d->until == 1 ? " (proposed, never merged)" :
				 !strcmp(d->area, "sva") ?
				 " (or CONFIG_ARM_SMMU_V3_SVA off)" : "");
			return;
		}
		f->state = RES_INLINED;
		snprintf(f->note, sizeof(f->note), "inlined: not traceable");
		if ((!strcmp(d->area, "sva") || !strncmp(d->name, "iommu_sva_", 10)) &&
		    !ksyms__find_all(t->ks, "arm_smmu_sva_notifier_synchronize", c, 1))
			snprintf(f->note, sizeof(f->note),
				 "absent: CONFIG_ARM_SMMU_V3_SVA is off");
		if (!d->callers)
			return;
		snprintf(callers, sizeof(callers), "%s", d->callers);
		for (tok = strtok_r(callers, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (ksyms__find_all(t->ks, tok, c, 1)) {
				snprintf(f->note, sizeof(f->note),
					 "inlined: not traceable, nearest traceable caller %s",
					 tok);
				break;
			}
		}
		return;
	}
	pick = n == 1 ? c[0] : pick_v3(t, f, c, n < 8 ? n : 8);
	if (!pick) {
		f->state = RES_AMBIGUOUS;
		return;
	}
	f->addr = pick->addr;
	snprintf(f->sym, sizeof(f->sym), "%s", pick->name);
	if (t->ftrace_funcs && !ftrace_funcs__has(t->ftrace_funcs, pick->name)) {
		f->state = RES_FAILED;
		snprintf(f->note, sizeof(f->note),
			 "%s is notrace (not in available_filter_functions)%s",
			 pick->name, !strcmp(d->area, "sva") ?
			 ": a stub, CONFIG_ARM_SMMU_V3_SVA is off" : "");
		return;
	}
	/*
	 * fentry resolves its target by name (kallsyms_lookup_name), which
	 * returns the first copy: only a unique, unsuffixed name with one BTF
	 * func is safe. Everything else is a kprobe on the exact address.
	 */
	if (use_fentry(t) && n == 1 &&
	    name_is_exact(pick->name, d->name) &&
	    btf_func_count(t->btf, d->name) == 1) {
		f->method = M_FENTRY;
	} else {
		f->method = M_KPROBE;
		f->by_addr = n > 1;
		if (use_fentry(t))
			snprintf(f->note, sizeof(f->note), "%s",
				 n > 1 ? "fentry would bind the first copy by name" :
				 "a clone: no BTF func for fentry");
	}
	if (f->method == M_KPROBE && kprobe_blacklisted(f->addr)) {
		f->state = RES_FAILED;
		snprintf(f->note, sizeof(f->note), "in the kprobe blacklist");
		return;
	}
	f->state = RES_ATTACHED;
}

static const struct func_def *catalogue_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CATALOGUE; i++) {
		if (!strcmp(catalogue[i].name, name))
			return &catalogue[i];
	}
	return NULL;
}

/*
 * The function every command goes through, once per batch sent to the
 * queue: the inner issuer where the kernel has one as a function of its
 * own (BTF), else arm_smmu_cmdq_issue_cmdlist(). Asked once, at load
 * (tracer.issuer): each lookup walks all of the kernel's BTF types.
 */
const struct func_def *cmdq_issuer(const struct btf *btf)
{
	if (btf && btf__find_by_name_kind(btf, catalogue[1].name,
					  BTF_KIND_FUNC) > 0)
		return &catalogue[1];
	return &catalogue[0];
}

/* Builds the function list: the cmdq first, then the catalogue or -f. */
int select_funcs(struct tracer *t)
{
	char *list = NULL, *tok, *save = NULL;
	const struct func_def *d;
	size_t i;
	int j, err = 0;

	t->funcs[t->nr_funcs++].def = t->issuer;
	if (!t->o->funcs) {
		for (i = NR_ISSUERS; i < NR_CATALOGUE; i++) {
			if (!catalogue[i].opt_in)
				t->funcs[t->nr_funcs++].def = &catalogue[i];
		}
		return 0;
	}
	list = strdup(t->o->funcs);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		d = catalogue_find(tok) ?: module_func_find(t, tok);
		if (!d) {
			fprintf(stderr, "smmubench trace: '%s' is not in the catalogue (see -l), nor a function of a loaded module\n",
				tok);
			err = -EINVAL;
			break;
		}
		for (j = 0; j < t->nr_funcs; j++) {
			if (t->funcs[j].def == d)
				break;
		}
		if (j < t->nr_funcs)
			continue;
		if (t->nr_funcs == MAX_FUNCS) {
			err = -E2BIG;
			break;
		}
		t->funcs[t->nr_funcs++].def = d;
	}
	free(list);
	return err;
}

/*
 * Finds the v3 struct arm_smmu_domain (the v2 one has no devices_lock) and
 * the offsets of its domain, init_mutex and devices_lock members.
 */
int domain_offsets(struct tracer *t)
{
	int i, j, nr = btf__type_cnt(t->btf);
	long dom, mtx, devl;
	const struct btf_member *m;
	const struct btf_type *tp;
	const char *name;

	for (i = 1; i < nr; i++) {
		tp = btf__type_by_id(t->btf, i);
		if (!btf_is_struct(tp) ||
		    strcmp(btf__name_by_offset(t->btf, tp->name_off), "arm_smmu_domain"))
			continue;
		dom = mtx = devl = -1;
		m = btf_members(tp);
		for (j = 0; j < btf_vlen(tp); j++, m++) {
			name = btf__name_by_offset(t->btf, m->name_off);
			if (!strcmp(name, "domain"))
				dom = btf_member_bit_offset(tp, j) / 8;
			else if (!strcmp(name, "init_mutex"))
				mtx = btf_member_bit_offset(tp, j) / 8;
			else if (!strcmp(name, "devices_lock"))
				devl = btf_member_bit_offset(tp, j) / 8;
		}
		if (dom >= 0 && devl >= 0) {
			t->v3_dom_id = i;
			t->dom_off = dom;
			t->init_off = mtx;
			t->devl_off = devl;
			return 0;
		}
	}
	return -ENOENT;
}

/* The command issuer @name gained a cmdq argument in 6.10. */
int cmdq_nr_args(const struct btf *btf, const char *name)
{
	const struct btf_type *tp;
	int id;

	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id < 0)
		return id;
	tp = btf__type_by_id(btf, id);
	tp = btf__type_by_id(btf, tp->type);
	return tp && btf_is_func_proto(tp) ? btf_vlen(tp) : -EINVAL;
}

const char *op_name(int op)
{
	size_t i;

	for (i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++) {
		if (opcodes[i].op == op)
			return opcodes[i].name;
	}
	return NULL;
}

const char *method_name(const struct func *f)
{
	if (f->method == M_FENTRY)
		return "fentry";
	return f->by_addr ? "kprobe@addr" : "kprobe";
}

const char *slot_func(const struct tracer *t, int slot)
{
	int i;

	if (slot == SMMUTRACE_SLOT_CMDQ)
		return "none";
	for (i = 0; i < t->nr_funcs; i++) {
		if (t->funcs[i].state == RES_ATTACHED && t->funcs[i].slot == slot)
			return t->funcs[i].def->name;
	}
	return "?";
}
