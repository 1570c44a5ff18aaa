// SPDX-License-Identifier: GPL-2.0
/*
 * sbmodel: the lock placements around the SVA context-descriptor (CD)
 * write of arm-smmu-v3 (the "[PATCH v5 5/9] Refactor write_ctx_desc"
 * review, 2023), as a model that runs, with an atomicity checker.
 *
 * The pieces mirror the driver's: a command queue with its own lock whose
 * commands cost a service time and whose CMD_SYNC completes only after
 * everything queued before it; one shared domain with a master list under
 * the devices_lock spinlock; a CD table per master; ASIDs under asid_lock;
 * binds and unbinds serialised by sva_lock, as arm_smmu_sva_bind() does.
 * Binder threads bind and unbind PASIDs while attacher threads attach and
 * detach masters, and CD writes fail with a given probability to drive
 * the rollback path.
 *
 * The checker compares every CD table with what the placement says is
 * bound: after each op, under sva_lock and devices_lock (so no other op is
 * half done), and from an observer thread that takes the same two locks.
 * The first violation of each kind keeps the events that led to it.
 *
 * Built into `smmubench model` through env_user.h and into smmubench.ko
 * through env_kernel.h; docs/model.md describes both.
 */
#ifdef __KERNEL__
#include "env_kernel.h"
#else
#include "env_user.h"
#endif

#include "sbmodel.h"

#define SBM_NR_ASIDS	256
#define SBM_RING	1024	/* recent events kept for traces */
#define SBM_TRACE_EVENTS 24	/* at most this many in one trace */

enum sbm_event_type {
	SBM_E_BIND,		/* arg: device */
	SBM_E_BIND_DONE,	/* arg: -errno */
	SBM_E_UNBIND,
	SBM_E_LOCK,		/* devices_lock taken */
	SBM_E_UNLOCK,		/* devices_lock released */
	SBM_E_CD,		/* arg: the CD written (0: cleared) */
	SBM_E_CD_FAIL,		/* the write failed before changing the CD */
	SBM_E_ATTACH,
	SBM_E_DETACH,
	SBM_E_VIOLATION,	/* arg: kind */
};

static const char * const sbm_event_names[] = {
	[SBM_E_BIND] = "bind on master",
	[SBM_E_BIND_DONE] = "bind returns",
	[SBM_E_UNBIND] = "unbind",
	[SBM_E_LOCK] = "lock devices_lock",
	[SBM_E_UNLOCK] = "unlock devices_lock",
	[SBM_E_CD] = "write CD",
	[SBM_E_CD_FAIL] = "CD write FAILS",
	[SBM_E_ATTACH] = "attach master",
	[SBM_E_DETACH] = "detach master",
	[SBM_E_VIOLATION] = "VIOLATION",
};

/* One event; seq is written last, so a reader can skip a torn slot. */
struct sbm_event {
	u64 seq;		/* 1 + position in the run's event order */
	u64 ns;			/* since the run started */
	u32 thread;
	u32 type;
	int master;		/* -1: none */
	int pasid;		/* -1: none */
	long long arg;
};

struct sbm_master {
	struct list_head node;		/* on dom.masters, under devices_lock */
	unsigned int id;
	bool attached;			/* under devices_lock */
	u64 cd[SMMUBENCH_MODEL_MAX_PASIDS];	/* the CD table; 0: invalid */
	/* per-master placements: the bond's CD, under sva_lock; 0: none */
	u64 bond_cd[SMMUBENCH_MODEL_MAX_PASIDS];
};

struct sbm_domain {
	spinlock_t devices_lock;
	struct list_head masters;
	/*
	 * Domain-wide placements: the CD of each PASID bound to the domain,
	 * changed under sva_lock and devices_lock. A master on the list is
	 * bound to it; attach installs it and detach clears it, as the
	 * domain's CD table did before CD tables moved to the masters.
	 */
	u64 live_cd[SMMUBENCH_MODEL_MAX_PASIDS];
};

struct sbm_cmdq {
	spinlock_t lock;	/* the queue's own lock (an atomic in 6.x) */
	u64 busy_until_ns;	/* when the last queued command completes */
};

struct sbm_tstats {
	u64 binds, bind_failures, unbinds, attaches, detaches;
	u64 syncs_bind, syncs_unbind;
	u64 syncs_bind_min, syncs_bind_max;
	u64 syncs_unbind_min, syncs_unbind_max;
	u64 devlock_bind;
	u64 devlock_holds, devlock_hold_ns, devlock_hold_max_ns;
	u64 devlock_bind_holds, devlock_bind_hold_ns, devlock_bind_hold_max_ns;
	u64 sva_holds, asid_holds;
};

struct sbm_thread {
	struct sbm *m;
	struct sbm_task task;
	unsigned int idx;
	struct sbm_rand rand;
	/* the op in progress */
	int pasid;
	bool in_bind;
	u64 syncs;		/* CMD_SYNCs issued by the op */
	u64 devlock;		/* devices_lock acquisitions by the op */
	u64 devlock_t0;		/* when the thread took devices_lock */
	struct sbm_tstats st;
	unsigned long long *samples[SBM_S__MAX];
	unsigned long nr[SBM_S__MAX];
	/* binders: the master each of its processes is bound on, or -1 */
	int bound_on[SMMUBENCH_MODEL_MAX_PASIDS];
};

struct sbm_placement {
	const char *name;
	const char *desc;
	/* true: bound = on the domain's list while the PASID is live */
	bool domain_wide;
	/* called under sva_lock, with the ASID allocated */
	int (*bind)(struct sbm_thread *t, struct sbm_master *mst, u32 pasid,
		    u64 cd);
	void (*unbind)(struct sbm_thread *t, struct sbm_master *mst,
		       u32 pasid);
};

