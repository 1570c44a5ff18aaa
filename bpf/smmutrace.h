/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smmutrace: what the BPF side (smmutrace.bpf.c) and the front end
 * (smmutrace.c) share. The BPF side only measures; the front end picks the
 * functions, resolves them, validates and formats.
 */
#ifndef SMMUTRACE_H
#define SMMUTRACE_H

/*
 * Catalogue slots. Slot 0 is always arm_smmu_cmdq_issue_cmdlist, which has
 * its own programs because it decodes its arguments; the others are generic
 * latency slots bound to whatever function the front end picks.
 */
#define SMMUTRACE_SLOT_CMDQ	0
#define SMMUTRACE_MAX_SLOTS	32
#define SMMUTRACE_MAX_SLOTS_POW2 32	/* for masks the verifier understands */

/* Extra histogram rows after the function slots. */
#define SMMUTRACE_HIST_SYNC	SMMUTRACE_MAX_SLOTS	/* cmdlist calls that end in CMD_SYNC */
#define SMMUTRACE_HIST_LOCK	(SMMUTRACE_MAX_SLOTS + 1)	/* lock holds, one row per lock */
#define SMMUTRACE_MAX_LOCKS	8
#define SMMUTRACE_HIST_ROWS	(SMMUTRACE_HIST_LOCK + SMMUTRACE_MAX_LOCKS)
#define SMMUTRACE_HIST_ROWS_POW2 64	/* rows allocated, >= SMMUTRACE_HIST_ROWS */

/* Lock indices (names in the front end). */
#define SMMUTRACE_LOCK_ASID		0	/* arm_smmu_asid_lock, static */
#define SMMUTRACE_LOCK_INIT_MUTEX	1	/* arm_smmu_domain.init_mutex */
#define SMMUTRACE_LOCK_SVA		2	/* sva_lock, static (<= 6.12) */
#define SMMUTRACE_LOCK_IOMMU_SVA	3	/* iommu_sva_lock, static */
#define SMMUTRACE_LOCK_GROUP		4	/* iommu_group.mutex */
#define SMMUTRACE_LOCK_DEVICES		5	/* arm_smmu_domain.devices_lock (spin) */
#define SMMUTRACE_LOCK_STREAMS		6	/* arm_smmu_device.streams_mutex */
#define SMMUTRACE_LOCK_CMDQ		7	/* cmdq->lock, shared side: a bound */

/* Nesting of traced functions remembered per thread (innermost = taker). */
#define SMMUTRACE_PATH_DEPTH	8

/*
 * Lock addresses learned from a traced function's arguments, at its entry:
 * up to SMMUTRACE_LEARN_PER_SLOT rules per slot, each "argument @arg, of
 * kind @kind, gives lock @idx". The front end derives them from the
 * function's BTF prototype, or takes them from --lock-at (up to 3 locks
 * per function: smmubench.ko's model).
 */
enum smmutrace_learn_kind {
	SMMUTRACE_LEARN_NONE = 0,
	SMMUTRACE_LEARN_OFFSET,		/* lock = arg + off (BTF offset) */
	SMMUTRACE_LEARN_DEV_GROUP,	/* lock = &arg->iommu_group->mutex (CO-RE) */
	SMMUTRACE_LEARN_GROUP,		/* lock = &arg->mutex (CO-RE) */
};

struct smmutrace_learn {
	__u8 kind;			/* enum smmutrace_learn_kind */
	__u8 arg;			/* 0-based argument */
	__u8 idx;			/* lock index */
	__u8 pad;
	__s32 off;			/* SMMUTRACE_LEARN_OFFSET */
};
#define SMMUTRACE_LEARN_PER_SLOT	4

/*
 * Log-linear histogram of nanoseconds: values below 8 get a bucket each;
 * above, every power of two is split into 8 linear sub-buckets, so a bucket
 * is at most 12.5% of its lower bound wide. 496 buckets cover 2^64 ns.
 */
#define SMMUTRACE_HIST_SUB_BITS	3
#define SMMUTRACE_HIST_BUCKETS	512

/* Commands per arm_smmu_cmdq_issue_cmdlist call (CMDQ_BATCH_ENTRIES = 64). */
#define SMMUTRACE_MAX_CMDS	64
#define SMMUTRACE_CMD_DWORDS	2	/* CMDQ_ENT_DWORDS */

/* Opcodes, the low byte of a command's first u64 (arm-smmu-v3.h CMDQ_OP_*). */
#define SMMU_OP_CMD_SYNC	0x46

