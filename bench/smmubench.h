/* SPDX-License-Identifier: GPL-2.0 */
/* smmubench.ko internals shared by its objects. */
#ifndef SMMUBENCH_INTERNAL_H
#define SMMUBENCH_INTERNAL_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/version.h>
#include <linux/wait.h>

#include "uapi/smmubench.h"
#include "smmubench_compat.h"

/*
 * The clock of every timed op: CLOCK_MONOTONIC, as bpf_ktime_get_ns() reads
 * it, so that the tracer's records fall inside the ops they belong to.
 * Not ktime_get_ns(): it reads the timekeeper under a seqcount that lockdep
 * tracks, and on a kernel with CONFIG_PROVE_LOCKING (the test bed's -sva
 * kernels, for lock_stat) that costs about a thousand instructions per
 * read; an empty op cost 2.2 us against 2.8 us for a 4 KiB map there. The
 * fast accessor reads the same clock through the timekeeper's latch.
 */
static inline u64 sb_now(void)
{
	return ktime_get_mono_fast_ns();
}

/* SMMU_IDR1.SSIDSIZE, bits [10:6]: log2 of the substream IDs supported. */
#define SB_IDR1_SSIDSIZE(idr1)	(((idr1) >> 6) & 0x1f)

struct sb_run;
struct sb_share;

/* A device bound to the smmubench driver. Lives on sb_devs under sb_lock. */
struct sb_dev {
	struct list_head node;
	struct device *dev;
	struct sb_run *run;		/* the run using it, or NULL */
	unsigned int bind_users;	/* BIND calls in progress */
	struct sb_share *share;		/* the shared domain holding it, or NULL */
	/*
	 * Users of IOMMU_DEV_FEAT_SVA (BINDs, pasid-attach runs): it is on
	 * only while they last, since 6.1 refuses to attach (or give back
	 * the default domain to) a master with SVA enabled.
	 */
	unsigned int sva_users;
	bool sva_enabled;		/* IOMMU_DEV_FEAT_SVA turned on by us */
	bool removing;			/* remove() is waiting for it */
	bool leaving;			/* leaving its share (SHARE_MEMBER) */
	bool smmuv3;			/* behind an arm-smmu-v3 instance */
	u32 idr0, idr1;			/* that SMMU's ID registers */
	char smmu_name[SMMUBENCH_NAME_LEN];
};

/*
 * A domain the module shares between several masters for as long as a
 * file asks (SMMUBENCH_IOC_SHARE_DOMAIN). The file's context holds one
 * reference; remove() takes another while it dismantles the share.
 */
struct sb_share {
	struct kref ref;
	struct mutex lock;		/* serialises the teardown */
	struct iommu_domain *domain;	/* NULL once torn down */
	struct sb_dev *devs[SMMUBENCH_MAX_MASTERS];
	u32 nr_devs;			/* claimed; under sb_lock */
	u32 nr_attached;		/* devs[0..nr_attached) attached */
	unsigned int bind_users;	/* BINDs on its devices; under sb_lock */
	bool abort;			/* going away; set under sb_lock */
};

/* smmubench_main.c: the bound devices, which runs and shares look up */
extern struct mutex sb_lock;
extern struct list_head sb_devs;
extern wait_queue_head_t sb_wq;
struct sb_dev *sb_find_dev(const char *name);	/* under sb_lock */

/* Per open file. */
struct sb_ctx {
	struct mutex lock;		/* serialises RUN and READ_SAMPLES */
	/* Samples of the last run, one buffer per thread. */
	struct smmubench_sample **samples;
	u64 *nr_samples;
	u32 nr_threads;
	u64 total_samples;
	/* Written by the run, read without a lock by PROGRESS. */
	bool running;
	bool stop;
	u32 progress_threads;
	u64 progress[SMMUBENCH_MAX_THREADS];
	u64 total_iterations;
	u64 start_ns;
	u64 duration_ns;
	struct sb_share *share;		/* SHARE_DOMAIN's; under lock */
};

/* smmubench_smmu.c */
void sb_smmu_probe(struct sb_dev *sbd);
int sb_group_info(struct device *dev, int *id, unsigned int *nr_devs);
bool sb_has_pasid_cap(struct device *dev);
void sb_reason(char *buf, const char *fmt, ...) __printf(2, 3);
int sb_check_device(struct sb_dev *sbd, char *reason);
int sb_check_pasid(struct sb_dev *sbd, u32 workload, u32 pasid,
		   char *reason);
u32 sb_kernel_flags(void);
struct iommu_domain *sb_domain_alloc(struct device *dev);
void sb_domain_free(struct iommu_domain *domain);
extern atomic64_t sb_live_domains;
void sb_clock(u32 *hz, u64 *resolution_ns, u64 *step_ns);

/* smmubench_run.c */
long sb_ioctl_run(struct sb_ctx *ctx, void __user *arg);
long sb_ioctl_bind(struct sb_ctx *ctx, void __user *arg);
void sb_ctx_free_samples(struct sb_ctx *ctx);
void sb_dev_abort_run(struct sb_dev *sbd);
int sb_sva_get(struct sb_dev *sbd);
void sb_sva_put(struct sb_dev *sbd);

/* smmubench_share.c */
long sb_ioctl_share(struct sb_ctx *ctx, void __user *arg);
long sb_ioctl_unshare(struct sb_ctx *ctx, unsigned long arg);
long sb_ioctl_share_member(struct sb_ctx *ctx, void __user *arg);
void sb_ctx_unshare(struct sb_ctx *ctx);
void sb_dev_leave_share(struct sb_dev *sbd);

#endif /* SMMUBENCH_INTERNAL_H */