struct sbm {
	struct smmubench_model *p;
	const struct sbm_placement *pl;
	const unsigned long long *table;
	unsigned int nr_table;
	unsigned int sample_cap;
	u64 t0;

	struct mutex sva_lock;
	struct mutex asid_lock;
	unsigned long asid_used[SBM_NR_ASIDS / (8 * sizeof(unsigned long))];
	struct sbm_cmdq cmdq;
	struct sbm_domain dom;
	struct sbm_master masters[SMMUBENCH_MODEL_MAX_MASTERS];

	atomic_t stop;		/* set when every binder is done */
	atomic64_t violations[SMMUBENCH_MODEL_V__MAX];
	atomic64_t scans;
	atomic_t trace_taken[SMMUBENCH_MODEL_V__MAX];
	char traces[SMMUBENCH_MODEL_V__MAX][SMMUBENCH_MODEL_TRACE_LEN];
	atomic64_t ev_head;
	struct sbm_event ring[SBM_RING];

	unsigned int nr_threads;
	struct sbm_thread *threads;
	struct sbm_task observer;
};

static const char * const sbm_violation_names[] = {
	[SMMUBENCH_MODEL_V_STALE] = "stale_cd",
	[SMMUBENCH_MODEL_V_FAILED_LEFT] = "failed_bind_left_cd",
	[SMMUBENCH_MODEL_V_MISSING] = "missing_cd",
	[SMMUBENCH_MODEL_V_ROLLBACK] = "rollback_missed",
};

/* ---- events and traces ---------------------------------------------- */

/*
 * Lock-free: an event slot may be overwritten while a trace is copied,
 * which the seq check catches. Traces are taken with sva_lock and
 * devices_lock held, so the events that matter to them are complete.
 */
static void sbm_event(struct sbm_thread *t, u32 type, int master, int pasid,
		      long long arg)
{
	struct sbm *m = t->m;
	u64 seq = atomic64_inc_return(&m->ev_head);
	struct sbm_event *e = &m->ring[(seq - 1) % SBM_RING];

	e->ns = ktime_get_ns() - m->t0;
	e->thread = t->idx;
	e->type = type;
	e->master = master;
	e->pasid = pasid;
	e->arg = arg;
	WRITE_ONCE(e->seq, seq);
}

/* Events on @pasid, and changes of the master list up to @last. */
static bool sbm_event_matches(const struct sbm_event *e, int pasid, u64 last)
{
	if (e->type == SBM_E_ATTACH || e->type == SBM_E_DETACH)
		return e->seq <= last;
	return e->pasid == pasid;
}

/*
 * Keeps, from the start of the last op on @pasid, its events and the
 * attaches and detaches that interleaved with it: the smallest set that
 * shows how @master got (or kept) its CD.
 */
static void sbm_take_trace(struct sbm *m, unsigned int kind, int master,
			   int pasid)
{
	struct sbm_event keep[SBM_TRACE_EVENTS], e;
	char *buf = m->traces[kind];
	size_t len = SMMUBENCH_MODEL_TRACE_LEN, off;
	u64 head = atomic64_read(&m->ev_head);
	u64 first = head > SBM_RING ? head - SBM_RING + 1 : 1;
	u64 seq, found = 0, n, i, last = 0;

	/*
	 * From the start of the last op on @pasid (the one that went wrong)
	 * to its last event: list changes after it (seen by the observer
	 * later) are not part of the story.
	 */
	for (seq = head; seq >= first; seq--) {
		e = m->ring[(seq - 1) % SBM_RING];
		if (e.seq != seq || e.pasid != pasid)
			continue;
		if (!last && e.type != SBM_E_VIOLATION)
			last = seq;
		if (e.type == SBM_E_BIND || e.type == SBM_E_UNBIND) {
			first = seq;
			break;
		}
	}
	/*
	 * Other threads go on writing the ring meanwhile: read each slot
	 * once and keep the last matches, so what is counted is what is
	 * printed.
	 */
	for (seq = first; seq <= head; seq++) {
		e = m->ring[(seq - 1) % SBM_RING];
		if (e.seq == seq && sbm_event_matches(&e, pasid, last))
			keep[found++ % SBM_TRACE_EVENTS] = e;
	}
	n = found < SBM_TRACE_EVENTS ? found : SBM_TRACE_EVENTS;
	off = scnprintf(buf, len, "%s: master %d, PASID %d (last %llu of %llu events)\n",
			sbm_violation_names[kind], master, pasid,
			(unsigned long long)n, (unsigned long long)found);
	for (i = found - n; i < found; i++) {
		e = keep[i % SBM_TRACE_EVENTS];
		off += scnprintf(buf + off, len - off,
				 "  %8llu ns  thread %2u  %-19s master %2d  PASID %2d  %lld\n",
				 (unsigned long long)e.ns, e.thread,
				 sbm_event_names[e.type], e.master, e.pasid,
				 e.arg);
	}
	/* The ring may have lost the violation's own event: name it. */
	if (!n || keep[(found - 1) % SBM_TRACE_EVENTS].type != SBM_E_VIOLATION)
		scnprintf(buf + off, len - off,
			  "  %8s     %9s  %-19s master %2d  PASID %2d  %s\n",
			  "", "", sbm_event_names[SBM_E_VIOLATION], master,
			  pasid, sbm_violation_names[kind]);
}

static void sbm_violation(struct sbm_thread *t, unsigned int kind,
			  int master, int pasid)
{
	struct sbm *m = t->m;

	atomic64_inc(&m->violations[kind]);
	sbm_event(t, SBM_E_VIOLATION, master, pasid, kind);
	if (atomic_cmpxchg(&m->trace_taken[kind], 0, 1) == 0)
		sbm_take_trace(m, kind, master, pasid);
}

