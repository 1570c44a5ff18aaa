// SPDX-License-Identifier: GPL-2.0
/*
 * smmutrace: latency of arm-smmu-v3 driver functions, decoding of the
 * commands that go through arm_smmu_cmdq_issue_cmdlist(), and hold times of
 * the driver's mutexes with the CMD_SYNC time spent while holding them.
 *
 * Every function has a fentry/fexit and a kprobe/kretprobe flavour; the
 * front end loads the one the kernel supports (arm64 6.1 has no fentry) and
 * binds each slot to one catalogue function before load (fentry) or at
 * attach (kprobe by address, for names the SMMUv2 driver also defines).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "smmutrace.h"

#define MAX_ENTRIES	10240
#define RB_BYTES	(4 << 20)		/* the ring buffer of raw records */
#define RB_WAKEUP_BYTES	(RB_BYTES / 4)	/* wake the reader past this */

/* barrier() (bpf_helpers.h), then a plain access: enough for counters. */
#define READ_ONCE(x)		({ barrier(); (x); })
#define WRITE_ONCE(x, v)	do { (x) = (v); barrier(); } while (0)

/* Filters and layout facts, fixed by the front end before load. */
smmutrace_rodata_cfg cfg = {
	.learn_asid_slot = -1,
};

struct cmdq_call {
	__u32 ncmds;
	__u32 outer;		/* outermost traced function, or the cmdq slot */
	__u32 outer_seq;
	__u8 sync;
	__u8 ops[SMMUTRACE_MAX_CMDS];
};

struct trace_path {
	__u32 depth;		/* traced functions the thread is inside, 0: none */
	__u32 outer;		/* slot of the outermost one */
	__u32 seq;		/* numbers outermost calls, for per-op records */
	__u8 slots[SMMUTRACE_PATH_DEPTH];	/* the nesting, outermost first */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);		/* mutex address */
	__type(value, __u32);		/* lock index */
} lock_ids SEC(".maps");

struct lock_try {
	__u64 addr;
	__u64 t_try;
	__u32 idx;
	__u32 taker;		/* innermost traced function */
	__u32 spin;		/* taken by the spinlock function, not a mutex's */
};

/* --all-tasks only: the thread between mutex_lock() entry and return. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);		/* thread */
	__type(value, struct lock_try);
} lock_tries SEC(".maps");

struct contend {
	__u64 ts;
	__u32 idx;
};

struct hold {
	__u64 t_acq;
	__u64 wait_ns;
	__u64 sync_ns;
	__u64 sync_calls;
	__u32 taker;
	__u32 open;
};

/* One context's open calls: the task's own, or its interrupt handlers'. */
struct call_state {
	__u64 start[SMMUTRACE_MAX_SLOTS];	/* entry time by slot, 0: none */
	struct trace_path path;
	struct cmdq_call cmdq;
	__u8 cmdq_open;		/* inside arm_smmu_cmdq_issue_cmdlist */
	__u8 learn_armed;	/* in finalise_s1 before its first mutex_lock */
};

/*
 * A thread's open calls, lock tries and holds, in task-local storage: the
 * task's own pointer finds them, with no shared hash map to hash into and
 * lock a bucket of, allocate an element from and free it to, on each entry
 * and return. Those cost a cmdlist probe thousands of guest instructions a
 * call (docs/tracer.md, OVERHEAD). The state goes with the task.
 */
struct task_state {
	struct call_state ctx[2];	/* [1]: see state_ctx() */
	struct lock_try try;	/* between a lock function's entry and return */
	struct contend contend;	/* in a lock's contended slow path */
	__u8 try_open;
	__u8 contend_open;
	struct hold holds[SMMUTRACE_MAX_LOCKS];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} task_states SEC(".maps");

/* --all-tasks (klockstat-style baseline): open holds and totals per mutex. */
struct any_key {
	__u64 addr;
	__u32 tid;
	__u32 pad;
};

struct any_hold {
	__u64 t_acq;
	__u64 wait_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct any_key);
	__type(value, struct any_hold);
} any_holds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u64);		/* mutex address */
	__type(value, struct smmutrace_any_lock);
} any_locks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RB_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[2 * SMMUTRACE_MAX_CMDS * SMMUTRACE_CMD_DWORDS]);
} cmd_buf SEC(".maps");

