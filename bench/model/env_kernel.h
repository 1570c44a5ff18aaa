/* SPDX-License-Identifier: GPL-2.0 */
/*
 * env_kernel.h: sbmodel.c inside smmubench.ko. The locks are the kernel's
 * own (struct mutex, spinlock_t taken irqsave as devices_lock is), so that
 * lockdep, lock tracepoints and BPF tracers see them as they see the
 * driver's. Only the thread, sleep and random helpers need wrapping.
 */
#ifndef SMMUBENCH_SBMODEL_ENV_KERNEL_H
#define SMMUBENCH_SBMODEL_ENV_KERNEL_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

struct sbm_rand {
	struct rnd_state st;
};

static inline void sbm_rand_seed(struct sbm_rand *r, u64 seed)
{
	prandom_seed_state(&r->st, seed);
}

static inline u32 sbm_rand_u32(struct sbm_rand *r)
{
	return prandom_u32_state(&r->st);
}

struct sbm_task {
	struct task_struct *task;
	int (*fn)(void *arg);
	void *arg;
	struct completion done;
};

/*
 * The work ends on its own; the thread then waits for kthread_stop() so
 * that its task_struct is still there when sbm_task_join() stops it.
 */
static inline int sbm_kernel_task_fn(void *arg)
{
	struct sbm_task *t = arg;

	t->fn(t->arg);
	complete(&t->done);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static inline int sbm_task_start(struct sbm_task *t, int (*fn)(void *),
				 void *arg, const char *name)
{
	struct task_struct *task;

	t->fn = fn;
	t->arg = arg;
	init_completion(&t->done);
	task = kthread_create(sbm_kernel_task_fn, t, "%s", name);
	if (IS_ERR(task))
		return PTR_ERR(task);
	get_task_struct(task);
	t->task = task;
	wake_up_process(task);
	return 0;
}

static inline void sbm_task_join(struct sbm_task *t)
{
	if (!t->task)
		return;
	/*
	 * kthread_stop() on a thread that has not run yet never calls its
	 * function: wait for the work first.
	 */
	wait_for_completion(&t->done);
	kthread_stop(t->task);
	put_task_struct(t->task);
	t->task = NULL;
}

static inline void sbm_sleep_ns(u64 ns)
{
	u64 us = max_t(u64, ns / 1000, 1);

	usleep_range(us, us + us / 4 + 1);
}

#endif /* SMMUBENCH_SBMODEL_ENV_KERNEL_H */
