// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench trace: latency of arm-smmu-v3 driver functions, the commands
 * each arm_smmu_cmdq_issue_cmdlist() call sends (and whether it waited for
 * a CMD_SYNC), and hold times of the driver's mutexes with the CMD_SYNC
 * time spent under them. See docs/tracer.md.
 *
 * The front end resolves a version-aware catalogue against the running
 * kernel (kallsyms, BTF, ftrace's function list), picks fentry/fexit where
 * the kernel can attach them and kprobe/kretprobe where it cannot, attaches
 * static names the SMMUv2 driver also defines to the v3 copy by address,
 * and reports, never aborts on, functions it cannot trace.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "smmubench/cmds.h"
#include "smmubench/results.h"
#include "smmutrace.h"
#include "smmutrace.skel.h"
#include "trace_helpers.h"

#define KVER(a, b)	((a) * 256 + (b))
#define MAX_FUNCS	64

/* --- the catalogue ----------------------------------------------------- */

struct func_def {
	const char *name;
	const char *area;	/* cmdq, cd, ste, inv, attach, map, sva */
	unsigned int since;	/* first kernel whose source has it */
	unsigned int until;	/* first kernel without it; 0: still there */
	const char *callers;	/* traceable callers to name if it is inlined */
	bool opt_in;		/* hot or redundant: only with --func */
};

/*
 * Version ranges are those of the driver source (kernel-map.md); they only
 * decide whether a missing symbol is called "inlined" (the source has it)
 * or "absent" (the source does not). Presence itself is always probed.
 */
static const struct func_def catalogue[] = {
	/* slot 0: decoded, always first */
	{ "arm_smmu_cmdq_issue_cmdlist", "cmdq", 0, 0, NULL },
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
	/* SVA and PASID entry points (need CONFIG_ARM_SMMU_V3_SVA) */
	{ "arm_smmu_sva_bind", "sva", 0, KVER(6, 6), NULL },
	{ "arm_smmu_sva_set_dev_pasid", "sva", KVER(6, 6), 0, NULL },
	{ "arm_smmu_set_pasid", "sva", KVER(6, 10), 0, NULL },
	{ "arm_smmu_remove_dev_pasid", "sva", KVER(6, 6), 0, NULL },
	{ "__arm_smmu_sva_bind", "sva", 0, KVER(6, 10),
	  "arm_smmu_sva_bind,arm_smmu_sva_set_dev_pasid" },
	/* DMA API path: hot, opt-in */
	{ "arm_smmu_map_pages", "map", 0, 0, NULL, true },
	{ "arm_smmu_unmap_pages", "map", 0, 0, NULL, true },
	{ "arm_smmu_iotlb_sync", "map", 0, 0, NULL, true },
	{ "arm_smmu_tlb_inv_walk", "map", 0, 0, NULL, true },
};

#define NR_CATALOGUE	(sizeof(catalogue) / sizeof(catalogue[0]))

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

/* Lock indices shared with smmutrace.bpf.c. */
static const char *const lock_names[SMMUTRACE_MAX_LOCKS] = {
	"arm_smmu_asid_lock", "init_mutex", NULL, NULL,
};

/* --- options ----------------------------------------------------------- */

enum probe_mode { PROBE_AUTO, PROBE_KPROBE, PROBE_FENTRY };

static struct env {
	long duration;		/* seconds, 0: until COMMAND ends or ^C */
	pid_t pid;
	char *funcs;		/* --func list, NULL: default catalogue */
	const char *output;
	enum probe_mode probe;
	int raw;		/* -1: auto (raw when short), 0, 1 */
	bool locks;
	bool events;
	bool verbose;
	char **command;
} env = {
	.probe = PROBE_AUTO,
	.raw = -1,
	.locks = true,
};

static const char argp_doc[] =
"Trace the arm-smmu-v3 driver: function latency, commands per\n"
"arm_smmu_cmdq_issue_cmdlist() call and CMD_SYNCs, and driver mutex holds.\n"
"\n"
"USAGE: smmubench trace [-d SECONDS] [-f NAME,...] [-p PID] [-o FILE]\n"
"                       [--probe auto|kprobe|fentry] [-v] [-- COMMAND...]\n"
"\v"
"EXAMPLES:\n"
"    smmubench trace -d 10               # trace for 10 s\n"
"    smmubench trace -- dd if=/mnt/x of=/dev/null\n"
"                                        # trace while a command runs\n"
"    smmubench trace -f arm_smmu_attach_dev,arm_smmu_sync_cd -d 5\n"
"                                        # only these (plus the cmdq)\n"
"    smmubench trace --probe kprobe -d 5 # force kprobe/kretprobe\n"
"    smmubench trace -o trace.sbr -- smmubench run -w map\n"
"                                        # also write a results file\n"
"    smmubench trace -l                  # list the catalogue as resolved\n"
"\n"
"Functions a kernel lacks or inlined are reported and skipped; names the\n"
"SMMUv2 driver also defines are attached to the v3 copy by address.\n"
"Needs root, BPF and /sys/kernel/btf/vmlinux.\n";

enum {
	OPT_PROBE = 0x100,
	OPT_RAW,
	OPT_NO_RAW,
	OPT_NO_LOCKS,
};

static const struct argp_option opts[] = {
	{ NULL, 0, NULL, 0, "What to trace:", 1 },
	{ "func", 'f', "NAME,...", 0,
	  "Catalogue functions to trace (default: all but the DMA map path)", 1 },
	{ "pid", 'p', "PID", 0, "Only calls made by this process", 1 },
	{ "no-locks", OPT_NO_LOCKS, NULL, 0, "Do not hook mutex_lock/unlock", 1 },
	{ "list", 'l', NULL, 0, "Resolve and print the catalogue, then exit", 1 },
	{ NULL, 0, NULL, 0, "How:", 2 },
	{ "duration", 'd', "SECONDS", 0,
	  "Trace this long (default: until COMMAND ends or Ctrl-C)", 2 },
	{ "probe", OPT_PROBE, "auto|kprobe|fentry", 0,
	  "Probe family (default auto: fentry if it attaches)", 2 },
	{ "raw", OPT_RAW, NULL, 0, "Keep every call (ring buffer)", 2 },
	{ "no-raw", OPT_NO_RAW, NULL, 0,
	  "In-kernel histograms only (default for -d over 10 s)", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "output", 'o', "FILE", 0, "Write a results file too", 3 },
	{ "events", 'e', NULL, 0,
	  "List every cmdlist call: commands, sync, caller (implies --raw)", 3 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 3 },
	{ NULL, 0, NULL, 0, "Help:", -1 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{},
};

static bool list_only;

static long parse_long(const char *arg, long min, long max,
		       struct argp_state *state, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		argp_error(state, "invalid %s: '%s' (%ld..%ld)", what, arg,
			   min, max);
	}
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'd':
		env.duration = parse_long(arg, 1, 24 * 3600, state, "duration");
		break;
	case 'p':
		env.pid = parse_long(arg, 1, INT_MAX, state, "pid");
		break;
	case 'f':
		env.funcs = arg;
		break;
	case 'o':
		env.output = arg;
		break;
	case 'l':
		list_only = true;
		break;
	case 'v':
		env.verbose = true;
		break;
	case 'e':
		env.events = true;
		break;
	case OPT_PROBE:
		if (!strcmp(arg, "auto"))
			env.probe = PROBE_AUTO;
		else if (!strcmp(arg, "kprobe"))
			env.probe = PROBE_KPROBE;
		else if (!strcmp(arg, "fentry"))
			env.probe = PROBE_FENTRY;
		else
			argp_error(state, "--probe: 'auto', 'kprobe' or 'fentry', not '%s'",
				   arg);
		break;
	case OPT_RAW:
		env.raw = 1;
		break;
	case OPT_NO_RAW:
		env.raw = 0;
		break;
	case OPT_NO_LOCKS:
		env.locks = false;
		break;
	case ARGP_KEY_ARGS:
		env.command = state->argv + state->next;
		break;
	case ARGP_KEY_ARG:
		return ARGP_ERR_UNKNOWN;	/* the rest is COMMAND: ARGP_KEY_ARGS */
	case ARGP_KEY_END:
		if (env.command && env.pid)
			argp_error(state, "--pid and COMMAND exclude each other");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --- resolution -------------------------------------------------------- */

enum res_state {
	RES_ATTACHED,	/* attached (after attach), or attachable (before) */
	RES_ABSENT,	/* the running kernel's source does not have it */
	RES_INLINED,	/* the source has it but no out-of-line copy exists */
	RES_AMBIGUOUS,	/* several copies and none provably the v3 one */
	RES_FAILED,	/* load or attach failed */
	RES_NO_SLOT,	/* more functions than slots */
};

enum method { M_NONE, M_FENTRY, M_KPROBE };

struct sample_vec {
	struct smmutrace_event *ev;
	size_t nr, cap;
};

struct func {
	const struct func_def *def;
	enum res_state state;
	enum method method;
	bool by_addr;		/* kprobe on an address, not a name */
	int copies;		/* text symbols with this name (clones too) */
	int slot;
	uint64_t addr;
	char sym[128];
	char note[256];
	struct bpf_link *links[2];
	struct sample_vec raw;
};

struct tracer {
	struct func funcs[MAX_FUNCS];
	int nr_funcs;
	struct ksyms *ks;
	struct btf *btf;
	char *ftrace_funcs;	/* NULL: tracefs unavailable, do not check */
	unsigned int kver;
	bool fentry_ok;
	int fentry_err;
	uint64_t v3_lo, v3_hi;	/* span of the v3 anchors, 0: none found */
	uint64_t lock_addr[SMMUTRACE_MAX_LOCKS];
	char lock_method[SMMUTRACE_MAX_LOCKS][160];
	bool cmdq_has_cmdq;
	int attach_slot;
	int learn_slot;		/* finalise_s1, to learn the asid lock, or -1 */
	uint64_t kdata_lo, kdata_hi;
	uint64_t dom_to_init_mutex;
	struct bpf_link *lock_links[5];
	bool locks_attached;
	bool contention;	/* lock:contention_* tracepoints attached */
	struct sample_vec cmdq_raw;
	struct sample_vec lock_raw[SMMUTRACE_MAX_LOCKS];
	uint64_t t_start, t_end;
};

static volatile sig_atomic_t exiting;

static void sig_handler(int sig)
{
	exiting = 1;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	if (!env.verbose)	/* failures are reported by the caller */
		return 0;
	return vfprintf(stderr, fmt, args);
}

static const char *errstr(int err)
{
	/* ENOTSUPP is kernel-internal: libc has no text for it */
	if (err == -524 || err == 524)
		return "ENOTSUPP (524)";
	return strerror(err < 0 ? -err : err);
}

static unsigned int kernel_version(void)
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

static bool name_is_exact(const char *sym, const char *name)
{
	return !strcmp(sym, name);
}

static void v3_span(struct tracer *t)
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

static void resolve_func(struct tracer *t, struct func *f)
{
	const struct func_def *d = f->def;
	const struct ksym *c[8], *pick;
	char callers[256], *tok, *save = NULL;
	size_t n;

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
		if (!strcmp(d->area, "sva") && !ksyms__find_all(t->ks,
						"arm_smmu_sva_notifier_synchronize", c, 1))
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
	if (t->fentry_ok && env.probe != PROBE_KPROBE && n == 1 &&
	    name_is_exact(pick->name, d->name) &&
	    btf_func_count(t->btf, d->name) == 1) {
		f->method = M_FENTRY;
	} else {
		f->method = M_KPROBE;
		f->by_addr = n > 1;
		if (t->fentry_ok && env.probe != PROBE_KPROBE)
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

/* Builds the function list: the cmdq first, then the catalogue or -f. */
static int select_funcs(struct tracer *t)
{
	char *list = NULL, *tok, *save = NULL;
	const struct func_def *d;
	size_t i;
	int j, err = 0;

	t->funcs[t->nr_funcs++].def = &catalogue[0];
	if (!env.funcs) {
		for (i = 1; i < NR_CATALOGUE; i++) {
			if (!catalogue[i].opt_in)
				t->funcs[t->nr_funcs++].def = &catalogue[i];
		}
		return 0;
	}
	list = strdup(env.funcs);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		d = catalogue_find(tok);
		if (!d) {
			fprintf(stderr, "smmubench trace: '%s' is not in the catalogue (see -l)\n",
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

/* Finds the v3 struct arm_smmu_domain (the v2 one has no devices_lock). */
static int init_mutex_offset(const struct btf *btf, uint64_t *off)
{
	int i, j, nr = btf__type_cnt(btf);
	long dom = -1, mtx = -1, devl = -1;
	const struct btf_member *m;
	const struct btf_type *tp;
	const char *name;

	for (i = 1; i < nr; i++) {
		tp = btf__type_by_id(btf, i);
		if (!btf_is_struct(tp) ||
		    strcmp(btf__name_by_offset(btf, tp->name_off), "arm_smmu_domain"))
			continue;
		dom = mtx = devl = -1;
		m = btf_members(tp);
		for (j = 0; j < btf_vlen(tp); j++, m++) {
			name = btf__name_by_offset(btf, m->name_off);
			if (!strcmp(name, "domain"))
				dom = btf_member_bit_offset(tp, j) / 8;
			else if (!strcmp(name, "init_mutex"))
				mtx = btf_member_bit_offset(tp, j) / 8;
			else if (!strcmp(name, "devices_lock"))
				devl = btf_member_bit_offset(tp, j) / 8;
		}
		if (dom >= 0 && mtx >= 0 && devl >= 0) {
			*off = (uint64_t)(mtx - dom);
			return 0;
		}
	}
	return -ENOENT;
}

/* arm_smmu_cmdq_issue_cmdlist() gained a cmdq argument in 6.10. */
static int cmdq_nr_args(const struct btf *btf)
{
	const struct btf_type *tp;
	int id;

	id = btf__find_by_name_kind(btf, "arm_smmu_cmdq_issue_cmdlist",
				    BTF_KIND_FUNC);
	if (id < 0)
		return id;
	tp = btf__type_by_id(btf, id);
	tp = btf__type_by_id(btf, tp->type);
	return tp && btf_is_func_proto(tp) ? btf_vlen(tp) : -EINVAL;
}

/* No KALLSYMS_ALL: learn the asid lock in finalise_s1 if it is traced. */
static void learn_asid_lock(struct tracer *t)
{
	const struct ksym *s = NULL;

	if (t->learn_slot >= 0)
		s = ksyms__get(t->ks, "_etext");
	if (!s) {
		snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
			 "not traced: not in kallsyms (no CONFIG_KALLSYMS_ALL)%s",
			 t->learn_slot < 0 ? "; trace arm_smmu_domain_finalise_s1 to learn it" : "");
		return;
	}
	/* The image's data follows its text; 64 MiB bounds the image. */
	t->kdata_lo = s->addr;
	t->kdata_hi = s->addr + (64ULL << 20);
	snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
		 "mutex_lock/unlock hooks, address learned: the first mutex arm_smmu_domain_finalise_s1 takes (no KALLSYMS_ALL)");
}

static void resolve_locks(struct tracer *t)
{
	const struct ksym *s;
	int err;

	s = ksyms__get(t->ks, "arm_smmu_asid_lock");
	if (s && s->addr) {
		t->lock_addr[0] = s->addr;
		snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
			 "mutex_lock/unlock hooks, address 0x%llx from kallsyms",
			 (unsigned long long)s->addr);
	} else {
		learn_asid_lock(t);
	}
	err = init_mutex_offset(t->btf, &t->dom_to_init_mutex);
	if (err || t->attach_slot < 0) {
		snprintf(t->lock_method[1], sizeof(t->lock_method[1]),
			 "not traced: %s",
			 err ? "no v3 struct arm_smmu_domain in BTF" :
			 "arm_smmu_attach_dev (v3) not attached");
		return;
	}
	snprintf(t->lock_method[1], sizeof(t->lock_method[1]),
		 "mutex_lock/unlock hooks, address = arm_smmu_attach_dev's domain %+lld (BTF)",
		 (long long)t->dom_to_init_mutex);
}

/* --- attach ------------------------------------------------------------ */

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

/* Sets rodata, autoload and fentry targets; called between open and load. */
static int prepare(struct tracer *t, struct smmutrace *skel)
{
	struct smmutrace_cfg c = {};
	struct bpf_program *pe, *px;
	struct func *f;
	int i, slot = 1, err;
	size_t k;

	set_autoload_all(skel, false);
	t->attach_slot = -1;
	t->learn_slot = -1;
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
		if (!strcmp(f->def->name, "arm_smmu_attach_dev"))
			t->attach_slot = f->slot;
		/* Before 6.10 (source) finalise_s1 locks the asid lock first. */
		if (!strcmp(f->def->name, "arm_smmu_domain_finalise_s1") &&
		    t->kver < KVER(6, 10))
			t->learn_slot = f->slot;
	}

	c.tgid = env.pid;
	c.raw = env.raw == 1;
	c.cmdq_has_cmdq = t->cmdq_has_cmdq;
	c.attach_slot = t->attach_slot;
	c.learn_asid_slot = -1;

	if (env.locks)
		resolve_locks(t);
	c.init_mutex = env.locks && t->attach_slot >= 0 && t->dom_to_init_mutex;
	c.dom_to_init_mutex = t->dom_to_init_mutex;
	if (env.locks && !t->lock_addr[0] && t->kdata_hi) {
		c.learn_asid_slot = t->learn_slot;
		c.kdata_lo = t->kdata_lo;
		c.kdata_hi = t->kdata_hi;
	}
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)
		c.static_lock[k] = env.locks ? t->lock_addr[k] : 0;
	/* The skeleton types .rodata const volatile: writable until load. */
	memcpy((void *)&skel->rodata->cfg, &c, sizeof(c));
	t->locks_attached = env.locks &&
		(t->lock_addr[0] || c.init_mutex || c.learn_asid_slot >= 0);
	if (t->locks_attached) {
		const char *fam = t->fentry_ok && env.probe != PROBE_KPROBE ?
				  "fentry" : "kprobe";

		/* tp_btf needs no ftrace direct calls: 6.1 has it too */
		t->contention = btf__find_by_name_kind(t->btf,
				"btf_trace_contention_begin", BTF_KIND_TYPEDEF) > 0;
		bpf_program__set_autoload(skel->progs.contention_begin, t->contention);
		bpf_program__set_autoload(skel->progs.contention_end, t->contention);
		if (!strcmp(fam, "fentry")) {
			bpf_program__set_autoload(skel->progs.fentry_mutex_lock, true);
			bpf_program__set_autoload(skel->progs.fexit_mutex_lock, true);
			bpf_program__set_autoload(skel->progs.fentry_mutex_unlock, true);
		} else {
			bpf_program__set_autoload(skel->progs.kprobe_mutex_lock, true);
			bpf_program__set_autoload(skel->progs.kretprobe_mutex_lock, true);
			bpf_program__set_autoload(skel->progs.kprobe_mutex_unlock, true);
		}
	}
	return 0;
}

static int attach_func(struct smmutrace *skel, struct func *f)
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

static int attach_locks(struct tracer *t, struct smmutrace *skel)
{
	struct bpf_program *progs[3];
	int i, err;

	if (t->fentry_ok && env.probe != PROBE_KPROBE) {
		progs[0] = skel->progs.fentry_mutex_lock;
		progs[1] = skel->progs.fexit_mutex_lock;
		progs[2] = skel->progs.fentry_mutex_unlock;
	} else {
		progs[0] = skel->progs.kprobe_mutex_lock;
		progs[1] = skel->progs.kretprobe_mutex_lock;
		progs[2] = skel->progs.kprobe_mutex_unlock;
	}
	for (i = 0; i < 3; i++) {
		t->lock_links[i] = bpf_program__attach(progs[i]);
		err = libbpf_get_error(t->lock_links[i]);
		if (err) {
			t->lock_links[i] = NULL;
			fprintf(stderr, "smmubench trace: cannot hook %s (%s): no lock times\n",
				bpf_program__name(progs[i]), strerror(-err));
			return err;
		}
	}
	if (!t->contention)
		return 0;
	t->lock_links[3] = bpf_program__attach(skel->progs.contention_begin);
	t->lock_links[4] = bpf_program__attach(skel->progs.contention_end);
	if (libbpf_get_error(t->lock_links[3]) || libbpf_get_error(t->lock_links[4])) {
		/* lock times stand without it; say so in the output */
		if (libbpf_get_error(t->lock_links[3]))
			t->lock_links[3] = NULL;
		if (libbpf_get_error(t->lock_links[4]))
			t->lock_links[4] = NULL;
		t->contention = false;
	}
	return 0;
}

static void detach_all(struct tracer *t)
{
	int i, k;

	for (i = 0; i < t->nr_funcs; i++) {
		for (k = 0; k < 2; k++) {
			bpf_link__destroy(t->funcs[i].links[k]);
			t->funcs[i].links[k] = NULL;
		}
	}
	for (i = 0; i < 5; i++) {
		bpf_link__destroy(t->lock_links[i]);
		t->lock_links[i] = NULL;
	}
}

/* --- events ------------------------------------------------------------ */

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

static uint64_t user_drops;

static int handle_event(void *ctx, void *data, size_t len)
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
		user_drops++;
	return 0;
}

/* --- statistics and output --------------------------------------------- */

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

/* p-th percentile from a histogram row: the middle of its bucket. */
static uint64_t hist_pct(const __u64 *row, double p)
{
	uint64_t total = 0, seen = 0, lo, hi, rank;
	int i;

	for (i = 0; i < SMMUTRACE_HIST_BUCKETS; i++)
		total += row[i];
	if (!total)
		return 0;
	rank = (uint64_t)(p * (total - 1)) + 1;
	for (i = 0; i < SMMUTRACE_HIST_BUCKETS; i++) {
		seen += row[i];
		if (seen >= rank) {
			bucket_bounds(i, &lo, &hi);
			return lo + (hi - lo) / 2;
		}
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Exact percentiles from raw samples; @vals is sorted in place. */
static uint64_t raw_pct(uint64_t *vals, size_t n, double p)
{
	return n ? vals[(size_t)(p * (n - 1) + 0.5)] : 0;
}

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

static const char *op_name(int op)
{
	size_t i;

	for (i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++) {
		if (opcodes[i].op == op)
			return opcodes[i].name;
	}
	return NULL;
}

static const char *method_name(const struct func *f)
{
	if (f->method == M_FENTRY)
		return "fentry";
	return f->by_addr ? "kprobe@addr" : "kprobe";
}

static void print_resolution(const struct tracer *t, FILE *out)
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

static const char *slot_func(const struct tracer *t, int slot)
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

static void print_events(const struct tracer *t)
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

struct pcts {
	uint64_t count, p50, p99, max, sum;
	bool from_hist;
};

static struct pcts slot_pcts(const struct smmutrace *skel,
			     const struct sample_vec *raw, int row,
			     const struct smmutrace_slot_stat *st)
{
	struct pcts r = { .count = st->count, .max = st->max_ns,
			  .sum = st->sum_ns };
	uint64_t *vals;
	size_t i;

	/* Raw samples only if none was lost; else the in-kernel histogram. */
	if (env.raw == 1 && raw->nr == st->count && raw->nr) {
		vals = malloc(raw->nr * sizeof(*vals));
		if (vals) {
			for (i = 0; i < raw->nr; i++)
				vals[i] = raw->ev[i].dur_ns;
			qsort(vals, raw->nr, sizeof(*vals), cmp_u64);
			r.p50 = raw_pct(vals, raw->nr, 0.50);
			r.p99 = raw_pct(vals, raw->nr, 0.99);
			free(vals);
			return r;
		}
	}
	r.from_hist = true;
	r.p50 = hist_pct(skel->bss->hist[row], 0.50);
	r.p99 = hist_pct(skel->bss->hist[row], 0.99);
	return r;
}

static void print_summary(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	char p50[16], p99[16], mx[16], tot[16], syn[16], cw[16];
	const struct func *f;
	struct pcts p;
	uint64_t total = 0, start_fail = 0, no_entry = 0;
	bool hist = false;
	int i;

	printf("\nTraced %.3f s\n\n", (t->t_end - t->t_start) / 1e9);
	printf("%-34s %-11s %8s %9s %9s %9s\n", "FUNCTION", "METHOD", "COUNT",
	       "P50", "P99", "MAX");
	for (i = 0; i < t->nr_funcs; i++) {
		f = &t->funcs[i];
		if (f->state != RES_ATTACHED)
			continue;
		p = slot_pcts(skel, f->slot == SMMUTRACE_SLOT_CMDQ ? &t->cmdq_raw :
			      &f->raw, f->slot, &b->slot_stats[f->slot]);
		hist |= p.from_hist && p.count;
		fmt_ns(p50, sizeof(p50), p.p50);
		fmt_ns(p99, sizeof(p99), p.p99);
		fmt_ns(mx, sizeof(mx), p.max);
		printf("%-34s %-11s %8llu %9s %9s %9s\n", f->def->name,
		       method_name(f), (unsigned long long)p.count,
		       p.count ? p50 : "-", p.count ? p99 : "-",
		       p.count ? mx : "-");
	}
	if (hist)
		printf("(percentiles from in-kernel histograms: +-6.25%%)\n");

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
	fmt_ns(p50, sizeof(p50), hist_pct(b->hist[SMMUTRACE_HIST_SYNC], 0.5));
	printf("\ncmdlist calls %llu, with CMD_SYNC %llu (time %s, p50 %s)\n",
	       (unsigned long long)b->cmdq_calls_total,
	       (unsigned long long)b->cmdq_sync_calls, tot, p50);

	if (t->locks_attached || env.locks) {
		printf("\n%-20s %8s %9s %9s %9s %5s %9s %7s %9s  %s\n", "LOCK",
		       "HOLDS", "HOLD", "MAXHOLD", "WAIT", "CONT", "CONTWAIT",
		       "SYNCS", "SYNCTIME", "METHOD");
		for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
			const struct smmutrace_lock_stat *ls = &b->lock_stats[i];

			if (!lock_names[i])
				continue;
			fmt_ns(tot, sizeof(tot), ls->hold_ns);
			fmt_ns(mx, sizeof(mx), ls->max_hold_ns);
			fmt_ns(p99, sizeof(p99), ls->wait_ns);
			fmt_ns(syn, sizeof(syn), ls->sync_ns);
			fmt_ns(cw, sizeof(cw), ls->contended_ns);
			printf("%-20s %8llu %9s %9s %9s %5llu %9s %7llu %9s  %s\n",
			       lock_names[i], (unsigned long long)ls->acquired,
			       tot, mx, p99, (unsigned long long)ls->contended,
			       t->contention ? cw : "-",
			       (unsigned long long)ls->sync_calls, syn,
			       t->lock_method[i]);
		}
		printf("(HOLD, WAIT, CONTWAIT, SYNCTIME are totals; WAIT is mutex_lock() entry to return, CONTWAIT the slow path between lock:contention_begin/end%s)\n",
		       t->contention ? "" : ": not available here");
		printf("%-20s %s\n", "devices_lock",
		       "not traced: spin_lock_irqsave is inlined (no function to hook)");
	}

	for (i = 0; i < SMMUTRACE_MAX_SLOTS; i++) {
		start_fail += b->slot_stats[i].start_fail;
		no_entry += b->slot_stats[i].no_entry;
	}
	printf("\nLosses: ring buffer %llu, user %llu, start map %llu, exits without entry %llu, cmdq state %llu, cmdq read %llu, truncated batches %llu, lock state %llu\n",
	       (unsigned long long)b->rb_drops, (unsigned long long)user_drops,
	       (unsigned long long)start_fail, (unsigned long long)no_entry,
	       (unsigned long long)b->cmdq_state_fail,
	       (unsigned long long)b->cmdq_read_fail,
	       (unsigned long long)b->cmdq_truncated,
	       (unsigned long long)b->lock_state_fail);
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

static int write_results(const struct tracer *t, const struct smmutrace *skel)
{
	const struct smmutrace__bss *b = skel->bss;
	const struct sample_vec *raw;
	struct sb_results *r = NULL;
	const struct func *f;
	struct sb_series *s;
	char name[SB_NAME_MAX], cmd[SB_VALUE_MAX] = "";
	uint64_t total = 0;
	int i, err;
	size_t len = 0;

	r = sb_results__new();
	if (!r)
		return -ENOMEM;
	err = sb_results__set_host_meta(r);
	err = err ?: sb_results__set_meta(r, "tool", "smmubench trace");
	err = err ?: sb_results__set_meta(r, "probe", "%s",
					  t->fentry_ok && env.probe != PROBE_KPROBE ?
					  "fentry" : "kprobe");
	for (i = 0; env.command && env.command[i] && !err; i++)
		len += snprintf(cmd + len, len < sizeof(cmd) ? sizeof(cmd) - len : 0,
				"%s%s", i ? " " : "", env.command[i]);
	err = err ?: sb_results__set_param(r, "duration_s", "%ld", env.duration);
	if (cmd[0])
		err = err ?: sb_results__set_param(r, "command", "%s", cmd);
	if (env.pid)
		err = err ?: sb_results__set_param(r, "pid", "%d", env.pid);
	err = err ?: sb_results__set_param(r, "traced_ns", "%llu",
					   (unsigned long long)(t->t_end - t->t_start));

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
		s = sb_results__series(r, name, "ns", SB_KIND_FUNC);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		raw = f->slot == SMMUTRACE_SLOT_CMDQ ? &t->cmdq_raw : &f->raw;
		if (env.raw == 1 && raw->nr == b->slot_stats[f->slot].count)
			err = add_raw_series(s, raw);
		else
			err = add_hist_series(s, b->hist[f->slot]);
		snprintf(name, sizeof(name), "count.func.%s", f->def->name);
		err = err ?: sb_results__set_counter(r, name,
						     b->slot_stats[f->slot].count);
	}
	if (!err) {
		s = sb_results__series(r, "sync.cmdq", "ns", SB_KIND_SYNC);
		err = s ? add_hist_series(s, b->hist[SMMUTRACE_HIST_SYNC]) : -ENOMEM;
	}
	/* Commands per cmdlist call, CMD_SYNC included, when every call is kept. */
	if (!err && env.raw == 1 && t->cmdq_raw.nr == b->cmdq_calls_total &&
	    t->cmdq_raw.nr) {
		struct sb_sample smp = { .op_id = SB_NONE };
		size_t k;

		s = sb_results__series(r, "count.cmdq.cmds_per_call", "1",
				       SB_KIND_COUNT);
		for (k = 0; s && !err && k < t->cmdq_raw.nr; k++) {
			smp.value = t->cmdq_raw.ev[k].ncmds + t->cmdq_raw.ev[k].sync;
			smp.start_ns = t->cmdq_raw.ev[k].start_ns;
			smp.thread = t->cmdq_raw.ev[k].tid;
			err = sb_series__add(s, &smp);
		}
		if (!s)
			err = -ENOMEM;
	}
	for (i = 0; i < 256 && !err; i++) {
		if (!b->op_counts[i])
			continue;
		total += b->op_counts[i];
		if (op_name(i))
			snprintf(name, sizeof(name), "cmd.%s", op_name(i));
		else
			snprintf(name, sizeof(name), "cmd.OP_0x%02x", i);
		err = sb_results__set_counter(r, name, b->op_counts[i]);
	}
	err = err ?: sb_results__set_counter(r, "cmd.total", total);
	for (i = 0; i < SMMUTRACE_MAX_SLOTS && !err; i++) {
		int op;

		if (!b->outer_calls[i])
			continue;
		snprintf(name, sizeof(name), "inside.%s.calls", slot_func(t, i));
		err = sb_results__set_counter(r, name, b->outer_calls[i]);
		for (op = 0; op < 256 && !err; op++) {
			if (!b->outer_ops[i][op])
				continue;
			if (op_name(op))
				snprintf(name, sizeof(name), "inside.%s.%s",
					 slot_func(t, i), op_name(op));
			else
				snprintf(name, sizeof(name), "inside.%s.OP_0x%02x",
					 slot_func(t, i), op);
			err = sb_results__set_counter(r, name, b->outer_ops[i][op]);
		}
	}
	err = err ?: sb_results__set_counter(r, "cmdq.calls", b->cmdq_calls_total);
	err = err ?: sb_results__set_counter(r, "cmdq.sync_calls", b->cmdq_sync_calls);
	err = err ?: sb_results__set_counter(r, "cmdq.sync_ns", b->cmdq_sync_ns);
	for (i = 0; i < SMMUTRACE_MAX_LOCKS && !err && env.locks; i++) {
		const struct smmutrace_lock_stat *ls = &b->lock_stats[i];
		bool traced;

		if (!lock_names[i])
			continue;
		traced = !strncmp(t->lock_method[i], "mutex", 5);
		snprintf(name, sizeof(name), "lock.%s.method", lock_names[i]);
		err = sb_results__set_meta(r, name, "%s", t->lock_method[i]);
		snprintf(name, sizeof(name), "lock.%s.holds", lock_names[i]);
		if (!traced) {
			err = err ?: sb_results__set_counter_unsupported(r, name);
			continue;
		}
		err = err ?: sb_results__set_counter(r, name, ls->acquired);
		snprintf(name, sizeof(name), "lock.%s.sync_ns", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, ls->sync_ns);
		snprintf(name, sizeof(name), "lock.%s.sync_calls", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, ls->sync_calls);
		snprintf(name, sizeof(name), "lock.%s.wait_ns", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, ls->wait_ns);
		snprintf(name, sizeof(name), "lock.%s.contended", lock_names[i]);
		if (t->contention)
			err = err ?: sb_results__set_counter(r, name, ls->contended);
		else
			err = err ?: sb_results__set_counter_unsupported(r, name);
		snprintf(name, sizeof(name), "lock.%s.contended_ns", lock_names[i]);
		if (t->contention)
			err = err ?: sb_results__set_counter(r, name, ls->contended_ns);
		else
			err = err ?: sb_results__set_counter_unsupported(r, name);
		snprintf(name, sizeof(name), "lock.%s.hold", lock_names[i]);
		s = err ? NULL : sb_results__series(r, name, "ns", SB_KIND_LOCK_HOLD);
		if (!err && !s)
			err = -ENOMEM;
		if (!err && env.raw == 1 && t->lock_raw[i].nr == ls->acquired)
			err = add_raw_series(s, &t->lock_raw[i]);
		else if (!err)
			err = add_hist_series(s, b->hist[SMMUTRACE_HIST_LOCK + i]);
	}
	err = err ?: sb_results__set_counter_unsupported(r, "lock.devices_lock.holds");
	err = err ?: sb_results__set_counter(r, "drops.ringbuf", b->rb_drops);
	err = err ?: sb_results__set_counter(r, "drops.user", user_drops);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_state", b->cmdq_state_fail);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_read", b->cmdq_read_fail);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_truncated", b->cmdq_truncated);
	err = err ?: sb_results__set_counter(r, "drops.lock_state", b->lock_state_fail);
	err = err ?: sb_results__set_counter(r, "drops.path", b->path_fail);
	if (!err) {
		uint64_t sf = 0, ne = 0;

		for (i = 0; i < SMMUTRACE_MAX_SLOTS; i++) {
			sf += b->slot_stats[i].start_fail;
			ne += b->slot_stats[i].no_entry;
		}
		err = sb_results__set_counter(r, "drops.start_map", sf);
		err = err ?: sb_results__set_counter(r, "drops.no_entry", ne);
	}
	err = err ?: sb_results__write(r, env.output);
	if (err)
		fprintf(stderr, "smmubench trace: writing %s: %s\n", env.output,
			strerror(-err));
	sb_results__free(r);
	return err;
}

/* --- main -------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int check_environment(void)
{
	if (geteuid()) {
		fprintf(stderr, "smmubench trace: needs root (BPF and kprobes)\n");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "smmubench trace: no kernel BTF (/sys/kernel/btf/vmlinux): the kernel needs CONFIG_DEBUG_INFO_BTF=y\n");
		return -ENOENT;
	}
	if (access("/proc/kallsyms", R_OK)) {
		fprintf(stderr, "smmubench trace: /proc/kallsyms not readable\n");
		return -ENOENT;
	}
	return 0;
}

/* Forks COMMAND stopped on a pipe; start_command() lets it go. */
static pid_t fork_command(int *go_fd)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1)
			_exit(127);
		close(pfd[0]);
		execvp(env.command[0], env.command);
		fprintf(stderr, "smmubench trace: cannot run %s: %s\n",
			env.command[0], strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	*go_fd = pfd[1];
	return pid;
}