/* Totals, read by the front end through the skeleton's mmapped .bss. */
struct smmutrace_slot_stat slot_stats[SMMUTRACE_MAX_SLOTS];
struct smmutrace_lock_stat lock_stats[SMMUTRACE_MAX_LOCKS];
struct smmutrace_taker_stat taker_stats[SMMUTRACE_MAX_LOCKS][SMMUTRACE_MAX_SLOTS_POW2];
__u64 learned[SMMUTRACE_MAX_LOCKS];	/* addresses learned from arguments */
__u64 hist[SMMUTRACE_HIST_ROWS_POW2][SMMUTRACE_HIST_BUCKETS];
__u64 op_counts[256];		/* commands by opcode, CMD_SYNCs included */
/* The same, by the outermost traced function the call was made in. */
__u64 outer_ops[SMMUTRACE_MAX_SLOTS_POW2][256];
__u64 outer_calls[SMMUTRACE_MAX_SLOTS_POW2];
__u64 cmdq_calls_total;
__u64 cmdq_sync_calls;
__u64 cmdq_sync_ns;
__u64 cmdq_truncated;		/* calls with more than SMMUTRACE_MAX_CMDS commands */
__u64 cmdq_read_fail;
__u64 cmdq_state_fail;
__u64 rb_drops;			/* ring buffer full */
__u32 rb_wakeup_owed;		/* a lock record left the reader asleep */
__u64 path_fail;
__u64 lock_state_fail;
__u64 lock_try_stale;		/* a lock function's entry with no return seen */
__u64 nr_in_path;		/* tasks inside a traced function; gates lock hooks */
__u64 nr_holds;			/* open holds; gates mutex_unlock */
__u32 outer_seq;		/* outermost calls so far */
__u64 learned_asid_lock;	/* address learned, 0: not (yet) */
__u64 learn_rejected;		/* first mutex outside the kernel's data */
__u64 any_acquired;		/* --all-tasks: mutex holds of every task */
__u64 any_map_full;		/* --all-tasks: holds lost, a map was full */

/*
 * The reader's wake-up is an irq_work that runs as soon as the probe
 * returns. A lock record is written in the unlock probe, before lockdep's
 * lock_release(): a wake-up there (0.1-1.5 ms under TCG, up to 15 ms when
 * the vCPU stalls in it) lands in lock_stat's hold and not in the tracer's.
 * So a lock record never wakes the reader; when it would have (the reader
 * had caught up), the next function or cmdlist record does, or the
 * reader's poll timeout.
 */
static __always_inline __u64 rb_wakeup_flags(void)
{
	if (READ_ONCE(rb_wakeup_owed)) {
		WRITE_ONCE(rb_wakeup_owed, 0);
		return BPF_RB_FORCE_WAKEUP;
	}
	/*
	 * Nor does any other record before the buffer is a quarter full: a
	 * wake-up per record is an irq_work and a context switch on the CPUs
	 * being measured. The reader drains the buffer at every poll timeout.
	 */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < RB_WAKEUP_BYTES)
		return BPF_RB_NO_WAKEUP;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r = shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 hist_idx(__u64 v)
{
	__u32 l;

	if (v < (1 << SMMUTRACE_HIST_SUB_BITS))
		return v;
	l = log2_u64(v);
	return ((l - SMMUTRACE_HIST_SUB_BITS + 1) << SMMUTRACE_HIST_SUB_BITS) +
	       ((v >> (l - SMMUTRACE_HIST_SUB_BITS)) &
		((1 << SMMUTRACE_HIST_SUB_BITS) - 1));
}

static __always_inline void hist_add(__u32 row, __u64 v)
{
	__u32 idx = hist_idx(v);

	if (row >= SMMUTRACE_HIST_ROWS || idx >= SMMUTRACE_HIST_BUCKETS)
		return;
	/*
	 * The compiler may index with a copy it did not bound: hide the
	 * values from it, then mask (a no-op here) for the verifier.
	 */
	asm volatile("" : "+r"(idx), "+r"(row));
	__sync_fetch_and_add(&hist[row & (SMMUTRACE_HIST_ROWS_POW2 - 1)]
				  [idx & (SMMUTRACE_HIST_BUCKETS - 1)], 1);
}

/* Racy maximum: two CPUs may both store; the larger wins almost always. */
static __always_inline void update_max(__u64 *max, __u64 v)
{
	if (v > READ_ONCE(*max))
		WRITE_ONCE(*max, v);
}

/*
 * preempt_count bits (include/linux/preempt.h); macros are not in BTF.
 * 7.x put 8 HARDIRQ_DISABLE bits (the counted interrupt_rc.h API only) at
 * 16, moving HARDIRQ to 24 and NMI to 28; before, HARDIRQ was at 16 and
 * arm64's NMI at 20. One mask covers both layouts: in a task, on either,
 * bits 16-28 are clear unless that counted API is in use, which the
 * driver does not.
 */
#define SB_SOFTIRQ_OFFSET	(1U << 8)	/* serving a softirq */
#define SB_HARDIRQ_MASK		(0xfffU << 16)	/* either layout's hardirq */
#define SB_NMI_MASK		(1U << 28)	/* 7.x's NMI (20 before) */

/*
 * An interrupt runs with the interrupted task's pid, and the entry probe
 * of _raw_spin_lock_irqsave() runs before the function masks interrupts:
 * a handler's spinlock calls must not touch the task's pending try (its
 * entry would drop it as stale, its return would start the task's hold
 * inside the handler; both seen under TCG, where a timer interrupt takes
 * ms). arm64's preempt count is in thread_info (the only target here).
 */
static __always_inline bool in_irq_context(void)
{
	/* A BTF pointer: a plain load, no bpf_probe_read_kernel() call. */
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 pc = task->thread_info.preempt.count;

	return pc & (SB_NMI_MASK | SB_HARDIRQ_MASK | SB_SOFTIRQ_OFFSET);
}

