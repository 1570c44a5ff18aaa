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
#include <math.h>
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

#include "cli/cmd_util.h"
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
	{ "iommu_sva_bind_device", "core", 0, 0, NULL },
	{ "iommu_sva_unbind_device", "core", 0, 0, NULL },
	{ "arm_smmu_sva_bind", "sva", 0, KVER(6, 6), NULL },
	{ "arm_smmu_sva_unbind", "sva", 0, KVER(6, 6), NULL },
	{ "arm_smmu_sva_set_dev_pasid", "sva", KVER(6, 6), 0, NULL },
	{ "arm_smmu_set_pasid", "sva", KVER(6, 10), 0, NULL },
	{ "arm_smmu_remove_dev_pasid", "sva", KVER(6, 6), 0, NULL },
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
static const char *const lock_names[SMMUTRACE_MAX_LOCKS] = {
	"arm_smmu_asid_lock", "init_mutex", "sva_lock", "iommu_sva_lock",
	"group_mutex", "devices_lock", "streams_mutex", "cmdq_lock",
};

/* The lock's class name in /proc/lock_stat (lockdep names it by its source). */
static const char *const lock_stat_names[SMMUTRACE_MAX_LOCKS] = {
	"arm_smmu_asid_lock", "&smmu_domain->init_mutex", "sva_lock",
	"iommu_sva_lock", "&group->mutex", "&smmu_domain->devices_lock",
	"&smmu->streams_mutex", NULL,
};

/* Static locks: kallsyms data symbols (CONFIG_KALLSYMS_ALL). */
static const struct {
	int idx;
	const char *sym;
} static_locks[] = {
	{ SMMUTRACE_LOCK_ASID, "arm_smmu_asid_lock" },
	{ SMMUTRACE_LOCK_SVA, "sva_lock" },
	{ SMMUTRACE_LOCK_IOMMU_SVA, "iommu_sva_lock" },
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
	unsigned int lock_mask;	/* --lock: bit per lock index, 0: all */
	uint64_t min_dur_ns;	/* --min-duration, 0: every call */
	bool all_tasks;		/* --all-tasks: klockstat-style baseline */
	const char *lock_probes;	/* --lock-probes: NULL (sites), sites, functions */
	bool lock_stat;
	const char *join;	/* results file of a run to join, or NULL */
	bool from_run;		/* started by smmubench run --trace */
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
"USAGE: smmubench trace [-d SECONDS] [-f NAME,...] [-L LOCK,...] [-p PID]\n"
"                       [-m TIME] [-o FILE] [--probe auto|kprobe|fentry] [-v]\n"
"                       [-- COMMAND...]\n"
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
"    smmubench trace -L init_mutex,arm_smmu_asid_lock -- CMD\n"
"                                        # only these two locks\n"
"    smmubench trace -m 100us -d 5       # only calls lasting >= 100 us\n"
"    smmubench trace --all-tasks -- CMD  # klockstat-style baseline (bench)\n"
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
	OPT_LOCK_STAT,
	OPT_JOIN,
	OPT_ALL_TASKS,
	OPT_LOCK_AT,
	OPT_LOCK_PROBES,
};

static const struct argp_option opts[] = {
	{ NULL, 0, NULL, 0, "What to trace:", 1 },
	{ "func", 'f', "NAME,...", 0,
	  "Catalogue functions to trace (default: all but the DMA map path); a name not in the catalogue may be a function of a loaded module (kprobe by address)", 1 },
	{ "pid", 'p', "PID", 0, "Only calls made by this process", 1 },
	{ "lock", 'L', "LOCK,...", 0,
	  "Trace only these locks (names as in -l; default: all)", 1 },
	{ "min-duration", 'm', "TIME", 0,
	  "Keep only calls lasting at least TIME (e.g. 50us, 1.5ms; a bare number is ms, as in perf trace --duration); lock holds are not filtered", 1 },
	{ "no-locks", OPT_NO_LOCKS, NULL, 0, "Do not follow the locks", 1 },
	{ "all-tasks", OPT_ALL_TASKS, NULL, 0,
	  "klockstat-style baseline for overhead comparisons: hook every mutex_lock/unlock of every task, with no per-task gate, and report holds per mutex address (the driver lock tables stay empty)", 1 },
	{ "lock-probes", OPT_LOCK_PROBES, "sites|functions", 0,
	  "Follow the locks by kprobes on the calls of the lock functions in the traced functions and their driver and iommu core callees (sites, the default), or by hooks on the lock functions themselves, paid by every caller in the system (functions; always with --all-tasks)", 1 },
	{ "lock-stat", OPT_LOCK_STAT, NULL, 0,
	  "Clear /proc/lock_stat when tracing begins, read it at the end and cross-check the lock holds", 1 },
	{ "lock-at", OPT_LOCK_AT, "FUNC:ARG+OFF=LOCK", 0,
	  "Also follow as LOCK (a name as in -l) the lock at argument ARG (0-based) of FUNC plus OFF bytes, learned at FUNC's entry; FUNC must be traced (-f). Repeatable. E.g. smmubench.ko's model: /sys/module/smmubench/parameters/model_locks", 1 },
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
	{ "join", OPT_JOIN, "RUN.results", 0,
	  "After tracing, add per-op breakdown series (CD write, CMD_SYNC, TLBI time and syncs per op) to this smmubench run results file (implies --raw)", 3 },
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

/* "50us", "1.5ms", "2s", "800ns"; a bare number is milliseconds. */
static int parse_time_ns(const char *arg, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e6 },
	};
	char num[64];
	size_t i, len;
	double v;

	len = strspn(arg, "0123456789.");
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, arg, len);
	num[len] = '\0';
	if (sb_parse_double(num, &v))
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(arg + len, units[i].unit))
			continue;
		v *= units[i].mult;
		if (!isfinite(v) || v > SB_MAX_VALUE_NS)
			return -ERANGE;
		*ns = (uint64_t)(v + 0.5);
		return 0;
	}
	return -EINVAL;
}