int cmd_trace(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = argp_doc,
	};
	struct tracer *t = NULL;
	struct smmutrace *skel = NULL;
	struct ring_buffer *rb = NULL;
	pid_t child = 0;
	int go_fd = -1, status = 0, child_rc = -1;
	uint64_t deadline = 0;
	int i, err, nr_attached = 0;

	argv[0] = (char *)"smmubench trace";	/* for argp's messages */
	err = argp_parse(&argp, argc, argv, ARGP_NO_HELP, NULL, NULL);
	if (err)
		return 2;
	if (env.events)
		env.raw = 1;
	if (env.raw < 0)
		env.raw = !env.duration || env.duration <= 10;

	err = check_environment();
	if (err)
		return 1;
	libbpf_set_print(libbpf_print_fn);

	t = calloc(1, sizeof(*t));
	if (!t) {
		err = -ENOMEM;
		goto cleanup;
	}
	t->kver = kernel_version();
	t->ks = ksyms__load();
	if (!t->ks || ksyms__addrs_hidden(t->ks)) {
		fprintf(stderr, "smmubench trace: cannot read kernel addresses from /proc/kallsyms (kptr_restrict?)\n");
		err = -EPERM;
		goto cleanup;
	}
	t->btf = btf__load_vmlinux_btf();
	err = libbpf_get_error(t->btf);
	if (err) {
		t->btf = NULL;
		fprintf(stderr, "smmubench trace: cannot load kernel BTF: %s\n",
			strerror(-err));
		goto cleanup;
	}
	v3_span(t);
	if (!t->v3_hi) {
		fprintf(stderr, "smmubench trace: no arm-smmu-v3 symbol in the kernel image: the driver is not built in (a module build is not supported yet)\n");
		err = -ENOENT;
		goto cleanup;
	}
	t->ftrace_funcs = ftrace_funcs__load();
	t->cmdq_has_cmdq = cmdq_nr_args(t->btf) == 5;

	/* Probe, do not compare versions: fentry must really attach. */
	t->fentry_err = fentry_try_attach("arm_smmu_cmdq_issue_cmdlist");
	t->fentry_ok = !t->fentry_err;
	if (env.probe == PROBE_FENTRY && !t->fentry_ok) {
		fprintf(stderr, "smmubench trace: --probe fentry: fentry cannot attach on this kernel (%s)\n",
			errstr(t->fentry_err));
		err = t->fentry_err;
		goto cleanup;
	}
	printf("Probe family: %s (fentry %s%s%s)\n",
	       t->fentry_ok && env.probe != PROBE_KPROBE ? "fentry/fexit" : "kprobe/kretprobe",
	       t->fentry_ok ? "attaches" : "does not attach: ",
	       t->fentry_ok ? "" : errstr(t->fentry_err),
	       env.probe == PROBE_KPROBE ? ", --probe kprobe" : "");

	err = select_funcs(t);
	if (err)
		goto cleanup;
	for (i = 0; i < t->nr_funcs; i++)
		resolve_func(t, &t->funcs[i]);
	if (t->funcs[0].state != RES_ATTACHED) {
		fprintf(stderr, "smmubench trace: arm_smmu_cmdq_issue_cmdlist: %s: is arm-smmu-v3 built in?\n",
			t->funcs[0].note);
		err = -ENOENT;
		goto cleanup;
	}

	skel = smmutrace__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "smmubench trace: cannot open the BPF object: %s\n",
			strerror(-err));
		goto cleanup;
	}
	err = prepare(t, skel);
	if (err) {
		fprintf(stderr, "smmubench trace: cannot set up BPF programs: %s\n",
			strerror(-err));
		goto cleanup;
	}
	if (list_only) {
		print_resolution(t, stdout);
		goto cleanup;
	}
	err = smmutrace__load(skel);
	if (err) {
		fprintf(stderr, "smmubench trace: cannot load BPF programs (%s): is BPF supported? rerun with -v\n",
			strerror(-err));
		goto cleanup;
	}
	for (i = 0; i < t->nr_funcs; i++) {
		if (t->funcs[i].state != RES_ATTACHED)
			continue;
		if (!attach_func(skel, &t->funcs[i]))
			nr_attached++;
	}
	if (t->locks_attached && attach_locks(t, skel))
		t->locks_attached = false;
	print_resolution(t, stdout);
	if (!nr_attached) {
		fprintf(stderr, "smmubench trace: nothing attached\n");
		err = -ENOENT;
		goto cleanup;
	}

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, t, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "smmubench trace: cannot create ring buffer: %s\n",
			strerror(-err));
		goto cleanup;
	}
	if (signal(SIGINT, sig_handler) == SIG_ERR ||
	    signal(SIGTERM, sig_handler) == SIG_ERR) {
		err = -errno;
		goto cleanup;
	}
	if (env.command) {
		child = fork_command(&go_fd);
		if (child < 0) {
			err = child;
			child = 0;
			fprintf(stderr, "smmubench trace: fork: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	fflush(stdout);
	t->t_start = now_ns();
	if (env.duration)
		deadline = t->t_start + env.duration * 1000000000ULL;
	if (child) {
		if (write(go_fd, "g", 1) != 1)
			fprintf(stderr, "smmubench trace: cannot start COMMAND\n");
		close(go_fd);
		go_fd = -1;
	} else {
		fprintf(stderr, "Tracing%s... Hit Ctrl-C to end.\n",
			env.duration ? " for the duration" : "");
	}
	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0) {
			fprintf(stderr, "smmubench trace: polling the ring buffer: %s\n",
				strerror(-err));
			break;
		}
		err = 0;
		if (child && waitpid(child, &status, WNOHANG) == child) {
			child_rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			child = 0;
			break;
		}
		if (deadline && now_ns() >= deadline)
			break;
	}
	t->t_end = now_ns();
	detach_all(t);
	if (skel->rodata->cfg.learn_asid_slot >= 0) {
		if (skel->bss->learned_asid_lock)
			snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
				 "mutex_lock/unlock hooks, address 0x%llx learned: first mutex of arm_smmu_domain_finalise_s1",
				 (unsigned long long)skel->bss->learned_asid_lock);
		else
			snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
				 "not traced: address not learned (%s)",
				 skel->bss->learn_rejected ?
				 "first mutex of finalise_s1 not in the kernel's data" :
				 "no domain finalised while tracing");
	}
	/* Drain what the programs wrote before they were detached. */
	ring_buffer__consume(rb);

	if (env.events)
		print_events(t);
	print_summary(t, skel);
	if (env.output && write_results(t, skel))
		err = -EIO;
	if (child_rc > 0)
		fprintf(stderr, "smmubench trace: COMMAND exited %d\n", child_rc);

cleanup:
	if (go_fd >= 0)
		close(go_fd);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	ring_buffer__free(rb);
	if (t)
		detach_all(t);
	smmutrace__destroy(skel);
	if (t) {
		for (i = 0; i < t->nr_funcs; i++)
			free(t->funcs[i].raw.ev);
		free(t->cmdq_raw.ev);
		for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
			free(t->lock_raw[i].ev);
		btf__free(t->btf);
		ksyms__free(t->ks);
		free(t->ftrace_funcs);
		free(t);
	}
	if (err)
		return 1;
	return child_rc > 0 ? child_rc : 0;
}