enum smmutrace_event_kind {
	SMMUTRACE_EV_FUNC = 1,	/* one call of a catalogue function */
	SMMUTRACE_EV_CMDQ,	/* one arm_smmu_cmdq_issue_cmdlist call */
	SMMUTRACE_EV_LOCK,	/* one hold of a traced mutex */
};

struct smmutrace_event {
	__u64 start_ns;		/* bpf_ktime_get_ns() at entry / acquire */
	__u64 dur_ns;		/* call duration, or hold time for a lock */
	__u64 sync_ns;		/* lock: CMD_SYNC call time while held */
	__u32 tid;
	__u32 tgid;
	__u16 slot;		/* catalogue slot or lock index */
	__u8 kind;		/* enum smmutrace_event_kind */
	__u8 sync;		/* cmdq: the call ended in a CMD_SYNC */
	__u32 ncmds;		/* cmdq: commands passed in (without the sync) */
	__u32 outer;		/* cmdq: outermost traced function's slot */
	__u32 outer_seq;	/* cmdq: which call of it (1, 2, ...; 0: none) */
	__u8 ops[SMMUTRACE_MAX_CMDS];	/* cmdq: opcode of each command */
};

/* Per-slot totals, kept whatever the ring buffer drops. */
struct smmutrace_slot_stat {
	__u64 count;		/* completed calls */
	__u64 sum_ns;
	__u64 max_ns;
	__u64 no_entry;		/* exits without an entry (attached mid-call) */
	__u64 start_fail;	/* entries lost: the start map was full */
	__u64 below_min;	/* calls shorter than --min-duration, not kept */
};

/* Per-lock totals; a lock is traced only for tasks inside a traced path. */
struct smmutrace_lock_stat {
	__u64 acquired;		/* holds that began in a traced path */
	__u64 hold_ns;
	__u64 max_hold_ns;
	__u64 wait_ns;		/* mutex_lock() entry to return */
	__u64 max_wait_ns;
	__u64 sync_calls;	/* CMD_SYNC calls while held */
	__u64 sync_ns;		/* their duration */
	__u64 contended;	/* lock:contention_begin..end pairs */
	__u64 contended_ns;	/* time between them (slow path only) */
};

/* Holds of one lock by the innermost traced function that took it. */
struct smmutrace_taker_stat {
	__u64 holds;
	__u64 hold_ns;
	__u64 sync_calls;
	__u64 sync_ns;
};

/* Settings of the BPF side, fixed by the front end between open and load. */
struct smmutrace_cfg {
	__u32 tgid;			/* 0: every process */
	bool raw;			/* an event per call */
	bool cmdq_has_cmdq;		/* cmdlist(smmu, cmdq, cmds, n, sync): 6.10+ */
	struct smmutrace_learn learn[SMMUTRACE_MAX_SLOTS][SMMUTRACE_LEARN_PER_SLOT];
	__u64 static_lock[SMMUTRACE_MAX_LOCKS];	/* kallsyms addresses, 0: none */
	/*
	 * Without KALLSYMS_ALL (Debian's 6.1) arm_smmu_asid_lock is learned:
	 * it is the first mutex arm_smmu_domain_finalise_s1() takes (its first
	 * call), and must lie in the image's data, [kdata_lo, kdata_hi).
	 */
	__s32 learn_asid_slot;		/* slot of finalise_s1, -1: do not */
	__u64 kdata_lo;
	__u64 kdata_hi;
	__u64 min_dur_ns;		/* --min-duration: shorter calls are not kept */
	/*
	 * --all-tasks: the klockstat-style baseline. The mutex hooks act for
	 * every task and every mutex (no per-task gate, no known-lock filter)
	 * and aggregate holds per mutex address; the driver lock tables stay
	 * empty.
	 */
	bool all_tasks;
	/*
	 * --empty: every program returns at once, so that a trace measures
	 * the floor of its probes (trampoline or kprobe, program dispatch)
	 * on the same attach points (scripts/bench.d/trace.sh).
	 */
	bool empty;
};

/* --all-tasks: holds per mutex address. */
struct smmutrace_any_lock {
	__u64 holds;
	__u64 hold_ns;
	__u64 max_hold_ns;
	__u64 wait_ns;
};

/*
 * libbpf-tools' read-only global: const volatile puts it in .rodata, which
 * libbpf freezes after load, so the verifier knows the values and skips
 * dead branches (e.g. argument reads a kernel's prototype does not have).
 */
typedef const volatile struct smmutrace_cfg smmutrace_rodata_cfg;

#endif /* SMMUTRACE_H */