/*
 * --lock-at FUNC:ARG+OFF=LOCK: a learning rule of the user's (the kind the
 * tracer derives from BTF for the driver's own functions), for code the
 * catalogue does not know that takes the same kinds of locks.
 */
#define MAX_LOCK_AT	(2 * SMMUTRACE_MAX_LOCKS)
static struct lock_at_rule {
	const char *spec;
	char func[128];
	unsigned int arg;
	long off;
	int idx;
} lock_at[MAX_LOCK_AT];
static int nr_lock_at;

static void parse_lock_at(const char *arg, struct argp_state *state)
{
	struct lock_at_rule *a = &lock_at[nr_lock_at];
	char lock[64];
	int n = 0, i;

	if (nr_lock_at == MAX_LOCK_AT)
		argp_error(state, "--lock-at: at most %d rules", MAX_LOCK_AT);
	if (sscanf(arg, "%127[^:]:%u+%li=%63s%n", a->func, &a->arg, &a->off,
		   lock, &n) != 4 || arg[n] || a->arg > 4 || a->off < 0)
		argp_error(state, "--lock-at: '%s' is not FUNC:ARG+OFF=LOCK (ARG 0..4, OFF >= 0, e.g. sbm_bind_op:0+64=sva_lock)",
			   arg);
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
		if (i != SMMUTRACE_LOCK_CMDQ && !strcmp(lock, lock_names[i]))
			break;
	if (i == SMMUTRACE_MAX_LOCKS)	/* argp_error() exits */
		argp_error(state, "--lock-at: '%s' is not a mutex or spinlock the tracer names (see -l)",
			   lock);
	a->idx = i;
	a->spec = arg;
	nr_lock_at++;
}

/* --lock NAME,...: a bit per lock index. */
static unsigned int parse_locks(const char *arg, struct argp_state *state)
{
	char *list = strdup(arg), *tok, *save = NULL;
	unsigned int mask = 0;
	char names[256] = "";
	size_t len = 0;
	int i;

	if (!list)
		argp_failure(state, 1, ENOMEM, "--lock");
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
		if (lock_names[i])
			len += snprintf(names + len, sizeof(names) - len, "%s%s",
					len ? ", " : "", lock_names[i]);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
			if (lock_names[i] && !strcmp(tok, lock_names[i]))
				break;
		if (i == SMMUTRACE_MAX_LOCKS)	/* argp_error() exits */
			argp_error(state, "--lock: '%s' is not a lock traced here (%s)",
				   tok, names);
		mask |= 1U << i;
	}
	free(list);
	if (!mask)
		argp_error(state, "--lock: no lock given (%s)", names);
	return mask;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int err;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'd':
		env.duration = parse_long(arg, 1, 24 * 3600, state, "duration");
		break;
	case 'p':
		env.pid = parse_long(arg, 1, INT_MAX, state, "pid");
		if (kill(env.pid, 0) && errno == ESRCH)
			argp_error(state, "--pid: no process %d", env.pid);
		break;
	case 'L':
		env.lock_mask = parse_locks(arg, state);
		break;
	case 'm':
		err = parse_time_ns(arg, &env.min_dur_ns);
		if (err == -ERANGE)
			argp_error(state, "--min-duration: '%s' is above an hour", arg);
		else if (err)
			argp_error(state, "--min-duration: '%s' is not a time (e.g. 800ns, 50us, 1.5ms, 2s; a bare number is ms)",
				   arg);
		break;
	case OPT_ALL_TASKS:
		env.all_tasks = true;
		break;
	case OPT_LOCK_AT:
		parse_lock_at(arg, state);
		break;
	case OPT_LOCK_PROBES:
		if (strcmp(arg, "sites") && strcmp(arg, "functions"))
			argp_error(state, "--lock-probes: 'sites' or 'functions', not '%s'",
				   arg);
		env.lock_probes = arg;
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
	case OPT_LOCK_STAT:
		env.lock_stat = true;
		break;
	case OPT_JOIN:
		if (env.join)
			argp_error(state, "--join given twice%s",
				   env.from_run ? " (smmubench run --trace joins its own results)" : "");
		env.join = arg;
		break;
	case ARGP_KEY_ARGS:
		env.command = state->argv + state->next;
		break;
	case ARGP_KEY_ARG:
		return ARGP_ERR_UNKNOWN;	/* the rest is COMMAND: ARGP_KEY_ARGS */
	case ARGP_KEY_END:
		if (env.command && env.pid)
			argp_error(state, "--pid and COMMAND exclude each other");
		if (!env.locks && (env.lock_mask || env.all_tasks || env.lock_stat))
			argp_error(state, "--no-locks excludes --lock, --all-tasks and --lock-stat");
		if (env.lock_probes && !env.locks)
			argp_error(state, "--no-locks excludes --lock-probes");
		if (env.all_tasks && env.lock_probes && !strcmp(env.lock_probes, "sites"))
			argp_error(state, "--all-tasks hooks the lock functions: it excludes --lock-probes=sites");
		if (nr_lock_at && (!env.locks || env.all_tasks))
			argp_error(state, "--lock-at does not go with --no-locks or --all-tasks");
		if (env.all_tasks && (env.lock_mask || env.lock_stat))
			argp_error(state, "--all-tasks excludes --lock and --lock-stat: it traces every mutex, not the driver's");
		if (env.join && env.output && !strcmp(env.join, env.output))
			argp_error(state, "-o and --join name the same file (%s)", env.output);
		if (env.from_run && (env.pid || env.duration || list_only))
			argp_error(state, "--pid, --duration and --list do not go with smmubench run --trace: it traces the run, all of it");
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

/* tracer.lock_links: the lock function hooks (0-5, attach_locks()), then: */
enum {
	LINK_CONTENTION_BEGIN = 6,
	LINK_CONTENTION_END,
	LINK_CMDQ_UNLOCK,	/* --lock cmdq_lock */
	NR_LOCK_LINKS,
};

/*
 * Lock kinds, each followed either by kprobes on the calls of its lock
 * functions in the traced code (call sites) or by hooks on the lock
 * functions themselves: mutexes, and spinlocks where _raw_spin_lock_irqsave
 * is out of line.
 */