/* ---- random, service times, samples --------------------------------- */

static bool sbm_chance_ppm(struct sbm_thread *t, u32 ppm)
{
	return ppm && sbm_rand_u32(&t->rand) % 1000000 < ppm;
}

static u64 sbm_service(struct sbm_thread *t, u64 mean, bool sync)
{
	struct sbm *m = t->m;

	if (sync && m->nr_table)
		return m->table[sbm_rand_u32(&t->rand) % m->nr_table];
	if (m->p->dist == SMMUBENCH_MODEL_DIST_UNIFORM && mean)
		return sbm_rand_u32(&t->rand) % (2 * mean + 1);
	return mean;
}

static void sbm_sample(struct sbm_thread *t, unsigned int series, u64 v)
{
	if (t->nr[series] < t->m->sample_cap)
		t->samples[series][t->nr[series]++] = v;
}

/* Waits as a CPU polling for a CMD_SYNC does: busily, never sleeping. */
static void sbm_wait_until(u64 ns)
{
	while (ktime_get_ns() < ns)
		cpu_relax();
}

/* ---- the command queue ---------------------------------------------- */

/*
 * Queues @nr commands, then a CMD_SYNC if @sync, and waits for the sync:
 * it completes when every command queued before it has been served.
 */
static void sbm_cmdq_issue(struct sbm_thread *t, unsigned int nr, bool sync)
{
	struct sbm *m = t->m;
	u64 cost = 0, now, done;
	unsigned int i;
	unsigned long flags;

	for (i = 0; i < nr; i++)
		cost += sbm_service(t, m->p->cmd_ns, false);
	if (sync)
		cost += sbm_service(t, m->p->sync_ns, true);
	spin_lock_irqsave(&m->cmdq.lock, flags);
	now = ktime_get_ns();
	done = max(now, m->cmdq.busy_until_ns) + cost;
	m->cmdq.busy_until_ns = done;
	spin_unlock_irqrestore(&m->cmdq.lock, flags);
	if (!sync)
		return;
	t->syncs++;
	sbm_wait_until(done);
	sbm_sample(t, SBM_S_SYNC, ktime_get_ns() - now);
}

/* ---- locks with hold-time accounting -------------------------------- */

static void sbm_devices_lock(struct sbm_thread *t, unsigned long *flags)
{
	spin_lock_irqsave(&t->m->dom.devices_lock, *flags);
	t->devlock_t0 = ktime_get_ns();
	t->devlock++;
	sbm_event(t, SBM_E_LOCK, -1, t->pasid, 0);
}

static void sbm_devices_unlock(struct sbm_thread *t, unsigned long flags)
{
	u64 hold = ktime_get_ns() - t->devlock_t0;
	struct sbm_tstats *st = &t->st;

	sbm_event(t, SBM_E_UNLOCK, -1, t->pasid, 0);
	spin_unlock_irqrestore(&t->m->dom.devices_lock, flags);
	st->devlock_holds++;
	st->devlock_hold_ns += hold;
	st->devlock_hold_max_ns = max(st->devlock_hold_max_ns, hold);
	sbm_sample(t, SBM_S_DEVLOCK_HOLD, hold);
	if (!t->in_bind)
		return;
	st->devlock_bind_holds++;
	st->devlock_bind_hold_ns += hold;
	st->devlock_bind_hold_max_ns = max(st->devlock_bind_hold_max_ns, hold);
	sbm_sample(t, SBM_S_DEVLOCK_BIND_HOLD, hold);
}

static u64 sbm_mutex_lock(struct mutex *lock)
{
	mutex_lock(lock);
	return ktime_get_ns();
}

static void sbm_mutex_unlock(struct sbm_thread *t, struct mutex *lock,
			     u64 t0, unsigned int series)
{
	u64 hold = ktime_get_ns() - t0;

	mutex_unlock(lock);
	sbm_sample(t, series, hold);
	if (series == SBM_S_SVA_HOLD)
		t->st.sva_holds++;
	else
		t->st.asid_holds++;
}

/* ---- CD writes ------------------------------------------------------- */

/*
 * arm_smmu_write_ctx_desc() for one master (6.1): installing a CD writes
 * its body, syncs, sets the valid bit and syncs again; clearing it is one
 * write and one sync. An install fails, as an L2 CD table allocation can,
 * before it changes anything.
 */
static int sbm_write_cd(struct sbm_thread *t, struct sbm_master *mst,
			u32 pasid, u64 cd, bool may_fail)
{
	if (cd && may_fail && sbm_chance_ppm(t, t->m->p->fail_ppm)) {
		sbm_event(t, SBM_E_CD_FAIL, mst->id, pasid, 0);
		return -ENOMEM;
	}
	if (cd)
		sbm_cmdq_issue(t, 1, true);
	WRITE_ONCE(mst->cd[pasid], cd);
	sbm_cmdq_issue(t, 1, true);
	sbm_event(t, SBM_E_CD, mst->id, pasid, cd);
	return 0;
}

/*
 * The v5 arm_smmu_write_ctx_desc_devices(): every master on the domain's
 * list, under devices_lock (held by the caller); stops at the first
 * failure. @reached gets the masters whose CD was written.
 */
static int sbm_write_cd_devices(struct sbm_thread *t, u32 pasid, u64 cd,
				u64 *reached)
{
	struct sbm_master *mst;
	int ret;

	list_for_each_entry(mst, &t->m->dom.masters, node) {
		ret = sbm_write_cd(t, mst, pasid, cd, true);
		if (ret)
			return ret;
		*reached |= BIT_ULL(mst->id);
	}
	return 0;
}

