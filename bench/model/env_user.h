/* SPDX-License-Identifier: GPL-2.0 */
/*
 * env_user.h: the kernel API sbmodel.c uses, on pthreads, so that one
 * source is both the module's model and `smmubench model` (the way
 * tools/testing/ harnesses rebuild kernel code in user space).
 *
 * Only what the model needs, with the kernel's semantics where they matter
 * to the result:
 *  - spinlock_t is a FIFO ticket lock, because the kernel's queued spinlock
 *    is fair: a waiter gets the lock before its holder can take it again.
 *    The split placement's race depends on exactly that. Waiters spin
 *    briefly, then sleep on a futex until their ticket comes up: threads
 *    may outnumber CPUs here, and a ticket lock whose next owner is not
 *    running stalls everyone behind it. (Yielding instead made a test run
 *    take 569 s on a 2-core machine busy with QEMU: on an EEVDF kernel
 *    every sched_yield() pushes the yielder's deadline back, so a CPU
 *    hog wins nearly every pick.)
 *  - struct mutex is a pthread mutex (not fair, as the kernel's is not).
 *  - irqsave flags are accepted and ignored: no interrupts in user space.
 */
#ifndef SMMUBENCH_SBMODEL_ENV_USER_H
#define SMMUBENCH_SBMODEL_ENV_USER_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdarg.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "smmubench/rng.h"

#define u8 uint8_t
#define u32 uint32_t
#define u64 uint64_t

#define BIT_ULL(n)	(1ULL << (n))
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define noinline	sbm_user_attr(noinline)
/* Spelt in two steps: checkpatch wants __printf(), which this defines. */
#define sbm_user_attr(x)	__attribute__((x))
#define __printf(a, b)	sbm_user_attr(format(printf, a, b))
#define GFP_KERNEL	0
#define scnprintf	sbm_user_scnprintf

/* ---- memory ---- */
static inline void *kvzalloc(size_t size, int gfp)
{
	return calloc(1, size);
}

static inline void *kvcalloc(size_t n, size_t size, int gfp)
{
	return calloc(n, size);
}

static inline void kvfree(void *p)
{
	free(p);
}

/* ---- time ---- */
static inline u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A pause, not a yield: a thread polling for a CMD_SYNC with devices_lock
 * held must keep its CPU, as it does in the kernel.
 */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static inline void cond_resched(void)
{
}

/* ---- atomics ---- */
struct sbm_user_atomic {
	int counter;
};

struct sbm_user_atomic64 {
	long long counter;
};

#define atomic_t	struct sbm_user_atomic
#define atomic64_t	struct sbm_user_atomic64

#define atomic_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_read(v)		__atomic_load_n(&(v)->counter, __ATOMIC_SEQ_CST)
#define atomic64_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic64_read(v)	__atomic_load_n(&(v)->counter, __ATOMIC_SEQ_CST)
#define atomic64_inc(v)		__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic64_inc_return(v)	__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)

static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

/* ---- locks ---- */
struct mutex {
	pthread_mutex_t m;
};

static inline void mutex_init(struct mutex *l)
{
	pthread_mutex_init(&l->m, NULL);
}

static inline void mutex_destroy(struct mutex *l)
{
	pthread_mutex_destroy(&l->m);
}

static inline void mutex_lock(struct mutex *l)
{
	pthread_mutex_lock(&l->m);
}

static inline void mutex_unlock(struct mutex *l)
{
	pthread_mutex_unlock(&l->m);
}

struct sbm_user_spinlock {
	unsigned int next;	/* ticket of the next arrival */
	unsigned int owner;	/* ticket now allowed in; the futex word */
	unsigned int sleepers;	/* waiters in FUTEX_WAIT */
};

#define spinlock_t	struct sbm_user_spinlock

/* About a microsecond of polling before a waiter sleeps. */
#define SBM_USER_SPINS	256

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
	l->sleepers = 0;
}

/*
 * A ticket's waiter sleeps on the bit of its ticket (mod 32), so that an
 * unlock wakes the next owner only; an unlock between reading @owner and
 * FUTEX_WAIT makes the wait return at once (the word changed).
 */
static inline void spin_lock(spinlock_t *l)
{
	unsigned int me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	unsigned int cur, spins = 0;

	while ((cur = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE)) != me) {
		if (++spins < SBM_USER_SPINS) {
			cpu_relax();
			continue;
		}
		__atomic_fetch_add(&l->sleepers, 1, __ATOMIC_SEQ_CST);
		syscall(SYS_futex, &l->owner, FUTEX_WAIT_BITSET_PRIVATE, cur,
			NULL, NULL, 1U << (me % 32));
		__atomic_fetch_sub(&l->sleepers, 1, __ATOMIC_SEQ_CST);
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	unsigned int next = l->owner + 1;

	__atomic_store_n(&l->owner, next, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->sleepers, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &l->owner, FUTEX_WAKE_BITSET_PRIVATE,
			INT_MAX, NULL, NULL, 1U << (next % 32));
}

#define spin_lock_irqsave(l, flags)	\
	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { (void)(flags); spin_unlock(l); } while (0)

/* ---- lists ---- */
struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = NULL;
	n->prev = NULL;
}

#define list_entry(p, type, member)	container_of(p, type, member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_entry((head)->next, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_entry(pos->member.next, typeof(*pos), member))

/* ---- what differs between the two builds ---- */

/* Seeded per-thread generator: the project's splitmix64 (smmubench/rng.h). */
struct sbm_rand {
	struct sb_rng rng;
};

static inline void sbm_rand_seed(struct sbm_rand *r, u64 seed)
{
	/*
	 * splitmix64 steps its state by a constant: seeds one step apart
	 * would give the same stream shifted by one draw. Start from a mixed
	 * output instead.
	 */
	r->rng.s = seed;
	r->rng.s = sb_rng__next(&r->rng);
}

static inline u32 sbm_rand_u32(struct sbm_rand *r)
{
	return (u32)(sb_rng__next(&r->rng) >> 32);
}

struct sbm_task {
	pthread_t thread;
	int (*fn)(void *arg);
	void *arg;
	bool started;
};

static inline void *sbm_user_task_fn(void *arg)
{
	struct sbm_task *t = arg;

	t->fn(t->arg);
	return NULL;
}

static inline int sbm_task_start(struct sbm_task *t, int (*fn)(void *),
				 void *arg, const char *name)
{
	int ret;

	t->fn = fn;
	t->arg = arg;
	ret = pthread_create(&t->thread, NULL, sbm_user_task_fn, t);
	if (ret)
		return -ret;
	t->started = true;
	return 0;
}

static inline void sbm_task_join(struct sbm_task *t)
{
	if (t->started)
		pthread_join(t->thread, NULL);
	t->started = false;
}

static inline void sbm_sleep_ns(u64 ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL,
			       .tv_nsec = ns % 1000000000ULL };

	nanosleep(&ts, NULL);
}

#define sbm_user_scnprintf(buf, size, ...)				\
	({								\
		int n_ = snprintf(buf, size, __VA_ARGS__);		\
		(size) == 0 ? 0 : n_ >= (int)(size) ? (int)(size) - 1 : n_; \
	})

#endif /* SMMUBENCH_SBMODEL_ENV_USER_H */