static __always_inline struct task_state *task_state(bool create)
{
	return bpf_task_storage_get(&task_states, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/*
 * The context of a call's state (entry time, path, decoded batch). A
 * handler keeps its own, apart from the task it interrupted: a BPF
 * program's recursion guard may drop the entry or the return of a
 * handler's call (when the interrupt lands inside the same program on this
 * CPU), and a lone return would end the task's own call or path early.
 * Seen under TCG: a DMA completion inside an attach's cmdlist call left
 * the attach's later commands counted outside it.
 */
static __always_inline struct call_state *state_ctx(struct task_state *s,
						    bool irq)
{
	return &s->ctx[irq ? 1 : 0];
}

static __always_inline bool task_filtered(__u64 id)
{
	return cfg.tgid && (id >> 32) != cfg.tgid;
}

static __always_inline void path_enter(struct call_state *c, bool irq,
				       __u32 slot)
{
	struct trace_path *p = &c->path;
	__u32 d = p->depth;

	if (irq)
		return;	/* a handler's calls belong to no op of the task */
	if (d) {
		if (d < SMMUTRACE_PATH_DEPTH)
			p->slots[d & (SMMUTRACE_PATH_DEPTH - 1)] = slot;
		p->depth = d + 1;
		return;
	}
	p->depth = 1;
	p->outer = slot;
	p->slots[0] = slot;
	p->seq = __sync_fetch_and_add(&outer_seq, 1) + 1;
	__sync_fetch_and_add(&nr_in_path, 1);
}

static __always_inline void path_leave(struct call_state *c, bool irq)
{
	struct trace_path *p = &c->path;

	if (irq || !p->depth)
		return;
	if (p->depth-- == 1)
		__sync_fetch_and_add(&nr_in_path, -1);
}

/* The state of the call entered, or NULL if it could not be kept. */
static __always_inline struct call_state *enter(__u32 slot, bool irq)
{
	struct task_state *s;
	struct call_state *c;

	if (slot >= SMMUTRACE_MAX_SLOTS)
		return NULL;
	s = task_state(true);
	if (!s) {
		__sync_fetch_and_add(&slot_stats[slot].start_fail, 1);
		__sync_fetch_and_add(&path_fail, 1);
		return NULL;
	}
	c = state_ctx(s, irq);
	path_enter(c, irq, slot);
	if (cfg.learn_asid_slot == slot && !READ_ONCE(learned_asid_lock))
		c->learn_armed = 1;
	c->start[slot & (SMMUTRACE_MAX_SLOTS - 1)] = bpf_ktime_get_ns();
	return c;
}

/*
 * Returns the call's duration, or 0 if its entry was not seen. @kept is
 * false for a call shorter than --min-duration: nothing of it is recorded.
 * *@cp is the call's state, NULL if there is none.
 */
static __always_inline __u64 leave(__u64 id, __u32 slot, bool irq,
				   struct call_state **cp, bool *kept)
{
	struct smmutrace_slot_stat *st;
	struct smmutrace_event *e;
	struct task_state *s;
	struct call_state *c;
	__u64 now, dur, t0;

	*kept = true;
	*cp = NULL;
	if (slot >= SMMUTRACE_MAX_SLOTS)
		return 0;
	now = bpf_ktime_get_ns();
	st = &slot_stats[slot];
	s = task_state(false);
	if (!s) {
		__sync_fetch_and_add(&st->no_entry, 1);
		return 0;
	}
	c = state_ctx(s, irq);
	*cp = c;
	path_leave(c, irq);
	if (cfg.learn_asid_slot == slot)
		c->learn_armed = 0;
	t0 = c->start[slot & (SMMUTRACE_MAX_SLOTS - 1)];
	if (!t0) {
		__sync_fetch_and_add(&st->no_entry, 1);
		return 0;
	}
	c->start[slot & (SMMUTRACE_MAX_SLOTS - 1)] = 0;
	dur = now - t0;
	if ((__s64)dur < 0)
		return 0;
	if (dur < cfg.min_dur_ns) {
		__sync_fetch_and_add(&st->below_min, 1);
		*kept = false;
		return dur;
	}
	__sync_fetch_and_add(&st->count, 1);
	__sync_fetch_and_add(&st->sum_ns, dur);
	update_max(&st->max_ns, dur);
	hist_add(slot, dur);

	if (cfg.raw && slot != SMMUTRACE_SLOT_CMDQ) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			__sync_fetch_and_add(&rb_drops, 1);
			return dur;
		}
		e->start_ns = now - dur;
		e->dur_ns = dur;
		e->sync_ns = 0;
		e->tid = (__u32)id;
		e->tgid = id >> 32;
		e->slot = slot;
		e->kind = SMMUTRACE_EV_FUNC;
		e->sync = 0;
		e->ncmds = 0;
		e->outer = 0;
		e->outer_seq = 0;
		bpf_ringbuf_submit(e, rb_wakeup_flags());
	}
	return dur;
}

static __always_inline int func_enter(__u32 slot)
{
	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	enter(slot, in_irq_context());
	return 0;
}

static __always_inline int func_leave(__u32 slot)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct call_state *c;
	bool kept;

	if (cfg.empty)
		return 0;
	if (!task_filtered(id))
		leave(id, slot, in_irq_context(), &c, &kept);
	return 0;
}

/* --- the command queue's lock: a bound on its shared holds ------------- */