static void sbm_check_rollback(struct sbm_thread *t, u32 pasid, u64 written,
			       u64 cleared)
{
	u64 missed = written & ~cleared;
	unsigned int i;

	for (i = 0; missed && i < SMMUBENCH_MODEL_MAX_MASTERS; i++) {
		if (missed & BIT_ULL(i)) {
			sbm_violation(t, SMMUBENCH_MODEL_V_ROLLBACK, i, pasid);
			return;
		}
	}
}

/* ---- placements ------------------------------------------------------ */

/*
 * split, the v5 patch: the domain-wide write under devices_lock; on
 * failure the lock is dropped and a second walk writes NULL. The list can
 * change in between, so the rollback may miss a master the write reached.
 */
static int sbm_split_bind(struct sbm_thread *t, struct sbm_master *mst,
			  u32 pasid, u64 cd)
{
	struct sbm_domain *dom = &t->m->dom;
	u64 written = 0, cleared = 0;
	unsigned long flags;
	int ret;

	sbm_devices_lock(t, &flags);
	ret = sbm_write_cd_devices(t, pasid, cd, &written);
	if (!ret)
		dom->live_cd[pasid] = cd;
	sbm_devices_unlock(t, flags);
	if (!ret)
		return 0;

	sbm_devices_lock(t, &flags);
	sbm_write_cd_devices(t, pasid, 0, &cleared);
	sbm_devices_unlock(t, flags);
	sbm_check_rollback(t, pasid, written, cleared);
	return ret;
}

/* wide, the reviewer's ask: the write and its rollback in one section. */
static int sbm_wide_bind(struct sbm_thread *t, struct sbm_master *mst,
			 u32 pasid, u64 cd)
{
	struct sbm_domain *dom = &t->m->dom;
	u64 written = 0, cleared = 0;
	unsigned long flags;
	int ret;

	sbm_devices_lock(t, &flags);
	ret = sbm_write_cd_devices(t, pasid, cd, &written);
	if (!ret)
		dom->live_cd[pasid] = cd;
	else
		sbm_write_cd_devices(t, pasid, 0, &cleared);
	sbm_devices_unlock(t, flags);
	if (ret)
		sbm_check_rollback(t, pasid, written, cleared);
	return ret;
}

/* Both domain-wide placements unbind with one walk writing NULL. */
static void sbm_domain_unbind(struct sbm_thread *t, struct sbm_master *mst,
			      u32 pasid)
{
	u64 cleared = 0;
	unsigned long flags;

	sbm_devices_lock(t, &flags);
	t->m->dom.live_cd[pasid] = 0;
	sbm_write_cd_devices(t, pasid, 0, &cleared);
	sbm_devices_unlock(t, flags);
}

/*
 * per-master, merged for v6.8: __arm_smmu_sva_bind(dev, mm, ssid) writes
 * the CD of the bound master only, under sva_lock; no walk, no
 * devices_lock. A failure leaves nothing to roll back.
 */
static int sbm_master_bind(struct sbm_thread *t, struct sbm_master *mst,
			   u32 pasid, u64 cd)
{
	int ret = sbm_write_cd(t, mst, pasid, cd, true);

	if (!ret)
		mst->bond_cd[pasid] = cd;
	return ret;
}

static void sbm_master_unbind(struct sbm_thread *t, struct sbm_master *mst,
			      u32 pasid)
{
	mst->bond_cd[pasid] = 0;
	sbm_write_cd(t, mst, pasid, 0, false);
}

static const struct sbm_placement sbm_placements[SMMUBENCH_MODEL__MAX] = {
	[SMMUBENCH_MODEL_SPLIT] = {
		.name = "split",
		.desc = "v5: domain-wide write; lock dropped before the rollback",
		.domain_wide = true,
		.bind = sbm_split_bind,
		.unbind = sbm_domain_unbind,
	},
	[SMMUBENCH_MODEL_WIDE] = {
		.name = "wide",
		.desc = "domain-wide write and rollback in one section",
		.domain_wide = true,
		.bind = sbm_wide_bind,
		.unbind = sbm_domain_unbind,
	},
	[SMMUBENCH_MODEL_PER_MASTER] = {
		.name = "per-master",
		.desc = "v6.8: the bound master's CD only, under sva_lock",
		.domain_wide = false,
		.bind = sbm_master_bind,
		.unbind = sbm_master_unbind,
	},
};

const char *sbm_placement_name(unsigned int placement)
{
	return placement < SMMUBENCH_MODEL__MAX ?
		sbm_placements[placement].name : "?";
}

const char *sbm_placement_desc(unsigned int placement)
{
	return placement < SMMUBENCH_MODEL__MAX ?
		sbm_placements[placement].desc : "?";
}

int sbm_placement_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < SMMUBENCH_MODEL__MAX; i++) {
		if (!strcmp(name, sbm_placements[i].name))
			return i;
	}
	return -EINVAL;
}

const char *sbm_violation_name(unsigned int kind)
{
	return kind < SMMUBENCH_MODEL_V__MAX ? sbm_violation_names[kind] :
		"?";
}

/* ---- the checker ----------------------------------------------------- */

/* The CD @mst should hold for @pasid now; sva_lock and devices_lock held. */
static u64 sbm_expected_cd(struct sbm *m, struct sbm_master *mst, u32 pasid)
{
	if (!m->pl->domain_wide)
		return mst->bond_cd[pasid];
	return mst->attached ? m->dom.live_cd[pasid] : 0;
}

/*
 * Compares every master's CD for @pasid with what is bound. A failed
 * bind (@failed_bind) must have left no CD anywhere.
 */
