/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user side of the tracer, between its files (libbpf-tools keep one
 * file per tool; this one has grown jobs of its own):
 *
 *   smmutrace.c    the trace from start to end: set up, attach, poll, report
 *   catalogue.c    the functions it knows and their resolution on the
 *                  running kernel (kallsyms, BTF, ftrace's function list)
 *   locks.c        the locks: static addresses, learning rules, --lock-at
 *   callsites.c    the lock functions' call sites, found in arm64 code
 *                  read by the kernel-text reader (ktext.c, ktext.bpf.c)
 *   attach.c       BPF programs set up, attached and detached
 *   records.c      events kept, the results file built from them
 *   summary.c      the printed tables
 *
 * cli/cmd_trace.c fills struct trace_opts and calls smmutrace_run().
 */
#ifndef SMMUBENCH_BPF_TRACER_H
#define SMMUBENCH_BPF_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

#include "smmutrace.h"

struct bpf_link;
struct btf;
struct ksyms;
struct sb_results;
struct smmutrace;

#define KVER(a, b)	((a) * 256 + (b))
#define MAX_FUNCS	64

/* --- options (cli/cmd_trace.c) ------------------------------------------ */

enum probe_mode { PROBE_AUTO, PROBE_KPROBE, PROBE_FENTRY };

/*
 * --lock-at FUNC:ARG+OFF=LOCK: a learning rule of the user's (the kind the
 * tracer derives from BTF for the driver's own functions), for code the
 * catalogue does not know that takes the same kinds of locks.
 */
#define MAX_LOCK_AT	(2 * SMMUTRACE_MAX_LOCKS)
struct lock_at_rule {
	const char *spec;
	char func[128];
	unsigned int arg;
	long off;
	int idx;
};

struct trace_opts {
	long duration;		/* seconds, 0: until COMMAND ends or ^C */
	pid_t pid;
	char *funcs;		/* --func list, NULL: default catalogue */
	const char *output;
	enum probe_mode probe;
	int raw;		/* 0 or 1 (the front end decides -1: auto) */
	bool locks;
	unsigned int lock_mask;	/* --lock: bit per lock index, 0: all */
	uint64_t min_dur_ns;	/* --min-duration, 0: every call */
	bool all_tasks;		/* --all-tasks: klockstat-style baseline */
	bool empty;		/* --empty: the probes' floor (make bench) */
	const char *lock_probes;	/* --lock-probes: NULL (sites), sites, functions */
	bool lock_stat;
	const char *join;	/* results file of a run to join, or NULL */
	bool from_run;		/* started by smmubench run --trace */
	bool events;
	bool verbose;
	bool list_only;		/* -l: resolve, print, exit */
	char **command;
	struct lock_at_rule lock_at[MAX_LOCK_AT];
	int nr_lock_at;
};

/* The whole trace; returns the process exit code (COMMAND's if it failed). */
int smmutrace_run(const struct trace_opts *o);

/* --- the state of one trace ---------------------------------------------- */

struct func_def {
	const char *name;
	const char *area;	/* cmdq, cd, ste, inv, attach, map, sva */
	unsigned int since;	/* first kernel whose source has it */
	unsigned int until;	/* first kernel without it; 0: still there */
	const char *callers;	/* traceable callers to name if it is inlined */
	bool opt_in;		/* hot or redundant: only with --func */
};

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
	const struct trace_opts *o;
	struct func funcs[MAX_FUNCS];
	int nr_funcs;
	struct ksyms *ks;
	struct ksyms *module_ks;	/* loaded modules' symbols, for -f */
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
	const struct func_def *issuer;	/* slot 0: cmdq_issuer() */
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
	uint64_t user_drops;	/* records the front end could not keep */
	uint64_t t_start, t_end;
};

/* --- catalogue.c ----------------------------------------------------------- */

/* Lock names by index (SMMUTRACE_LOCK_*), and their lock_stat classes. */
extern const char *const lock_names[SMMUTRACE_MAX_LOCKS];
extern const char *const lock_stat_names[SMMUTRACE_MAX_LOCKS];

unsigned int kernel_version(void);
void v3_span(struct tracer *t);
const struct func_def *cmdq_issuer(const struct btf *btf);
int select_funcs(struct tracer *t);
void resolve_func(struct tracer *t, struct func *f);
bool name_is_exact(const char *sym, const char *name);
bool use_fentry(const struct tracer *t);
bool lock_hook_fentry(const struct tracer *t, int k);
int cmdq_nr_args(const struct btf *btf, const char *name);
int domain_offsets(struct tracer *t);
const char *errstr(int err);
const char *op_name(int op);
const char *slot_func(const struct tracer *t, int slot);
const char *method_name(const struct func *f);

/* --- locks.c ---------------------------------------------------------------- */

void learn_rules(struct tracer *t, const struct func *f);
void resolve_locks(struct tracer *t);
void describe_learned_locks(struct tracer *t);
int lock_at_rules(struct tracer *t);
void filter_locks(struct tracer *t);
#define LOCK_STAT_PATH	"/proc/lock_stat"
int lock_stat_clear(void);
int lock_stat_read(struct tracer *t);

/* --- callsites.c ------------------------------------------------------------ */

void plan_lock_probes(struct tracer *t);
void lock_probe_desc(const struct tracer *t, int k, char *buf, size_t len);

/* --- attach.c --------------------------------------------------------------- */

int prepare(struct tracer *t, struct smmutrace *skel);
int attach_func(struct smmutrace *skel, struct func *f);
int attach_locks(struct tracer *t, struct smmutrace *skel);
int attach_cmdq_lock(struct tracer *t, struct smmutrace *skel);
void detach_all(struct tracer *t);

/* --- records.c -------------------------------------------------------------- */

int handle_event(void *ctx, void *data, size_t len);
/* The results file of this trace (what -o writes): 0 or -errno. */
int trace_results(const struct tracer *t, const struct smmutrace *skel,
		  struct sb_results **out);
/* --join: the records joined to the ops of the run's results file. */
int join_results(const struct tracer *t, const struct smmutrace *skel);

/* --all-tasks: holds per mutex address, largest total first. */
struct any_row {
	uint64_t addr;
	struct smmutrace_any_lock st;
};
struct any_row *any_rows(const struct smmutrace *skel, size_t *nr,
			 uint64_t *holds);

/* --- summary.c -------------------------------------------------------------- */

void print_resolution(const struct tracer *t, FILE *out);
void print_lock_methods(const struct tracer *t);
void print_lock_probes(const struct tracer *t);
void print_events(const struct tracer *t);
void print_summary(const struct tracer *t, const struct smmutrace *skel,
		   const struct sb_results *r);

/* --- ktext.c: kernel text from user space ---------------------------------- */

/*
 * On every kernel (with or without /proc/kcore): struct ktext is the
 * skeleton of ktext.bpf.c (ktext.skel.h: ktext__open_and_load(),
 * ktext__destroy()), a raw_tp program that bpf_probe_read_kernel()s a
 * chunk at an address into an array map, run with BPF_PROG_TEST_RUN.
 */
struct ktext;
/* Copies @len bytes at kernel address @addr to @buf: 0 or -errno. */
int ktext__read(struct ktext *kt, uint64_t addr, void *buf, size_t len);

#endif /* SMMUBENCH_BPF_TRACER_H */