/*
 * A cmdlist call that ends in a CMD_SYNC takes cmdq->lock shared (an inline
 * atomic, after writing its commands) and drops it in the out-of-line
 * arm_smmu_cmdq_shared_unlock() once its sync completed. So a shared hold
 * lies inside [cmdlist entry, shared_unlock entry]: that span is recorded,
 * as an upper bound, and each hold is a CMD_SYNC wait.
 */
static __always_inline int cmdq_shared_unlock(void)
{
	struct smmutrace_lock_stat *st = &lock_stats[SMMUTRACE_LOCK_CMDQ];
	struct task_state *s;
	__u64 t0, bound;

	if (cfg.empty)
		return 0;
	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	s = task_state(false);
	if (!s)
		return 0;
	t0 = state_ctx(s, in_irq_context())->start[SMMUTRACE_SLOT_CMDQ];
	if (!t0)
		return 0;
	bound = bpf_ktime_get_ns() - t0;
	__sync_fetch_and_add(&st->acquired, 1);
	__sync_fetch_and_add(&st->hold_ns, bound);
	__sync_fetch_and_add(&st->sync_calls, 1);
	update_max(&st->max_hold_ns, bound);
	hist_add(SMMUTRACE_HIST_LOCK + SMMUTRACE_LOCK_CMDQ, bound);
	return 0;
}

SEC("fentry")
int fentry_cmdq_unlock(unsigned long long *ctx)
{
	return cmdq_shared_unlock();
}

SEC("kprobe")
int BPF_KPROBE(kprobe_cmdq_unlock)
{
	return cmdq_shared_unlock();
}

/* --- arm_smmu_cmdq_issue_cmdlist: decode the batch ---------------------- */

static __always_inline int cmdq_enter(__u64 cmds, __s32 n, bool sync)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct cmdq_call *call;
	struct call_state *c;
	__u32 zero = 0, i, nr;
	__u64 *buf;
	bool irq;

	if (cfg.empty)
		return 0;
	irq = in_irq_context();
	if (task_filtered(id))
		return 0;
	c = enter(SMMUTRACE_SLOT_CMDQ, irq);
	if (!c) {
		__sync_fetch_and_add(&cmdq_state_fail, 1);
		return 0;
	}
	call = &c->cmdq;
	c->cmdq_open = 1;
	call->outer = !irq && c->path.depth ? c->path.outer : SMMUTRACE_SLOT_CMDQ;
	call->outer_seq = call->outer != SMMUTRACE_SLOT_CMDQ ? c->path.seq : 0;
	call->sync = sync;
	call->ncmds = n < 0 ? 0 : n;
	nr = call->ncmds;
	if (nr > SMMUTRACE_MAX_CMDS) {
		__sync_fetch_and_add(&cmdq_truncated, 1);
		nr = SMMUTRACE_MAX_CMDS;
	}
	if (!nr)
		return 0;
	buf = bpf_map_lookup_elem(&cmd_buf, &zero);
	if (!buf)
		return 0;
	/*
	 * Hide nr's bound from the compiler so that the mask stays: it gives
	 * the verifier a size bound within cmd_buf (twice the batch).
	 */
	asm volatile("" : "+r"(nr));
	if (bpf_probe_read_kernel(buf, (nr & (2 * SMMUTRACE_MAX_CMDS - 1)) *
				  SMMUTRACE_CMD_DWORDS * 8, (void *)cmds)) {
		__sync_fetch_and_add(&cmdq_read_fail, 1);
		call->ncmds = 0;
		return 0;
	}
	for (i = 0; i < SMMUTRACE_MAX_CMDS; i++) {
		if (i >= nr)
			break;
		call->ops[i] = buf[i * SMMUTRACE_CMD_DWORDS] & 0xff;
	}
	return 0;
}

/* A CMD_SYNC call of the task: its time counts in each lock it holds. */
static __always_inline void lock_sync_account(bool irq, __u64 dur)
{
	struct task_state *s;
	struct hold *h;
	__u32 i;

	if (irq || !READ_ONCE(nr_holds))
		return;
	s = task_state(false);
	if (!s)
		return;
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		h = &s->holds[i];
		if (!h->open)
			continue;
		h->sync_ns += dur;
		h->sync_calls++;
	}
}