static void sbm_check_pasid(struct sbm_thread *t, u32 pasid, bool failed_bind)
{
	struct sbm *m = t->m;
	struct sbm_master *mst;
	unsigned int i;
	u64 want, got;

	for (i = 0; i < m->p->devices; i++) {
		mst = &m->masters[i];
		want = sbm_expected_cd(m, mst, pasid);
		got = READ_ONCE(mst->cd[pasid]);
		if (got == want)
			continue;
		if (failed_bind && got)
			sbm_violation(t, SMMUBENCH_MODEL_V_FAILED_LEFT, i, pasid);
		else if (want)
			sbm_violation(t, SMMUBENCH_MODEL_V_MISSING, i, pasid);
		else
			sbm_violation(t, SMMUBENCH_MODEL_V_STALE, i, pasid);
	}
}

/* The check after every op; the caller holds sva_lock. */
static void sbm_check_op(struct sbm_thread *t, u32 pasid, bool failed_bind)
{
	unsigned long flags;

	/* Not sbm_devices_lock(): the checker's holds are not the model's. */
	spin_lock_irqsave(&t->m->dom.devices_lock, flags);
	sbm_check_pasid(t, pasid, failed_bind);
	spin_unlock_irqrestore(&t->m->dom.devices_lock, flags);
}

/*
 * The observer: every observe_ns, a whole-state check between ops. It
 * counts a violation once per scan, so a CD that stays stale for long is
 * counted again by later scans.
 */
static int sbm_observer_fn(void *arg)
{
	struct sbm_thread *t = arg;
	struct sbm *m = t->m;
	unsigned long flags;
	u32 pasid, nr = m->p->binders * m->p->processes;

	while (!atomic_read(&m->stop)) {
		sbm_sleep_ns(m->p->observe_ns);
		mutex_lock(&m->sva_lock);
		spin_lock_irqsave(&m->dom.devices_lock, flags);
		for (pasid = 1; pasid <= nr; pasid++)
			sbm_check_pasid(t, pasid, false);
		spin_unlock_irqrestore(&m->dom.devices_lock, flags);
		mutex_unlock(&m->sva_lock);
		atomic64_inc(&m->scans);
	}
	return 0;
}

/* ---- operations ------------------------------------------------------- */

static int sbm_asid_alloc(struct sbm_thread *t)
{
	struct sbm *m = t->m;
	const unsigned int bits = 8 * sizeof(unsigned long);
	u64 t0 = sbm_mutex_lock(&m->asid_lock);
	unsigned int asid;
	int ret = -ENOSPC;

	/* ASID 0 belongs to the domain's own (non-PASID) CD. */
	for (asid = 1; asid < SBM_NR_ASIDS; asid++) {
		if (!(m->asid_used[asid / bits] & (1UL << (asid % bits)))) {
			m->asid_used[asid / bits] |= 1UL << (asid % bits);
			ret = asid;
			break;
		}
	}
	sbm_mutex_unlock(t, &m->asid_lock, t0, SBM_S_ASID_HOLD);
	return ret;
}

static void sbm_asid_free(struct sbm_thread *t, unsigned int asid)
{
	struct sbm *m = t->m;
	const unsigned int bits = 8 * sizeof(unsigned long);
	u64 t0 = sbm_mutex_lock(&m->asid_lock);

	m->asid_used[asid / bits] &= ~(1UL << (asid % bits));
	sbm_mutex_unlock(t, &m->asid_lock, t0, SBM_S_ASID_HOLD);
}

static void sbm_op_begin(struct sbm_thread *t, int pasid, bool bind)
{
	t->pasid = pasid;
	t->in_bind = bind;
	t->syncs = 0;
	t->devlock = 0;
}

/* The CD of a bind: the ASID it got, and the PASID to tell them apart. */
static u64 sbm_make_cd(unsigned int asid, u32 pasid)
{
	return (u64)asid << 16 | pasid;
}

static unsigned int sbm_cd_asid(u64 cd)
{
	return cd >> 16;
}

/*
 * The ops' own work is a function of its own, with the model first
 * (smmubench trace learns the locks from it: sbm_trace_rules()), so that
 * tracing it marks exactly the model's lock takes: the check that follows
 * under sva_lock takes devices_lock outside it. It returns with sva_lock
 * held, taken at *@t0.
 */
static noinline int sbm_bind_op(struct sbm *m, struct sbm_thread *t,
				u32 pasid, unsigned int dev, u64 *t0)
{
	int asid, ret;

	*t0 = sbm_mutex_lock(&m->sva_lock);
	sbm_event(t, SBM_E_BIND, dev, pasid, dev);
	asid = sbm_asid_alloc(t);
	ret = asid;
	if (asid > 0) {
		ret = m->pl->bind(t, &m->masters[dev], pasid,
				  sbm_make_cd(asid, pasid));
		if (ret)
			sbm_asid_free(t, asid);
	}
	sbm_event(t, SBM_E_BIND_DONE, dev, pasid, ret);
	return ret;
}

static void sbm_bind(struct sbm_thread *t, u32 pasid, unsigned int dev)
{
	struct sbm *m = t->m;
	struct sbm_tstats *st = &t->st;
	u64 start = ktime_get_ns(), t0;
	int ret;

	sbm_op_begin(t, pasid, true);
	ret = sbm_bind_op(m, t, pasid, dev, &t0);
	sbm_check_op(t, pasid, ret != 0);
	sbm_mutex_unlock(t, &m->sva_lock, t0, SBM_S_SVA_HOLD);

	if (!ret)
		t->bound_on[pasid] = dev;
	st->binds++;
	st->bind_failures += ret != 0;
	st->syncs_bind += t->syncs;
	st->syncs_bind_min = min(st->syncs_bind_min, t->syncs);
	st->syncs_bind_max = max(st->syncs_bind_max, t->syncs);
	st->devlock_bind += t->devlock;
	sbm_sample(t, SBM_S_BIND, ktime_get_ns() - start);
	sbm_sample(t, SBM_S_SYNCS_BIND, t->syncs);
	sbm_sample(t, SBM_S_DEVLOCK_PER_BIND, t->devlock);
}

