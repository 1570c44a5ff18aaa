/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sbmodel: a runnable model of the lock placements around the SVA
 * context-descriptor (CD) write of arm-smmu-v3, with an atomicity checker.
 * sbmodel.c is built twice: into `smmubench model` (pthreads, through
 * env_user.h) and into smmubench.ko (kernel locks, through env_kernel.h).
 * docs/model.md describes the model and what each placement implies.
 */
#ifndef SMMUBENCH_SBMODEL_H
#define SMMUBENCH_SBMODEL_H

#include "uapi/smmubench.h"

struct sbm;

/* Per-op series kept by the user build (the module keeps only sums). */
enum sbm_series {
	SBM_S_BIND,		/* op.bind, ns */
	SBM_S_UNBIND,		/* op.unbind, ns */
	SBM_S_ATTACH,		/* op.attach, ns */
	SBM_S_DETACH,		/* op.detach, ns */
	SBM_S_DEVLOCK_HOLD,	/* lock.devices_lock.hold, ns */
	SBM_S_DEVLOCK_BIND_HOLD, /* lock.devices_lock_bind.hold, ns */
	SBM_S_SVA_HOLD,		/* lock.sva_lock.hold, ns */
	SBM_S_ASID_HOLD,	/* lock.asid_lock.hold, ns */
	SBM_S_SYNC,		/* sync.cmdq, ns: CMD_SYNC issue to completion */
	SBM_S_SYNCS_BIND,	/* count.syncs.bind, 1 */
	SBM_S_SYNCS_UNBIND,	/* count.syncs.unbind, 1 */
	SBM_S_DEVLOCK_PER_BIND,	/* count.devices_lock.bind, 1 */
	SBM_S__MAX,
};

/* A placement: adding one is adding one entry to sbm_placements[]. */
const char *sbm_placement_name(unsigned int placement);
const char *sbm_placement_desc(unsigned int placement);
/* Returns the index of @name or -EINVAL. */
int sbm_placement_lookup(const char *name);
const char *sbm_violation_name(unsigned int kind);

/*
 * Checks every input field of @p; on error returns -EINVAL and writes why
 * into @reason (SMMUBENCH_REASON_LEN bytes). @nr_table: sync service
 * times from a results file (user build only; 0 otherwise).
 */
int sbm_check_params(const struct smmubench_model *p, unsigned int nr_table,
		     char *reason);

/*
 * @table (may be NULL) holds @nr_table CMD_SYNC service times drawn at
 * random instead of sync_ns; it must outlive the model. @sample_cap bounds
 * the samples kept per series and thread (0: sums only).
 */
struct sbm *sbm_create(struct smmubench_model *p, const unsigned long long *table,
		       unsigned int nr_table, unsigned int sample_cap);
/* Runs the workload; fills the out fields of the params. 0 or -errno. */
int sbm_run(struct sbm *m);
void sbm_destroy(struct sbm *m);	/* accepts NULL */

/* Threads of the run: binders first, then attachers. */
unsigned int sbm_nr_threads(const struct sbm *m);
/* Samples of @series kept for thread @thread; *@nr gets their number. */
const unsigned long long *sbm_samples(const struct sbm *m, unsigned int thread,
				      unsigned int series, unsigned long *nr);
/* The trace of the first violation of @kind, or "" if none was seen. */
const char *sbm_trace(const struct sbm *m, unsigned int kind);

/*
 * Writes the rules `smmubench trace --lock-at` needs to follow the model's
 * locks (FUNC:ARG+OFFSET=LOCK, one a line) into @buf; returns the length.
 */
int sbm_trace_rules(char *buf, size_t len);

#ifdef __KERNEL__
/* sbmodel_kmod.c: SMMUBENCH_IOC_MODEL_RUN. */
long sbm_ioctl_model(void __user *arg);
#endif

#endif /* SMMUBENCH_SBMODEL_H */