static __always_inline int cmdq_leave(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct smmutrace_event *e;
	struct cmdq_call *call;
	struct call_state *c;
	__u32 i, nr, outer;
	bool irq, kept;
	__u64 dur;

	if (cfg.empty)
		return 0;
	irq = in_irq_context();
	if (task_filtered(id))
		return 0;
	dur = leave(id, SMMUTRACE_SLOT_CMDQ, irq, &c, &kept);
	if (!c || !c->cmdq_open)
		return 0;
	call = &c->cmdq;
	if (!dur)
		goto out;	/* its entry was not seen: not this batch */
	if (!kept) {
		/* Below --min-duration: lock holds are not filtered. */
		if (call->sync)
			lock_sync_account(irq, dur);
		goto out;
	}
	__sync_fetch_and_add(&cmdq_calls_total, 1);
	outer = call->outer;
	asm volatile("" : "+r"(outer));
	outer &= SMMUTRACE_MAX_SLOTS_POW2 - 1;
	__sync_fetch_and_add(&outer_calls[outer], 1);
	nr = call->ncmds;
	if (nr > SMMUTRACE_MAX_CMDS)
		nr = SMMUTRACE_MAX_CMDS;
	for (i = 0; i < SMMUTRACE_MAX_CMDS; i++) {
		if (i >= nr)
			break;
		__sync_fetch_and_add(&op_counts[call->ops[i]], 1);
		__sync_fetch_and_add(&outer_ops[outer][call->ops[i]], 1);
	}
	if (call->sync) {
		__sync_fetch_and_add(&op_counts[SMMU_OP_CMD_SYNC], 1);
		__sync_fetch_and_add(&outer_ops[outer][SMMU_OP_CMD_SYNC], 1);
		__sync_fetch_and_add(&cmdq_sync_calls, 1);
		__sync_fetch_and_add(&cmdq_sync_ns, dur);
		hist_add(SMMUTRACE_HIST_SYNC, dur);
		lock_sync_account(irq, dur);
	}
	if (cfg.raw) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			__sync_fetch_and_add(&rb_drops, 1);
			goto out;
		}
		e->start_ns = bpf_ktime_get_ns() - dur;
		e->dur_ns = dur;
		e->sync_ns = 0;
		e->tid = (__u32)id;
		e->tgid = id >> 32;
		e->slot = SMMUTRACE_SLOT_CMDQ;
		e->kind = SMMUTRACE_EV_CMDQ;
		e->sync = call->sync;
		e->ncmds = call->ncmds;
		e->outer = call->outer;
		e->outer_seq = call->outer_seq;
		__builtin_memcpy(e->ops, call->ops, sizeof(e->ops));
		bpf_ringbuf_submit(e, rb_wakeup_flags());
	}
out:
	c->cmdq_open = 0;
	return 0;
}

SEC("fentry")
int fentry_cmdq(unsigned long long *ctx)
{
	if (cfg.cmdq_has_cmdq)
		return cmdq_enter(ctx[2], (__s32)ctx[3], (bool)ctx[4]);
	return cmdq_enter(ctx[1], (__s32)ctx[2], (bool)ctx[3]);
}

SEC("fexit")
int fexit_cmdq(unsigned long long *ctx)
{
	return cmdq_leave();
}

SEC("kprobe")
int BPF_KPROBE(kprobe_cmdq)
{
	if (cfg.cmdq_has_cmdq)
		return cmdq_enter(PT_REGS_PARM3(ctx), (__s32)PT_REGS_PARM4(ctx),
				  (bool)(PT_REGS_PARM5(ctx) & 0xff));
	return cmdq_enter(PT_REGS_PARM2(ctx), (__s32)PT_REGS_PARM3(ctx),
			  (bool)(PT_REGS_PARM4(ctx) & 0xff));
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_cmdq)
{
	return cmdq_leave();
}

/* --- lock addresses from a traced function's arguments ------------------ */

/*
 * E.g. init_mutex and devices_lock from the v3 arm_smmu_domain an argument
 * points to (offsets from the running kernel's BTF: the v2 driver's struct
 * of the same name makes CO-RE ambiguous on Debian's kernels), the group
 * mutex from a struct device's iommu_group (CO-RE).
 */
static __always_inline void learn_one(__u32 kind, __u32 idx, __s32 off,
				      __u64 arg)
{
	struct iommu_group *grp = NULL;
	__u64 addr = 0;

	if (!arg || idx >= SMMUTRACE_MAX_LOCKS)
		return;
	switch (kind) {
	case SMMUTRACE_LEARN_OFFSET:
		addr = arg + off;
		break;
	case SMMUTRACE_LEARN_DEV_GROUP:
		grp = BPF_CORE_READ((struct device *)arg, iommu_group);
		if (!grp)
			return;
		addr = (__u64)grp + bpf_core_field_offset(struct iommu_group, mutex);
		break;
	case SMMUTRACE_LEARN_GROUP:
		addr = arg + bpf_core_field_offset(struct iommu_group, mutex);
		break;
	default:
		return;
	}
	/* A known address (every call but the first) costs a lookup only. */
	if (bpf_map_lookup_elem(&lock_ids, &addr))
		return;
	if (!bpf_map_update_elem(&lock_ids, &addr, &idx, BPF_NOEXIST))
		WRITE_ONCE(learned[idx & (SMMUTRACE_MAX_LOCKS - 1)], addr);
}

#define LEARN(n, getarg)						\
do {									\
	__u64 a_ = 0;							\
	int k_;								\
									\
	for (k_ = 0; k_ < SMMUTRACE_LEARN_PER_SLOT; k_++) {		\
		if (cfg.learn[n][k_].kind == SMMUTRACE_LEARN_NONE)	\
			continue;					\
		a_ = getarg(cfg.learn[n][k_].arg);			\
		learn_one(cfg.learn[n][k_].kind, cfg.learn[n][k_].idx,	\
			  cfg.learn[n][k_].off, a_);			\
	}								\
} while (0)

static __always_inline __u64 fentry_arg(void *ctx, __u32 i)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, i, &v);
	return v;
}

/*
 * Each register is read at its fixed offset and hidden from the compiler:
 * left to it, the switch becomes a load at ctx + 8 * i, a modified context
 * pointer that the verifier refuses.
 */