/*
 * Unbind: the placement clears the CD, then the ASID's TLB entries are
 * invalidated (TLBI ASID + CMD_SYNC) before the ASID is reused.
 */
/* As sbm_bind_op(): returns with sva_lock held, taken at *@t0. */
static noinline void sbm_unbind_op(struct sbm *m, struct sbm_thread *t,
				   u32 pasid, unsigned int dev, u64 *t0)
{
	u64 cd;

	*t0 = sbm_mutex_lock(&m->sva_lock);
	sbm_event(t, SBM_E_UNBIND, dev, pasid, dev);
	cd = m->pl->domain_wide ? m->dom.live_cd[pasid] :
		m->masters[dev].bond_cd[pasid];
	m->pl->unbind(t, &m->masters[dev], pasid);
	sbm_cmdq_issue(t, 1, true);
	sbm_asid_free(t, sbm_cd_asid(cd));
}

static void sbm_unbind(struct sbm_thread *t, u32 pasid)
{
	struct sbm *m = t->m;
	struct sbm_tstats *st = &t->st;
	unsigned int dev = t->bound_on[pasid];
	u64 start = ktime_get_ns(), t0;

	sbm_op_begin(t, pasid, false);
	sbm_unbind_op(m, t, pasid, dev, &t0);
	sbm_check_op(t, pasid, false);
	sbm_mutex_unlock(t, &m->sva_lock, t0, SBM_S_SVA_HOLD);

	t->bound_on[pasid] = -1;
	st->unbinds++;
	st->syncs_unbind += t->syncs;
	st->syncs_unbind_min = min(st->syncs_unbind_min, t->syncs);
	st->syncs_unbind_max = max(st->syncs_unbind_max, t->syncs);
	sbm_sample(t, SBM_S_UNBIND, ktime_get_ns() - start);
	sbm_sample(t, SBM_S_SYNCS_UNBIND, t->syncs);
}

/*
 * Attach or detach a master to the shared (RID) domain: list change and
 * STE write under devices_lock. With a domain-wide placement the domain's
 * live PASIDs come and go with it, as with the per-domain CD table.
 * noinline with the model first, for the tracer, as sbm_bind_op().
 */
static noinline void sbm_attach_op(struct sbm *m, struct sbm_thread *t,
				   unsigned int dev)
{
	struct sbm_master *mst = &m->masters[dev];
	u64 start = ktime_get_ns();
	unsigned long flags;
	bool attach;
	u32 pasid;

	sbm_op_begin(t, -1, false);
	sbm_devices_lock(t, &flags);
	attach = !mst->attached;
	if (attach)
		list_add_tail(&mst->node, &m->dom.masters);
	else
		list_del(&mst->node);
	mst->attached = attach;
	sbm_event(t, attach ? SBM_E_ATTACH : SBM_E_DETACH, dev, -1, 0);
	for (pasid = 0; m->pl->domain_wide &&
	     pasid < SMMUBENCH_MODEL_MAX_PASIDS; pasid++) {
		if (m->dom.live_cd[pasid])
			sbm_write_cd(t, mst, pasid,
				     attach ? m->dom.live_cd[pasid] : 0, false);
	}
	sbm_cmdq_issue(t, 1, true);	/* the STE */
	sbm_devices_unlock(t, flags);

	if (attach)
		t->st.attaches++;
	else
		t->st.detaches++;
	sbm_sample(t, attach ? SBM_S_ATTACH : SBM_S_DETACH,
		   ktime_get_ns() - start);
}

/* Binder @idx owns PASIDs idx * processes + 1 .. (idx + 1) * processes. */
static int sbm_binder_fn(void *arg)
{
	struct sbm_thread *t = arg;
	const struct smmubench_model *p = t->m->p;
	u32 first = t->idx * p->processes + 1, pasid;
	u64 i;

	for (i = 0; i < p->ops; i++) {
		pasid = first + sbm_rand_u32(&t->rand) % p->processes;
		if (t->bound_on[pasid] >= 0)
			sbm_unbind(t, pasid);
		else
			sbm_bind(t, pasid,
				 sbm_rand_u32(&t->rand) % p->devices);
		/* a long run must not hog a CPU the attachers need */
		cond_resched();
	}
	/* Leave nothing bound, so that every run ends clean. */
	for (pasid = first; pasid < first + p->processes; pasid++) {
		if (t->bound_on[pasid] >= 0)
			sbm_unbind(t, pasid);
	}
	return 0;
}

static int sbm_attacher_fn(void *arg)
{
	struct sbm_thread *t = arg;
	struct sbm *m = t->m;

	while (!atomic_read(&m->stop)) {
		sbm_attach_op(m, t, sbm_rand_u32(&t->rand) % m->p->devices);
		cond_resched();
	}
	return 0;
}

/* ---- setup, run, results --------------------------------------------- */