enum { LK_MUTEX, LK_SPIN, NR_LK };

#define SITE_DEPTH	3		/* callee levels below a traced function */
#define SITE_MAX	256		/* call sites per kind; more: function hooks */
#define SCAN_MAX_FUNCS	2048
#define SCAN_FUNC_MAX	(64 << 10)	/* bytes read of one function */

struct lock_site {
	uint64_t addr;		/* the bl (lock, unlock) or tail b (unlock) */
	bool unlock;
	int fn;			/* index in tracer.scan */
	struct bpf_link *links[2];	/* lock: the call and its return */
};

struct scan_func {
	uint64_t addr, size;
	const char *name;
	int depth;		/* 0: a traced function */
	bool module;
	bool direct;		/* reached from a traced function by calls */
};

struct lock_kind {
	const char *name;	/* "mutex", "spinlock" */
	const char *lock_fn, *unlock_fn;
	uint64_t lock_addr, unlock_addr;
	bool hooked;		/* a lock of this kind is traced */
	bool sites;		/* by call-site kprobes, else function hooks */
	char why[256];		/* why function hooks */
	char via[96];		/* the probes, as lock methods name them */
	struct lock_site site[SITE_MAX];
	int nr_sites, nr_lock, nr_unlock;
	int nr_refused;		/* sites the kernel refused, off the direct paths */
	char refused[256];	/* the first of them */
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
	char lock_method[SMMUTRACE_MAX_LOCKS][512];
	bool lock_traced[SMMUTRACE_MAX_LOCKS];
	char lock_learned_in[SMMUTRACE_MAX_LOCKS][160];	/* functions, comma list */
	bool cmdq_has_cmdq;
	int learn_slot;		/* finalise_s1, to learn the asid lock, or -1 */
	uint64_t kdata_lo, kdata_hi;
	/* v3 struct arm_smmu_domain: offsets of domain, init_mutex, devices_lock */
	long dom_off, init_off, devl_off;
	int v3_dom_id;		/* its BTF id, 0: not found */
	const char *mutex_fn;	/* mutex_lock or mutex_lock_nested */
	bool spin_hooks;	/* _raw_spin_lock_irqsave & co are functions */
	struct lock_kind lk[NR_LK];
	struct scan_func scan[SCAN_MAX_FUNCS];	/* functions read for call sites */
	int nr_scan;
	struct smmutrace_learn learn[SMMUTRACE_MAX_SLOTS][SMMUTRACE_LEARN_PER_SLOT];
	struct bpf_link *lock_links[NR_LOCK_LINKS];
	bool lock_stat;		/* --lock-stat: clear and read /proc/lock_stat */
	struct lockstat_row {
		bool found;
		uint64_t acq;
		double hold_us;
		uint64_t contentions;
	} lockstat[SMMUTRACE_MAX_LOCKS];
	bool locks_attached;
	bool contention;	/* lock:contention_* tracepoints attached */
	struct sample_vec cmdq_raw;
	struct sample_vec lock_raw[SMMUTRACE_MAX_LOCKS];
	uint64_t t_start, t_end;
};