static __always_inline __u64 kprobe_arg(struct pt_regs *ctx, __u32 i)
{
	__u64 a0 = PT_REGS_PARM1(ctx), a1 = PT_REGS_PARM2(ctx),
	      a2 = PT_REGS_PARM3(ctx), a3 = PT_REGS_PARM4(ctx),
	      a4 = PT_REGS_PARM5(ctx);

	asm volatile("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4));
	switch (i) {
	case 0: return a0;
	case 1: return a1;
	case 2: return a2;
	case 3: return a3;
	case 4: return a4;
	}
	return 0;
}

#define FENTRY_ARG(i)	fentry_arg(ctx, i)
#define KPROBE_ARG(i)	kprobe_arg(ctx, i)

/* --- generic latency slots --------------------------------------------- */

#define SLOT(n)								\
SEC("fentry")								\
int fentry_##n(unsigned long long *ctx)					\
{									\
	if (cfg.empty)							\
		return 0;						\
	if (!task_filtered(bpf_get_current_pid_tgid()))			\
		LEARN(n, FENTRY_ARG);					\
	return func_enter(n);						\
}									\
SEC("fexit")								\
int fexit_##n(unsigned long long *ctx)					\
{									\
	return func_leave(n);						\
}									\
SEC("kprobe")								\
int BPF_KPROBE(kprobe_##n)						\
{									\
	if (cfg.empty)							\
		return 0;						\
	if (!task_filtered(bpf_get_current_pid_tgid()))			\
		LEARN(n, KPROBE_ARG);					\
	return func_enter(n);						\
}									\
SEC("kretprobe")							\
int BPF_KRETPROBE(kretprobe_##n)					\
{									\
	return func_leave(n);						\
}

SLOT(1) SLOT(2) SLOT(3) SLOT(4) SLOT(5) SLOT(6) SLOT(7) SLOT(8)
SLOT(9) SLOT(10) SLOT(11) SLOT(12) SLOT(13) SLOT(14) SLOT(15) SLOT(16)
SLOT(17) SLOT(18) SLOT(19) SLOT(20) SLOT(21) SLOT(22) SLOT(23) SLOT(24)
SLOT(25) SLOT(26) SLOT(27) SLOT(28) SLOT(29) SLOT(30) SLOT(31)

/* --- mutexes, only for tasks inside a traced function ------------------ */

static __always_inline int lock_index(__u64 addr, __u32 *idx)
{
	__u32 *p, i;

	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++) {
		if (cfg.static_lock[i] && cfg.static_lock[i] == addr) {
			*idx = i;
			return 0;
		}
	}
	p = bpf_map_lookup_elem(&lock_ids, &addr);
	if (!p)
		return -1;
	*idx = *p;
	return 0;
}

static __always_inline bool in_kdata(__u64 addr)
{
	return addr >= cfg.kdata_lo && cfg.kdata_hi > addr;
}

/*
 * --all-tasks: what klockstat does for every mutex_lock()/mutex_unlock() of
 * every task (without its stack capture): a try time per thread, an open
 * hold per (mutex, thread), totals per mutex in a hash map.
 */
static __always_inline int any_try(__u64 addr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lock_try t = { .addr = addr };

	if (cfg.empty)
		return 0;
	t.t_try = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&lock_tries, &tid, &t, BPF_ANY))
		__sync_fetch_and_add(&any_map_full, 1);
	return 0;
}

static __always_inline int any_acquired_ret(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct any_key key = { .tid = tid };
	struct any_hold h = {};
	struct lock_try *t;

	if (cfg.empty)
		return 0;
	t = bpf_map_lookup_elem(&lock_tries, &tid);
	if (!t)
		return 0;
	key.addr = t->addr;
	h.t_acq = bpf_ktime_get_ns();
	h.wait_ns = h.t_acq - t->t_try;
	bpf_map_delete_elem(&lock_tries, &tid);
	if (bpf_map_update_elem(&any_holds, &key, &h, BPF_ANY))
		__sync_fetch_and_add(&any_map_full, 1);
	return 0;
}

static __always_inline int any_release(__u64 addr)
{
	struct any_key key = { .addr = addr,
			       .tid = (__u32)bpf_get_current_pid_tgid() };
	struct smmutrace_any_lock *st, zero = {};
	struct any_hold *h;
	__u64 hold_ns;

	if (cfg.empty)
		return 0;
	h = bpf_map_lookup_elem(&any_holds, &key);
	if (!h)
		return 0;
	hold_ns = bpf_ktime_get_ns() - h->t_acq;
	st = bpf_map_lookup_elem(&any_locks, &addr);
	if (!st) {
		bpf_map_update_elem(&any_locks, &addr, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&any_locks, &addr);
	}
	if (st) {
		__sync_fetch_and_add(&st->holds, 1);
		__sync_fetch_and_add(&st->hold_ns, hold_ns);
		__sync_fetch_and_add(&st->wait_ns, h->wait_ns);
		update_max(&st->max_hold_ns, hold_ns);
		__sync_fetch_and_add(&any_acquired, 1);
	} else {
		__sync_fetch_and_add(&any_map_full, 1);
	}
	bpf_map_delete_elem(&any_holds, &key);
	return 0;
}


/*
 * A thread waiting in mutex_lock() may take spinlocks on its way (e.g. the
 * scheduler's pi_lock): the try records which lock function it belongs to
 * so that only that function's return turns it into a hold.
 */