/* Puts why into @reason and returns -EINVAL. */
static __printf(2, 3) int sbm_bad(char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, SMMUBENCH_REASON_LEN, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int sbm_check_params(const struct smmubench_model *p, unsigned int nr_table,
		     char *reason)
{
	unsigned int i;

	reason[0] = '\0';
	if (p->abi_version != SMMUBENCH_ABI_VERSION)
		return sbm_bad(reason, "abi_version %u, want %u",
			       p->abi_version, SMMUBENCH_ABI_VERSION);
	if (p->placement >= SMMUBENCH_MODEL__MAX)
		return sbm_bad(reason, "placement %u: no such placement",
			       p->placement);
	if (!p->binders || p->binders > SMMUBENCH_MODEL_MAX_THREADS)
		return sbm_bad(reason, "binders %u: want 1..%u", p->binders,
			       SMMUBENCH_MODEL_MAX_THREADS);
	if (p->attachers > SMMUBENCH_MODEL_MAX_THREADS)
		return sbm_bad(reason, "attachers %u: want 0..%u",
			       p->attachers, SMMUBENCH_MODEL_MAX_THREADS);
	if (!p->devices || p->devices > SMMUBENCH_MODEL_MAX_MASTERS)
		return sbm_bad(reason, "devices %u: want 1..%u", p->devices,
			       SMMUBENCH_MODEL_MAX_MASTERS);
	/* PASID 0 is the RID's CD: PASIDs are 1..binders * processes. */
	if (!p->processes ||
	    (u64)p->binders * p->processes >= SMMUBENCH_MODEL_MAX_PASIDS)
		return sbm_bad(reason, "processes %u x binders %u: want 1..%u PASIDs in all",
			       p->processes, p->binders,
			       SMMUBENCH_MODEL_MAX_PASIDS - 1);
	if (p->fail_ppm > 1000000)
		return sbm_bad(reason, "fail_ppm %u: want 0..1000000",
			       p->fail_ppm);
	if (p->dist >= SMMUBENCH_MODEL_DIST__MAX)
		return sbm_bad(reason, "dist %u: no such distribution",
			       p->dist);
	if (!p->ops || p->ops > SMMUBENCH_MODEL_MAX_OPS)
		return sbm_bad(reason, "ops %llu: want 1..%llu",
			       (unsigned long long)p->ops,
			       SMMUBENCH_MODEL_MAX_OPS);
	if (p->cmd_ns > SMMUBENCH_MODEL_MAX_SERVICE_NS ||
	    p->sync_ns > SMMUBENCH_MODEL_MAX_SERVICE_NS)
		return sbm_bad(reason, "service times above %llu ns",
			       SMMUBENCH_MODEL_MAX_SERVICE_NS);
	if (p->observe_ns && (p->observe_ns < 1000 ||
			      p->observe_ns > 1000000000ULL))
		return sbm_bad(reason, "observe_ns %llu: want 0 (off) or 1000..1000000000",
			       (unsigned long long)p->observe_ns);
	for (i = 0; i < ARRAY_SIZE(p->reserved_in); i++) {
		if (p->reserved_in[i])
			return sbm_bad(reason, "reserved_in[%u] is not zero",
				       i);
	}
	if (p->pad)
		return sbm_bad(reason, "pad is not zero");
	if (!p->sync_table != !p->nr_sync_table)
		return sbm_bad(reason, "sync_table and nr_sync_table: set both or neither");
	if (p->nr_sync_table > SMMUBENCH_MODEL_MAX_SYNC_TABLE)
		return sbm_bad(reason, "nr_sync_table %u: want 0..%u",
			       p->nr_sync_table, SMMUBENCH_MODEL_MAX_SYNC_TABLE);
	if (nr_table > (1U << 24))
		return sbm_bad(reason, "service-time table above %u values",
			       1U << 24);
	return 0;
}

struct sbm *sbm_create(struct smmubench_model *p,
		       const unsigned long long *table, unsigned int nr_table,
		       unsigned int sample_cap)
{
	struct sbm *m = kvzalloc(sizeof(*m), GFP_KERNEL);
	unsigned int i, s;

	if (!m)
		return NULL;
	m->p = p;
	m->pl = &sbm_placements[p->placement];
	m->table = table;
	m->nr_table = nr_table;
	m->sample_cap = sample_cap;
	mutex_init(&m->sva_lock);
	mutex_init(&m->asid_lock);
	spin_lock_init(&m->cmdq.lock);
	spin_lock_init(&m->dom.devices_lock);
	INIT_LIST_HEAD(&m->dom.masters);
	/* Every master starts attached to the shared domain. */
	for (i = 0; i < p->devices; i++) {
		m->masters[i].id = i;
		m->masters[i].attached = true;
		list_add_tail(&m->masters[i].node, &m->dom.masters);
	}
	/* Binders, attachers, then the observer's identity for the checker. */
	m->nr_threads = p->binders + p->attachers + 1;
	m->threads = kvcalloc(m->nr_threads, sizeof(*m->threads), GFP_KERNEL);
	if (!m->threads)
		goto free_model;
	for (i = 0; i < m->nr_threads; i++) {
		struct sbm_thread *t = &m->threads[i];

		t->m = m;
		t->idx = i;
		t->pasid = -1;
		t->st.syncs_bind_min = ~0ULL;
		t->st.syncs_unbind_min = ~0ULL;
		memset(t->bound_on, 0xff, sizeof(t->bound_on));
		/* Distinct, fixed streams per thread: reproducible op mixes. */
		sbm_rand_seed(&t->rand, p->seed * 0x9e3779b97f4a7c15ULL + i + 1);
		for (s = 0; sample_cap && s < SBM_S__MAX; s++) {
			t->samples[s] = kvcalloc(sample_cap,
						 sizeof(*t->samples[s]),
						 GFP_KERNEL);
			if (!t->samples[s])
				goto free_model;
		}
	}
	return m;

free_model:
	sbm_destroy(m);
	return NULL;
}

void sbm_destroy(struct sbm *m)
{
	unsigned int i, s;

	if (!m)
		return;
	for (i = 0; m->threads && i < m->nr_threads; i++) {
		for (s = 0; s < SBM_S__MAX; s++)
			kvfree(m->threads[i].samples[s]);
	}
	kvfree(m->threads);
	mutex_destroy(&m->sva_lock);
	mutex_destroy(&m->asid_lock);
	kvfree(m);
}

static const unsigned int sbm_trace_order[] = {
	SMMUBENCH_MODEL_V_ROLLBACK, SMMUBENCH_MODEL_V_FAILED_LEFT,
	SMMUBENCH_MODEL_V_MISSING, SMMUBENCH_MODEL_V_STALE,
};

static void sbm_reduce(struct sbm *m)
{
	struct smmubench_model *p = m->p;
	unsigned int i, k;

	p->syncs_bind_min = ~0ULL;
	p->syncs_unbind_min = ~0ULL;
	for (i = 0; i < m->nr_threads; i++) {
		const struct sbm_tstats *st = &m->threads[i].st;

		p->binds += st->binds;
		p->bind_failures += st->bind_failures;
		p->unbinds += st->unbinds;
		p->attaches += st->attaches;
		p->detaches += st->detaches;
		p->syncs_bind += st->syncs_bind;
		p->syncs_unbind += st->syncs_unbind;
		p->syncs_bind_min = min(p->syncs_bind_min, st->syncs_bind_min);
		p->syncs_bind_max = max(p->syncs_bind_max, st->syncs_bind_max);
		p->syncs_unbind_min = min(p->syncs_unbind_min,
					  st->syncs_unbind_min);
		p->syncs_unbind_max = max(p->syncs_unbind_max,
					  st->syncs_unbind_max);
		p->devlock_bind += st->devlock_bind;
		p->devlock_holds += st->devlock_holds;
		p->devlock_hold_ns += st->devlock_hold_ns;
		p->devlock_hold_max_ns = max(p->devlock_hold_max_ns,
					     st->devlock_hold_max_ns);
		p->devlock_bind_holds += st->devlock_bind_holds;
		p->devlock_bind_hold_ns += st->devlock_bind_hold_ns;
		p->devlock_bind_hold_max_ns = max(p->devlock_bind_hold_max_ns,
						  st->devlock_bind_hold_max_ns);
		p->sva_holds += st->sva_holds;
		p->asid_holds += st->asid_holds;
	}
	if (!p->binds)
		p->syncs_bind_min = 0;
	if (!p->unbinds)
		p->syncs_unbind_min = 0;
	p->scans = atomic64_read(&m->scans);
	for (k = 0; k < SMMUBENCH_MODEL_V__MAX; k++)
		p->violations[k] = atomic64_read(&m->violations[k]);
	/* The kinds that show their cause first: a stale CD seen later by
	 * the observer no longer shows the bind that left it.
	 */
	for (i = 0; i < ARRAY_SIZE(sbm_trace_order); i++) {
		k = sbm_trace_order[i];
		if (m->traces[k][0]) {
			memcpy(p->trace, m->traces[k], sizeof(p->trace));
			break;
		}
	}
}

int sbm_run(struct sbm *m)
{
	struct smmubench_model *p = m->p;
	struct sbm_thread *obs = &m->threads[m->nr_threads - 1];
	unsigned int i;
	int ret = 0;

	/* Out fields are sums: start them from zero, whatever came in. */
	memset((char *)p + offsetof(struct smmubench_model, binds), 0,
	       sizeof(*p) - offsetof(struct smmubench_model, binds));
	m->t0 = ktime_get_ns();
	atomic_set(&m->stop, 0);
	/* Attachers first, so that binders race them from the first op. */
	for (i = p->binders; !ret && i < m->nr_threads - 1; i++)
		ret = sbm_task_start(&m->threads[i].task, sbm_attacher_fn,
				     &m->threads[i], "sbm-attach");
	for (i = 0; !ret && i < p->binders; i++)
		ret = sbm_task_start(&m->threads[i].task, sbm_binder_fn,
				     &m->threads[i], "sbm-bind");
	if (!ret && p->observe_ns)
		ret = sbm_task_start(&obs->task, sbm_observer_fn, obs,
				     "sbm-observe");
	/* Binders end on their own; then everyone else is told to stop. */
	for (i = 0; i < p->binders; i++)
		sbm_task_join(&m->threads[i].task);
	atomic_set(&m->stop, 1);
	for (i = p->binders; i < m->nr_threads; i++)
		sbm_task_join(&m->threads[i].task);
	p->elapsed_ns = ktime_get_ns() - m->t0;
	sbm_reduce(m);
	return ret;
}

unsigned int sbm_nr_threads(const struct sbm *m)
{
	return m->nr_threads;
}

const unsigned long long *sbm_samples(const struct sbm *m,
				      unsigned int thread, unsigned int series,
				      unsigned long *nr)
{
	*nr = m->threads[thread].nr[series];
	return m->threads[thread].samples[series];
}

const char *sbm_trace(const struct sbm *m, unsigned int kind)
{
	return m->traces[kind];
}

/*
 * Rules for `smmubench trace --lock-at FUNC:ARG+OFFSET=LOCK`, one a line:
 * the model's struct (so its locks) is allocated per run, so the tracer
 * learns their addresses at the entry of each op function from its first
 * argument, the model. Each lock is named after the driver lock it
 * models, as the tracer names that.
 */
int sbm_trace_rules(char *buf, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} locks[] = {
		{ "devices_lock", offsetof(struct sbm, dom.devices_lock) },
		{ "sva_lock", offsetof(struct sbm, sva_lock) },
		{ "arm_smmu_asid_lock", offsetof(struct sbm, asid_lock) },
	};
	/* the functions and how many of locks[] (from the first) each takes */
	static const struct {
		const char *func;
		unsigned int nr_locks;
	} ops[] = {
		{ "sbm_bind_op", 3 }, { "sbm_unbind_op", 3 },
		{ "sbm_attach_op", 1 },
	};
	unsigned int i, k;
	int off = 0;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (k = 0; k < ops[i].nr_locks; k++)
			off += scnprintf(buf + off, len - off, "%s:0+%zu=%s\n",
					 ops[i].func, locks[k].off,
					 locks[k].name);
	}
	return off;
}