/* fentry/fexit where they attach and --probe kprobe did not ask otherwise. */
static bool use_fentry(const struct tracer *t)
{
	return t->fentry_ok && env.probe != PROBE_KPROBE;
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
static bool lock_hook_fentry(const struct tracer *t, int k)
{
	return use_fentry(t) && k != LK_SPIN;
}

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

/*
 * -f names outside the catalogue: functions of loaded modules (e.g. the
 * model's ops in smmubench.ko), area "module", traced by a kprobe on the
 * address kallsyms gives (no module BTF: no fentry, no learning rules from
 * prototypes; --lock-at gives those).
 */
static struct ksyms *module_ks;
static struct func_def module_defs[MAX_FUNCS];
static char module_names[MAX_FUNCS][128];
static int nr_module_defs;

static const struct func_def *module_func_find(const char *name)
{
	const struct ksym *c[1];
	struct func_def *d;
	int i;

	for (i = 0; i < nr_module_defs; i++)
		if (!strcmp(module_defs[i].name, name))
			return &module_defs[i];
	if (!module_ks)
		module_ks = ksyms__load_modules();
	if (!module_ks || nr_module_defs == MAX_FUNCS ||
	    !ksyms__find_all(module_ks, name, c, 1))
		return NULL;
	d = &module_defs[nr_module_defs];
	snprintf(module_names[nr_module_defs], sizeof(module_names[0]), "%s",
		 name);
	d->name = module_names[nr_module_defs++];
	d->area = "module";
	return d;
}

static void resolve_module_func(struct func *f)
{
	const struct ksym *c[8];
	size_t n;

	n = ksyms__find_all(module_ks, f->def->name, c, 8);
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

static void resolve_func(struct tracer *t, struct func *f)
{
	const struct func_def *d = f->def;
	const struct ksym *c[8], *pick;
	char callers[256], *tok, *save = NULL;
	size_t n;

	if (!strcmp(d->area, "module")) {
		resolve_module_func(f);
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
		d = catalogue_find(tok) ?: module_func_find(tok);
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
static int domain_offsets(struct tracer *t)
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
static void learn_rules(struct tracer *t, const struct func *f)
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
	if (!(env.lock_mask & (1U << SMMUTRACE_LOCK_CMDQ))) {
		snprintf(m, len, "not traced by default (one more probe per CMD_SYNC): --lock cmdq_lock gives a bound on its shared holds");
		return;
	}
	t->lock_traced[SMMUTRACE_LOCK_CMDQ] = true;
	snprintf(m, len,
		 "bounded estimate: an inline atomic; a shared hold (one per cmdlist call with CMD_SYNC, spanning the sync wait) lies inside arm_smmu_cmdq_issue_cmdlist entry .. arm_smmu_cmdq_shared_unlock() entry (%s), recorded as that upper bound; exclusive holds (queue full) are not seen",
		 fentry ? "fentry" : "kprobe");
}

static void resolve_locks(struct tracer *t)
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
static void describe_learned_locks(struct tracer *t)
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
static int lock_at_rules(struct tracer *t)
{
	size_t keep[SMMUTRACE_MAX_LOCKS], len = sizeof(t->lock_method[0]);
	bool seen[SMMUTRACE_MAX_LOCKS] = {};
	const struct lock_at_rule *a;
	struct func *f;
	int r, i, k;
	char *m;

	for (r = 0; r < nr_lock_at; r++) {
		a = &lock_at[r];
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
static void filter_locks(struct tracer *t)
{
	int i, s, k;

	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		if (!lock_names[i])
			continue;
		if (!env.all_tasks && (!env.lock_mask || (env.lock_mask & (1U << i))))
			continue;
		t->lock_addr[i] = 0;
		t->lock_traced[i] = false;
		snprintf(t->lock_method[i], sizeof(t->lock_method[i]), "%s",
			 env.all_tasks ? "not traced: --all-tasks follows every mutex by address instead" :
			 "not traced: not selected by --lock");
		for (s = 0; s < SMMUTRACE_MAX_SLOTS; s++)
			for (k = 0; k < SMMUTRACE_LEARN_PER_SLOT; k++)
				if (t->learn[s][k].idx == i)
					t->learn[s][k].kind = SMMUTRACE_LEARN_NONE;
		if (i == SMMUTRACE_LOCK_ASID)
			t->kdata_hi = 0;	/* do not learn it either */
	}
}

/* --- call-site lock probes --------------------------------------------- */

/*
 * Hooks on mutex_lock() itself are paid by every mutex user of the system
 * (docs/tracer.md, Overhead). Instead, the calls of the lock functions are
 * found in the machine code of the traced functions and of their driver
 * and iommu core callees, and each call gets its own kprobes.
 */

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
	const struct ksyms *tabs[2] = { t->ks, module_ks };
	const struct ksym *s, *last, *text;
	int i;

	for (i = 0; i < 2; i++) {
		if (!tabs[i])
			continue;
		last = ksyms__find_addr(tabs[i], addr);
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
	struct ktext *kt = ktext__open();
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
	ktext__close(kt);
}

/*
 * Chooses, per lock kind, call sites or function hooks (and says why),
 * before the lock methods are described with the chosen probes' names.
 */
static void plan_lock_probes(struct tracer *t)
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
		s = ksyms__get(t->ks, lk->lock_fn);
		lk->lock_addr = s ? s->addr : 0;
		s = ksyms__get(t->ks, lk->unlock_fn);
		lk->unlock_addr = s ? s->addr : 0;
		if (env.all_tasks)
			snprintf(lk->why, sizeof(lk->why),
				 "--all-tasks follows every mutex of every task");
		else if (env.lock_probes && !strcmp(env.lock_probes, "functions"))
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
static void lock_probe_desc(const struct tracer *t, int k, char *buf,
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

static void print_lock_probes(const struct tracer *t)
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
		for (i = 0; env.verbose && t->lk[k].sites && i < t->lk[k].nr_sites; i++) {
			st = &t->lk[k].site[i];
			printf("%-20s %s 0x%llx %s+0x%llx\n", "", st->unlock ?
			       "unlock" : "lock", (unsigned long long)st->addr,
			       t->scan[st->fn].name,
			       (unsigned long long)(st->addr - t->scan[st->fn].addr));
		}
	}
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

/* Sets rodata, autoload and fentry targets; called between open and load. */
static int prepare(struct tracer *t, struct smmutrace *skel)
{
	struct smmutrace_cfg c = {};
	struct bpf_program *pe, *px;
	struct func *f;
	int i, slot = 1, err;
	size_t k;

	set_autoload_all(skel, false);
	t->learn_slot = -1;
	/* lockdep (DEBUG_LOCK_ALLOC) turns mutex_lock into mutex_lock_nested */
	t->mutex_fn = ksyms__find_all(t->ks, "mutex_lock", NULL, 0) ||
		      !ksyms__find_all(t->ks, "mutex_lock_nested", NULL, 0) ?
		      "mutex_lock" : "mutex_lock_nested";
	t->spin_hooks = ksyms__find_all(t->ks, "_raw_spin_lock_irqsave", NULL, 0) &&
			ksyms__find_all(t->ks, "_raw_spin_unlock_irqrestore", NULL, 0);
	if (t->ftrace_funcs)
		t->spin_hooks = t->spin_hooks &&
			ftrace_funcs__has(t->ftrace_funcs, "_raw_spin_lock_irqsave") &&
			ftrace_funcs__has(t->ftrace_funcs, "_raw_spin_unlock_irqrestore");
	domain_offsets(t);
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
		if (env.locks)
			learn_rules(t, f);
		/* Before 6.10 (source) finalise_s1 locks the asid lock first. */
		if (!strcmp(f->def->name, "arm_smmu_domain_finalise_s1") &&
		    t->kver < KVER(6, 10))
			t->learn_slot = f->slot;
	}

	c.tgid = env.pid;
	c.raw = env.raw == 1;
	c.min_dur_ns = env.min_dur_ns;
	c.all_tasks = env.all_tasks;
	c.cmdq_has_cmdq = t->cmdq_has_cmdq;
	c.learn_asid_slot = -1;

	if (env.locks) {
		plan_lock_probes(t);
		resolve_locks(t);
		describe_learned_locks(t);
		err = lock_at_rules(t);
		if (err)
			return err;
		filter_locks(t);
		memcpy(c.learn, t->learn, sizeof(c.learn));
	}
	if (env.locks && !t->lock_addr[0] && t->kdata_hi) {
		c.learn_asid_slot = t->learn_slot;
		c.kdata_lo = t->kdata_lo;
		c.kdata_hi = t->kdata_hi;
	}
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)
		c.static_lock[k] = env.locks ? t->lock_addr[k] : 0;
	/* The skeleton types .rodata const volatile: writable until load. */
	memcpy((void *)&skel->rodata->cfg, &c, sizeof(c));
	t->locks_attached = false;
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)	/* lock probes */
		t->locks_attached |= env.locks && t->lock_traced[k] &&
				     k != SMMUTRACE_LOCK_CMDQ;
	t->locks_attached |= env.all_tasks;
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
	t->contention = !env.all_tasks &&
		btf__find_by_name_kind(t->btf, "btf_trace_contention_begin",
				       BTF_KIND_TYPEDEF) > 0;
	bpf_program__set_autoload(skel->progs.contention_begin, t->contention);
	bpf_program__set_autoload(skel->progs.contention_end, t->contention);
	/* klockstat follows mutexes only, and so does the baseline */
	t->lk[LK_SPIN].hooked = t->lock_traced[SMMUTRACE_LOCK_DEVICES] &&
				!env.all_tasks;
	t->lk[LK_MUTEX].hooked = env.all_tasks;
	for (k = 0; k < SMMUTRACE_MAX_LOCKS; k++)
		t->lk[LK_MUTEX].hooked |= t->lock_traced[k] &&
			k != SMMUTRACE_LOCK_CMDQ && k != SMMUTRACE_LOCK_DEVICES;
	bpf_program__set_autoload(skel->progs.site_lock,
				  t->lk[LK_MUTEX].sites || t->lk[LK_SPIN].sites);
	bpf_program__set_autoload(skel->progs.site_acquired,
				  t->lk[LK_MUTEX].sites || t->lk[LK_SPIN].sites);
	bpf_program__set_autoload(skel->progs.site_unlock,
				  t->lk[LK_MUTEX].sites || t->lk[LK_SPIN].sites);
	/*
	 * The lock function hooks of a hooked kind are loaded even when its
	 * call sites are planned: a site the kernel refuses at attach time
	 * falls back to them (loaded, not attached, they cost nothing).
	 */
	return lock_hooks_autoload(t, skel);
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

static int attach_locks(struct tracer *t, struct smmutrace *skel)
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
static int attach_cmdq_lock(struct tracer *t, struct smmutrace *skel)
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

static void detach_all(struct tracer *t)
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

static void print_lock_methods(const struct tracer *t)
{
	int i;

	printf("\n%-20s %s\n", "LOCK", "METHOD");
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		if (lock_names[i])
			printf("%-20s %s\n", lock_names[i], t->lock_method[i]);
	}
}

/* --- /proc/lock_stat as an oracle -------------------------------------- */

#define LOCK_STAT_PATH	"/proc/lock_stat"

static int lock_stat_clear(void)
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
static int lock_stat_read(struct tracer *t)
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

/* --- --all-tasks: holds per mutex address -------------------------------- */

struct any_row {
	uint64_t addr;
	struct smmutrace_any_lock st;
};

static int cmp_any_hold(const void *a, const void *b)
{
	const struct any_row *x = a, *y = b;

	return x->st.hold_ns < y->st.hold_ns ? 1 : x->st.hold_ns > y->st.hold_ns ? -1 : 0;
}

/* Every mutex seen, by total hold, largest first; NULL on error. */
static struct any_row *any_rows(const struct smmutrace *skel, size_t *nr,
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
		const struct ksym *k = ksyms__find_addr(t->ks, rows[i].addr);

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
	char p50[16], p99[16], mx[16], tot[16], syn[16], cw[16], cont[24];
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
	if (env.min_dur_ns) {
		fmt_ns(p50, sizeof(p50), env.min_dur_ns);
		printf("(--min-duration %s: only calls at least that long are counted; shorter ones:", p50);
		for (i = 0; i < t->nr_funcs; i++) {
			f = &t->funcs[i];
			if (f->state == RES_ATTACHED)
				printf(" %s %llu", f->def->name,
				       (unsigned long long)b->slot_stats[f->slot].below_min);
		}
		printf(")\n");
	}

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
			if (!t->lock_traced[i]) {
				printf("%-20s %s\n", lock_names[i], t->lock_method[i]);
				continue;
			}
			fmt_ns(tot, sizeof(tot), ls->hold_ns);
			fmt_ns(mx, sizeof(mx), ls->max_hold_ns);
			fmt_ns(p99, sizeof(p99), ls->wait_ns);
			fmt_ns(syn, sizeof(syn), ls->sync_ns);
			fmt_ns(cw, sizeof(cw), ls->contended_ns);
			snprintf(cont, sizeof(cont), "%llu",
				 (unsigned long long)ls->contended);
			/* the cmdq lock's bound has no wait and no contention */
			if (i == SMMUTRACE_LOCK_CMDQ)
				snprintf(p99, sizeof(p99), "-");
			printf("%-20s %8llu %9s %9s %9s %5s %9s %7llu %9s  %s\n",
			       lock_names[i], (unsigned long long)ls->acquired,
			       tot, mx, p99, i == SMMUTRACE_LOCK_CMDQ ? "-" : cont,
			       t->contention && i != SMMUTRACE_LOCK_CMDQ ? cw : "-",
			       (unsigned long long)ls->sync_calls, syn,
			       t->lock_method[i]);
		}
		print_lock_probes(t);
		printf("(HOLD, WAIT, CONTWAIT, SYNCTIME are totals; WAIT is from the lock call to its return, CONTWAIT the slow path between lock:contention_begin/end%s)\n",
		       t->contention ? "" : ": not available here");
		print_takers(t, skel);
		if (t->lock_stat)
			print_lock_stat(t, skel);
		if (env.all_tasks)
			print_any_locks(t, skel);
	}

	for (i = 0; i < SMMUTRACE_MAX_SLOTS; i++) {
		start_fail += b->slot_stats[i].start_fail;
		no_entry += b->slot_stats[i].no_entry;
	}
	printf("\nLosses: ring buffer %llu, user %llu, start map %llu, exits without entry %llu, cmdq state %llu, cmdq read %llu, truncated batches %llu, lock state %llu, lock returns missed %llu\n",
	       (unsigned long long)b->rb_drops, (unsigned long long)user_drops,
	       (unsigned long long)start_fail, (unsigned long long)no_entry,
	       (unsigned long long)b->cmdq_state_fail,
	       (unsigned long long)b->cmdq_read_fail,
	       (unsigned long long)b->cmdq_truncated,
	       (unsigned long long)b->lock_state_fail,
	       (unsigned long long)b->lock_try_stale);
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
	int k;

	r = sb_results__new();
	if (!r)
		return -ENOMEM;
	err = sb_results__set_host_meta(r);
	err = err ?: sb_results__set_meta(r, "tool", "smmubench trace");
	err = err ?: sb_results__set_meta(r, "probe", "%s",
					  use_fentry(t) ?
					  "fentry" : "kprobe");
	for (i = 0; env.command && env.command[i] && !err; i++)
		len += snprintf(cmd + len, len < sizeof(cmd) ? sizeof(cmd) - len : 0,
				"%s%s", i ? " " : "", env.command[i]);
	err = err ?: sb_results__set_param(r, "duration_s", "%ld", env.duration);
	if (cmd[0])
		err = err ?: sb_results__set_param(r, "command", "%s", cmd);
	if (env.pid)
		err = err ?: sb_results__set_param(r, "pid", "%d", env.pid);
	if (env.min_dur_ns)
		err = err ?: sb_results__set_param(r, "min_duration_ns", "%llu",
						   (unsigned long long)env.min_dur_ns);
	if (env.lock_mask || env.all_tasks)
		err = err ?: sb_results__set_param(r, "locks", "%s",
						   env.all_tasks ? "all-tasks" : "--lock");
	/* measured, not asked for: a counter (docs/results-format.md) */
	err = err ?: sb_results__set_counter(r, "traced_ns", t->t_end - t->t_start);

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
		if (env.min_dur_ns) {
			snprintf(name, sizeof(name), "below_min.func.%s", f->def->name);
			err = err ?: sb_results__set_counter(r, name,
					b->slot_stats[f->slot].below_min);
		}
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
		traced = t->lock_traced[i];
		snprintf(name, sizeof(name), "lock.%s.method", lock_names[i]);
		err = sb_results__set_meta(r, name, "%s", t->lock_method[i]);
		snprintf(name, sizeof(name), "lock.%s.holds", lock_names[i]);
		if (!traced) {
			err = err ?: sb_results__set_counter_unsupported(r, name);
			continue;
		}
		err = err ?: sb_results__set_counter(r, name, ls->acquired);
		snprintf(name, sizeof(name), "lock.%s.hold_ns", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, ls->hold_ns);
		if (t->lock_stat && t->lockstat[i].found) {
			snprintf(name, sizeof(name), "lockstat.%s.acquisitions",
				 lock_names[i]);
			err = err ?: sb_results__set_counter(r, name, t->lockstat[i].acq);
			snprintf(name, sizeof(name), "lockstat.%s.hold_ns",
				 lock_names[i]);
			err = err ?: sb_results__set_counter(r, name,
					(uint64_t)(t->lockstat[i].hold_us * 1e3 + 0.5));
		}
		for (k = 0; k < SMMUTRACE_MAX_SLOTS && !err; k++) {
			const struct smmutrace_taker_stat *ts = &b->taker_stats[i][k];

			if (!ts->holds)
				continue;
			snprintf(name, sizeof(name), "lock.%s.in.%s.holds",
				 lock_names[i], slot_func(t, k));
			err = sb_results__set_counter(r, name, ts->holds);
			snprintf(name, sizeof(name), "lock.%s.in.%s.sync_calls",
				 lock_names[i], slot_func(t, k));
			err = err ?: sb_results__set_counter(r, name, ts->sync_calls);
		}
		snprintf(name, sizeof(name), "lock.%s.sync_ns", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, ls->sync_ns);
		snprintf(name, sizeof(name), "lock.%s.sync_calls", lock_names[i]);
		err = err ?: sb_results__set_counter(r, name, ls->sync_calls);
		/* the cmdq lock's bound has no wait and no contention events */
		bool cmdq = i == SMMUTRACE_LOCK_CMDQ;

		snprintf(name, sizeof(name), "lock.%s.wait_ns", lock_names[i]);
		if (cmdq)
			err = err ?: sb_results__set_counter_unsupported(r, name);
		else
			err = err ?: sb_results__set_counter(r, name, ls->wait_ns);
		snprintf(name, sizeof(name), "lock.%s.contended", lock_names[i]);
		if (t->contention && !cmdq)
			err = err ?: sb_results__set_counter(r, name, ls->contended);
		else
			err = err ?: sb_results__set_counter_unsupported(r, name);
		snprintf(name, sizeof(name), "lock.%s.contended_ns", lock_names[i]);
		if (t->contention && !cmdq)
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
	err = err ?: sb_results__set_counter(r, "drops.ringbuf", b->rb_drops);
	err = err ?: sb_results__set_counter(r, "drops.user", user_drops);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_state", b->cmdq_state_fail);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_read", b->cmdq_read_fail);
	err = err ?: sb_results__set_counter(r, "drops.cmdq_truncated", b->cmdq_truncated);
	err = err ?: sb_results__set_counter(r, "drops.lock_state", b->lock_state_fail);
	err = err ?: sb_results__set_counter(r, "drops.path", b->path_fail);
	err = err ?: sb_results__set_counter(r, "drops.lock_try_stale", b->lock_try_stale);
	err = err ?: write_lock_probes(t, r);
	if (env.all_tasks) {
		struct any_row *rows;
		uint64_t holds;
		size_t nr;

		rows = err ? NULL : any_rows(skel, &nr, &holds);
		if (!err && !rows)
			err = -ENOMEM;
		err = err ?: sb_results__set_counter(r, "alltasks.holds", b->any_acquired);
		err = err ?: sb_results__set_counter(r, "alltasks.mutexes", nr);
		err = err ?: sb_results__set_counter(r, "drops.alltasks_map", b->any_map_full);
		free(rows);
	}
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