static __always_inline int mutex_try(__u64 addr, __u32 spin)
{
	struct lock_try t = { .addr = addr, .spin = spin };
	struct task_state *s;
	struct trace_path *p;

	if (cfg.empty || !READ_ONCE(nr_in_path) || in_irq_context())
		return 0;
	s = task_state(false);
	if (!s || !s->ctx[0].path.depth)
		return 0;
	p = &s->ctx[0].path;
	/*
	 * A pending try of the same kind means its return was never seen (a
	 * kretprobe can miss): drop it, or the next return of any lock
	 * function of that kind would start its hold too late.
	 */
	if (s->try_open && (s->try.spin == spin || !spin)) {
		s->try_open = 0;
		__sync_fetch_and_add(&lock_try_stale, 1);
	}
	if (cfg.learn_asid_slot >= 0 && s->ctx[0].learn_armed) {
		__u32 idx = SMMUTRACE_LOCK_ASID;

		s->ctx[0].learn_armed = 0;
		if (in_kdata(addr) &&
		    !bpf_map_update_elem(&lock_ids, &addr, &idx, BPF_NOEXIST))
			WRITE_ONCE(learned_asid_lock, addr);
		else if (!READ_ONCE(learned_asid_lock))
			__sync_fetch_and_add(&learn_rejected, 1);
	}
	if (lock_index(addr, &t.idx) || t.idx >= SMMUTRACE_MAX_LOCKS)
		return 0;
	t.taker = p->outer;
	if (p->depth >= 1 && p->depth <= SMMUTRACE_PATH_DEPTH)
		t.taker = p->slots[(p->depth - 1) & (SMMUTRACE_PATH_DEPTH - 1)];
	t.t_try = bpf_ktime_get_ns();
	s->try = t;
	s->try_open = 1;
	return 0;
}

static __always_inline int mutex_acquired(__u32 spin)
{
	struct task_state *s;
	struct hold *h;
	__u32 idx;

	if (cfg.empty || !READ_ONCE(nr_in_path) || in_irq_context())
		return 0;
	s = task_state(false);
	if (!s || !s->try_open || s->try.spin != spin)
		return 0;
	s->try_open = 0;
	idx = s->try.idx;
	asm volatile("" : "+r"(idx));
	h = &s->holds[idx & (SMMUTRACE_MAX_LOCKS - 1)];
	if (h->open) {
		__sync_fetch_and_add(&lock_state_fail, 1);
		return 0;
	}
	h->t_acq = bpf_ktime_get_ns();
	h->wait_ns = h->t_acq - s->try.t_try;
	h->sync_ns = 0;
	h->sync_calls = 0;
	h->taker = s->try.taker;
	h->open = 1;
	__sync_fetch_and_add(&nr_holds, 1);
	return 0;
}

static __always_inline int mutex_release(__u64 addr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct smmutrace_taker_stat *ts;
	struct smmutrace_lock_stat *st;
	struct smmutrace_event *e;
	struct task_state *s;
	__u64 now, hold_ns;
	struct hold *h;
	__u32 idx, taker;

	if (cfg.empty || !READ_ONCE(nr_holds))
		return 0;
	if (lock_index(addr, &idx) || idx >= SMMUTRACE_MAX_LOCKS)
		return 0;
	s = task_state(false);
	if (!s)
		return 0;
	h = &s->holds[idx & (SMMUTRACE_MAX_LOCKS - 1)];
	if (!h->open)
		return 0;
	now = bpf_ktime_get_ns();
	hold_ns = now - h->t_acq;
	st = &lock_stats[idx];
	__sync_fetch_and_add(&st->acquired, 1);
	__sync_fetch_and_add(&st->hold_ns, hold_ns);
	__sync_fetch_and_add(&st->wait_ns, h->wait_ns);
	__sync_fetch_and_add(&st->sync_calls, h->sync_calls);
	__sync_fetch_and_add(&st->sync_ns, h->sync_ns);
	update_max(&st->max_hold_ns, hold_ns);
	update_max(&st->max_wait_ns, h->wait_ns);
	taker = h->taker;
	asm volatile("" : "+r"(taker), "+r"(idx));
	ts = &taker_stats[idx & (SMMUTRACE_MAX_LOCKS - 1)]
			 [taker & (SMMUTRACE_MAX_SLOTS_POW2 - 1)];
	__sync_fetch_and_add(&ts->holds, 1);
	__sync_fetch_and_add(&ts->hold_ns, hold_ns);
	__sync_fetch_and_add(&ts->sync_calls, h->sync_calls);
	__sync_fetch_and_add(&ts->sync_ns, h->sync_ns);
	hist_add(SMMUTRACE_HIST_LOCK + idx, hold_ns);
	if (cfg.raw) {
		bool owed = !bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (e) {
			e->start_ns = h->t_acq;
			e->dur_ns = hold_ns;
			e->sync_ns = h->sync_ns;
			e->tid = (__u32)id;
			e->tgid = id >> 32;
			e->slot = idx;
			e->kind = SMMUTRACE_EV_LOCK;
			e->sync = 0;
			e->ncmds = h->sync_calls;
			e->outer = h->taker;
			e->outer_seq = 0;
			/* rb_wakeup_flags(): not from inside lockdep's hold */
			bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
			if (owed)
				WRITE_ONCE(rb_wakeup_owed, 1);
		} else {
			__sync_fetch_and_add(&rb_drops, 1);
		}
	}
	h->open = 0;
	__sync_fetch_and_add(&nr_holds, -1);
	return 0;
}

/*
 * The lock functions are retargeted by the front end: mutex_lock, or
 * mutex_lock_nested where lockdep (DEBUG_LOCK_ALLOC) turns mutex_lock into
 * a macro; _raw_spin_lock_irqsave and _raw_spin_unlock_irqrestore exist as
 * functions only when spinlocks are not inlined (e.g. with LOCK_STAT).
 * Spinlocks and mutexes share the hold bookkeeping: the address says which
 * lock it is, and only known addresses are followed. The spinlock hooks are
 * kprobes on every kernel: an fexit trampoline on _raw_spin_lock_irqsave
 * oopsed 6.12 when it was replaced (smmutrace.c, lock_hook_fentry()).
 */
SEC("fentry/mutex_lock")
int BPF_PROG(fentry_mutex_lock, struct mutex *lock)
{
	if (cfg.all_tasks)
		return any_try((__u64)lock);
	return mutex_try((__u64)lock, 0);
}

SEC("fexit/mutex_lock")
int BPF_PROG(fexit_mutex_lock, struct mutex *lock)
{
	if (cfg.all_tasks)
		return any_acquired_ret();
	return mutex_acquired(0);
}

SEC("fentry/mutex_unlock")
int BPF_PROG(fentry_mutex_unlock, struct mutex *lock)
{
	if (cfg.all_tasks)
		return any_release((__u64)lock);
	return mutex_release((__u64)lock);
}

SEC("kprobe/mutex_lock")
int BPF_KPROBE(kprobe_mutex_lock, struct mutex *lock)
{
	if (cfg.all_tasks)
		return any_try((__u64)lock);
	return mutex_try((__u64)lock, 0);
}

SEC("kretprobe/mutex_lock")
int BPF_KRETPROBE(kretprobe_mutex_lock)
{
	if (cfg.all_tasks)
		return any_acquired_ret();
	return mutex_acquired(0);
}

SEC("kprobe/mutex_unlock")
int BPF_KPROBE(kprobe_mutex_unlock, struct mutex *lock)
{
	if (cfg.all_tasks)
		return any_release((__u64)lock);
	return mutex_release((__u64)lock);
}

SEC("kprobe")
int BPF_KPROBE(kprobe_spin_lock, void *lock)
{
	return mutex_try((__u64)lock, 1);
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_spin_lock)
{
	return mutex_acquired(1);
}

SEC("kprobe")
int BPF_KPROBE(kprobe_spin_unlock, void *lock)
{
	return mutex_release((__u64)lock);
}

/*
 * Call-site probes (the default): the front end finds the calls of the
 * lock functions in the traced functions and their driver and iommu core
 * callees, and puts a kprobe on each call instruction (the try: x0 is the
 * lock), on the instruction after it (the lock function returned) and on
 * each call of the unlock function (x0 is the lock). No other caller of
 * the lock functions pays anything. The cookie says whether the site calls
 * a spinlock function (1) or a mutex one (0), as the hooks above do.
 */
SEC("kprobe")
int BPF_KPROBE(site_lock, void *lock)
{
	return mutex_try((__u64)lock, bpf_get_attach_cookie(ctx));
}

SEC("kprobe")
int site_acquired(struct pt_regs *ctx)
{
	return mutex_acquired(bpf_get_attach_cookie(ctx));
}

SEC("kprobe")
int BPF_KPROBE(site_unlock, void *lock)
{
	return mutex_release((__u64)lock);
}

/*
 * Contended wait: the slow path of mutexes (and of rwsems and qspinlocks,
 * which are not looked up here) between lock:contention_begin and _end.
 */
SEC("tp_btf/contention_begin")
int BPF_PROG(contention_begin, void *lock, unsigned int flags)
{
	struct task_state *s;
	struct contend c = {};

	if (!READ_ONCE(nr_in_path))
		return 0;
	s = task_state(false);
	if (!s || !s->ctx[0].path.depth)
		return 0;
	if (lock_index((__u64)lock, &c.idx) || c.idx >= SMMUTRACE_MAX_LOCKS)
		return 0;
	c.ts = bpf_ktime_get_ns();
	s->contend = c;
	s->contend_open = 1;
	return 0;
}

SEC("tp_btf/contention_end")
int BPF_PROG(contention_end, void *lock, int ret)
{
	struct smmutrace_lock_stat *st;
	struct task_state *s;
	__u32 idx;

	if (!READ_ONCE(nr_in_path))
		return 0;
	s = task_state(false);
	if (!s || !s->contend_open)
		return 0;
	s->contend_open = 0;
	idx = s->contend.idx;
	asm volatile("" : "+r"(idx));
	st = &lock_stats[idx & (SMMUTRACE_MAX_LOCKS - 1)];
	__sync_fetch_and_add(&st->contended, 1);
	__sync_fetch_and_add(&st->contended_ns,
			     bpf_ktime_get_ns() - s->contend.ts);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