/* --- joining to a run's ops -------------------------------------------- */

/*
 * Each sample of a run's op.<name> series (SB_KIND_OP) carries its start
 * (ktime, the clock of bpf_ktime_get_ns), its latency and its thread index.
 * The tracer's records of the thread that ran the op and lie inside
 * [start, start + latency] belong to it. The thread index is mapped to a
 * kernel thread id with the run's meta thread_pids when it has them (the
 * module's kthreads); else (ops run in the run's own processes, e.g. bind)
 * by vote: the tid whose traced calls fall inside the most ops of that
 * thread index (a contended op's window may also hold another thread's
 * calls, but only its own thread's calls are inside every one of them).
 */
#define JOIN_MAX_THREADS 256

static bool ev_inside(const struct smmutrace_event *e, uint64_t lo, uint64_t hi)
{
	return e->start_ns >= lo && e->start_ns + e->dur_ns <= hi;
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

static void join_tids(const struct tracer *t, const struct sb_series *op,
		      uint32_t *tid_of, size_t nthreads)
{
	struct { uint32_t tid; uint64_t votes; } cand[JOIN_MAX_THREADS][4] = {};
	size_t i, j, k, c;

	for (i = 0; i < op->nr_samples; i++) {
		const struct sb_sample *sm = &op->samples[i];
		uint64_t hi = sm->start_ns + sm->value;
		uint32_t seen[16];
		size_t nseen = 0;

		if (sm->thread >= nthreads || sm->start_ns == SB_NONE)
			continue;
		for (j = 0; j < (size_t)t->nr_funcs; j++) {
			const struct sample_vec *v = &t->funcs[j].raw;

			for (k = 0; k < v->nr; k++) {
				const struct smmutrace_event *e = &v->ev[k];

				if (!ev_inside(e, sm->start_ns, hi))
					continue;
				for (c = 0; c < nseen && seen[c] != e->tid; c++)
					;
				if (c < nseen || nseen == 16)
					continue;
				seen[nseen++] = e->tid;
			}
		}
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

static int join_results(const struct tracer *t, const struct smmutrace *skel)
{
	static const char *const parts[] = { "cd_write", "cmd_sync", "tlbi", "syncs" };
	uint32_t tid_of[JOIN_MAX_THREADS] = {};
	struct sb_results *r = NULL;
	bool cd_traced = false;
	const char *pids;
	char err[256], name[SB_NAME_MAX];
	size_t nthreads = 0, i, j, k, nops;
	int p, err2 = 0;

	if (sb_results__read(env.join, &r, err, sizeof(err))) {
		fprintf(stderr, "smmubench trace: --join %s: %s\n", env.join, err);
		return -EINVAL;
	}
	pids = sb_results__meta(r, "thread_pids");
	if (pids && *pids) {
		const char *q = pids;

		while (*q && nthreads < JOIN_MAX_THREADS) {
			tid_of[nthreads++] = strtoul(q, (char **)&q, 10);
			if (*q == ',')
				q++;
			else
				break;
		}
	}
	for (p = 0; p < t->nr_funcs; p++)
		cd_traced |= t->funcs[p].state == RES_ATTACHED &&
			     is_cd_write(t, t->funcs[p].slot);
	printf("\nJOINED TO %s (thread ids from %s)\n", env.join,
	       nthreads ? "meta thread_pids" : "the traced calls inside each op");
	printf("%-14s %6s %8s %10s %10s %10s %8s\n", "OP", "OPS", "MATCHED",
	       "CDWRITE", "CMD_SYNC", "TLBI", "SYNCS/OP");
	nops = r->nr_series;
	for (i = 0; i < nops && !err2; i++) {
		const struct sb_series *op = &r->series[i];
		struct sb_series *out[4];
		uint64_t sum[4] = {}, matched = 0, smin = UINT64_MAX, smax = 0;
		size_t nth = nthreads;
		char c0[16], c1[16], c2[16];

		if (op->kind != SB_KIND_OP || strncmp(op->name, "op.", 3) ||
		    !op->nr_samples)
			continue;
		if (!nthreads) {
			for (j = 0; j < op->nr_samples; j++) {
				if (op->samples[j].thread != SB_NONE &&
				    op->samples[j].thread + 1 > nth)
					nth = op->samples[j].thread + 1;
			}
			if (nth > JOIN_MAX_THREADS)
				nth = JOIN_MAX_THREADS;
			memset(tid_of, 0, sizeof(tid_of));
			join_tids(t, op, tid_of, nth);
		}
		memset(out, 0, sizeof(out));
		op = &r->series[i];	/* the table does not move, but be plain */
		for (j = 0; j < op->nr_samples && !err2; j++) {
			const struct sb_sample *sm = &op->samples[j];
			uint64_t v[4] = {}, hi = sm->start_ns + sm->value;
			bool any = false;
			uint32_t tid;

			if (sm->thread >= nth || sm->start_ns == SB_NONE)
				continue;
			tid = tid_of[sm->thread];
			for (k = 0; k < (size_t)t->nr_funcs; k++) {
				const struct func *f = &t->funcs[k];
				size_t m;

				if (f->state != RES_ATTACHED)
					continue;
				for (m = 0; m < f->raw.nr; m++) {
					const struct smmutrace_event *e = &f->raw.ev[m];

					if (e->tid != tid || !ev_inside(e, sm->start_ns, hi))
						continue;
					any = true;
					if (is_cd_write(t, e->slot))
						v[0] += e->dur_ns;
				}
			}
			for (k = 0; k < t->cmdq_raw.nr; k++) {
				const struct smmutrace_event *e = &t->cmdq_raw.ev[k];

				if (e->tid != tid || !ev_inside(e, sm->start_ns, hi))
					continue;
				any = true;
				if (e->sync) {
					v[1] += e->dur_ns;
					v[3]++;
				}
				if (cmdq_has_tlbi(e))
					v[2] += e->dur_ns;
			}
			if (!any)
				continue;
			matched++;
			for (p = 0; p < 4 && !err2; p++) {
				struct sb_sample o = *sm;

				/* no CD-write function traced: no CD-write time */
				if (p == 0 && !cd_traced)
					continue;
				if (!out[p]) {	/* series only for ops with records */
					snprintf(name, sizeof(name), "trace.%s.%s",
						 op->name + 3, parts[p]);
					out[p] = sb_results__series(r, name,
						p == 3 ? "1" : "ns", p == 3 ? SB_KIND_COUNT :
						p == 1 ? SB_KIND_SYNC : SB_KIND_FUNC);
					if (!out[p]) {
						err2 = -ENOMEM;
						break;
					}
				}
				o.value = v[p];
				sum[p] += v[p];
				err2 = sb_series__add(out[p], &o);
			}
			if (v[3] < smin)
				smin = v[3];
			if (v[3] > smax)
				smax = v[3];
		}
		if (!cd_traced)
			snprintf(c0, sizeof(c0), "-");
		else
			fmt_ns(c0, sizeof(c0), matched ? sum[0] / matched : 0);
		fmt_ns(c1, sizeof(c1), matched ? sum[1] / matched : 0);
		fmt_ns(c2, sizeof(c2), matched ? sum[2] / matched : 0);
		printf("%-14s %6zu %8llu %10s %10s %10s %4llu..%llu\n", op->name,
		       op->nr_samples, (unsigned long long)matched, c0, c1, c2,
		       (unsigned long long)(matched ? smin : 0),
		       (unsigned long long)smax);
		snprintf(name, sizeof(name), "trace.%s.matched", op->name + 3);
		err2 = err2 ?: sb_results__set_counter(r, name, matched);
	}
	printf("(CDWRITE, CMD_SYNC, TLBI: mean time per matched op of the CD-write function, of cmdlist calls ending in a CMD_SYNC, of cmdlist calls carrying a TLBI; SYNCS/OP: min..max)\n");
	/* The run's own latencies now include the probes' cost: say so. */
	err2 = err2 ?: sb_results__set_meta(r, "traced", "%s probes (smmubench trace): op latencies include their cost",
					    use_fentry(t) ?
					    "fentry" : "kprobe");
	if (!err2 && skel->bss->rb_drops)
		printf("warning: %llu records lost in the ring buffer: some ops are incomplete\n",
		       (unsigned long long)skel->bss->rb_drops);
	err2 = err2 ?: sb_results__write(r, env.join);
	if (err2)
		fprintf(stderr, "smmubench trace: --join %s: %s\n", env.join,
			strerror(-err2));
	sb_results__free(r);
	return err2;
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
	argp_err_exit_status = SB_EXIT_USAGE;
	err = argp_parse(&argp, argc, argv, ARGP_NO_HELP, NULL, NULL);
	if (err)
		return 2;
	if (env.events || env.join)
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
	       use_fentry(t) ? "fentry/fexit" : "kprobe/kretprobe",
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
		if (env.locks) {
			print_lock_methods(t);
			print_lock_probes(t);
		}
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
	if (t->lock_traced[SMMUTRACE_LOCK_CMDQ])
		attach_cmdq_lock(t, skel);	/* says why in the method if it fails */
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
	if (env.lock_stat) {
		err = lock_stat_clear();
		if (err) {
			fprintf(stderr, "smmubench trace: --lock-stat: cannot clear %s: %s (needs CONFIG_LOCK_STAT)\n",
				LOCK_STAT_PATH, strerror(-err));
			goto cleanup;
		}
		t->lock_stat = true;
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
		/*
		 * Records wake the reader only when the buffer fills up
		 * (smmutrace.bpf.c, rb_wakeup_flags()): drain it every 100 ms.
		 */
		err = ring_buffer__poll(rb, 100);
		if (err >= 0)
			err = ring_buffer__consume(rb);
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
	if (t->lock_stat && lock_stat_read(t)) {
		fprintf(stderr, "smmubench trace: cannot read %s\n", LOCK_STAT_PATH);
		t->lock_stat = false;
	}
	if (skel->rodata->cfg.learn_asid_slot >= 0) {
		if (skel->bss->learned_asid_lock)
			snprintf(t->lock_method[0], sizeof(t->lock_method[0]),
				 "%s, address 0x%llx learned: first mutex of arm_smmu_domain_finalise_s1",
				 t->lk[LK_MUTEX].via,
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
	if (env.join && child_rc > 0)
		fprintf(stderr, "smmubench trace: COMMAND failed: nothing joined to %s\n",
			env.join);
	else if (env.join && join_results(t, skel))
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
		ksyms__free(module_ks);
		free(t->ftrace_funcs);
		free(t);
	}
	if (err)
		return 1;
	return child_rc > 0 ? child_rc : 0;
}

/*
 * smmubench run --trace[=OPTIONS]: the run, as COMMAND of a trace that
 * joins its records to the run's results file. @argv is run's own, minus
 * its --trace element at @trace_argi; OPTIONS are trace options split at
 * blanks. The run is this same program (/proc/self/exe), so that tracer
 * and run are one version.
 */
int cmd_trace_run(int argc, char **argv, int trace_argi, const char *results,
		  const char *opts)
{
	char *copy = strdup(opts ? opts : ""), *tok, *save = NULL;
	char **av = calloc(argc + strlen(opts ? opts : "") + 16, sizeof(*av));
	int n = 0, i, ret;

	if (!copy || !av) {
		fprintf(stderr, "smmubench run: --trace: out of memory\n");
		free(copy);
		free(av);
		return SB_EXIT_RUNTIME;
	}
	av[n++] = (char *)"trace";
	av[n++] = (char *)"--join";
	av[n++] = (char *)results;
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(tok, "--")) {
			fprintf(stderr, "smmubench run: --trace: no '--' or COMMAND in the trace options: the run is the command\n");
			free(copy);
			free(av);
			return SB_EXIT_USAGE;
		}
		av[n++] = tok;
	}
	av[n++] = (char *)"--";
	av[n++] = (char *)"/proc/self/exe";
	av[n++] = (char *)"run";
	for (i = 1; i < argc; i++)
		if (i != trace_argi)
			av[n++] = argv[i];
	av[n++] = (char *)"-o";		/* the file both sides agree on */
	av[n++] = (char *)results;
	av[n] = NULL;
	env.from_run = true;
	ret = cmd_trace(n, av);
	free(copy);
	free(av);
	return ret;
}
