/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * smmubench.ko control ABI: ioctls on the misc device /dev/smmubench.
 * This header is the definition; docs/abi.md explains it.
 *
 * One context per open file: a RUN stores its samples in the context until
 * the next RUN or close; READ_SAMPLES copies them out. Every struct starts
 * with abi_version, which must equal SMMUBENCH_ABI_VERSION; reserved fields
 * must be zero so that later versions can give them a meaning.
 */
#ifndef _UAPI_SMMUBENCH_H
#define _UAPI_SMMUBENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SMMUBENCH_ABI_VERSION	1
#define SMMUBENCH_DEVICE_PATH	"/dev/smmubench"

/* Limits; anything beyond them is refused with -EINVAL and a reason. */
#define SMMUBENCH_MAX_DEVICES		16	/* per run, and listed by INFO */
#define SMMUBENCH_MAX_THREADS		64
#define SMMUBENCH_MAX_MASTERS		16	/* devices sharing one domain */
#define SMMUBENCH_MAX_ITERATIONS	(1U << 20)	/* per thread */
#define SMMUBENCH_MAX_SAMPLES		(1U << 21)	/* per run, all threads */
#define SMMUBENCH_MAX_DURATION_NS	(3600ULL * 1000000000ULL)
#define SMMUBENCH_MAX_SIZE_BYTES	(1ULL << 30)	/* map, munmap: bytes per op */
#define SMMUBENCH_MAX_PAGES_PER_OP	(1U << 18)	/* map: size / granule */
#define SMMUBENCH_MAX_CPUS		256	/* bits in cpu_mask */
#define SMMUBENCH_NAME_LEN		64	/* device names, NUL included */
#define SMMUBENCH_REASON_LEN		256	/* error reasons, NUL included */

enum smmubench_workload {
	SMMUBENCH_WL_ATTACH = 1,	/* fresh domain, attach/detach M masters */
	SMMUBENCH_WL_MAP = 2,		/* iommu_map / unmap_fast / iotlb_sync */
	SMMUBENCH_WL_BIND = 3,		/* PASID bind of the caller's mm (BIND) */
	SMMUBENCH_WL_PASID_ATTACH = 4,	/* paging domain on PASID k */
	/* munmap of populated ranges of an SVA-bound mm (BIND munmap_bytes) */
	SMMUBENCH_WL_SVA_MUNMAP = 5,
};

/* Kind of one timed operation, smmubench_sample.op. */
enum smmubench_op {
	SMMUBENCH_OP_EMPTY = 0,		/* two clock reads: the module's overhead */
	SMMUBENCH_OP_ATTACH = 1,	/* iommu_attach_device */
	SMMUBENCH_OP_DETACH = 2,	/* iommu_detach_device (back to default) */
	SMMUBENCH_OP_MAP = 3,		/* iommu_map of size bytes, granule pages */
	SMMUBENCH_OP_UNMAP = 4,		/* iommu_unmap_fast: page tables only */
	SMMUBENCH_OP_IOTLB_SYNC = 5,	/* iommu_iotlb_sync: TLBI + CMD_SYNC */
	SMMUBENCH_OP_BIND = 6,		/* iommu_sva_bind_device */
	SMMUBENCH_OP_UNBIND = 7,	/* iommu_sva_unbind_device */
	SMMUBENCH_OP_PASID_ATTACH = 8,	/* iommu_attach_device_pasid */
	SMMUBENCH_OP_PASID_DETACH = 9,	/* iommu_detach_device_pasid */
	SMMUBENCH_OP_MUNMAP = 10,	/* vm_munmap of a bound mm's range */
	SMMUBENCH_OP__MAX,
};

/* smmubench_device_info.flags */
#define SMMUBENCH_DEV_HAS_GROUP		(1U << 0)	/* in an IOMMU group */
#define SMMUBENCH_DEV_SMMUV3		(1U << 1)	/* behind arm-smmu-v3 */
#define SMMUBENCH_DEV_GROUP_SHARED	(1U << 2)	/* group has others too */
#define SMMUBENCH_DEV_BUSY		(1U << 3)	/* used by a run now */
#define SMMUBENCH_DEV_PASID_CAP		(1U << 4)	/* PCIe PASID capability */
#define SMMUBENCH_DEV_PCI		(1U << 5)	/* else a platform device */
/* The device's current domain is unmanaged, as the module's are. */
#define SMMUBENCH_DEV_UNMANAGED_DOMAIN	(1U << 6)

struct smmubench_device_info {
	char name[SMMUBENCH_NAME_LEN];		/* dev_name(): BDF or platform */
	char smmu_name[SMMUBENCH_NAME_LEN];	/* the SMMU's device, or "" */
	__u32 flags;				/* SMMUBENCH_DEV_* */
	__s32 iommu_group_id;			/* -1: no group */
	__u32 smmu_idr0;			/* SMMU_IDR0, if SMMUV3 */
	__u32 smmu_idr1;			/* SMMU_IDR1, if SMMUV3 */
	__u32 domain_type;			/* current IOMMU_DOMAIN_* value */
	__u32 reserved[7];
};

/* INFO kernel features, smmubench_info.kernel_flags */
#define SMMUBENCH_KERNEL_ARM_SMMU_V3_SVA	(1U << 0)
#define SMMUBENCH_KERNEL_IOMMU_SVA		(1U << 1)
#define SMMUBENCH_KERNEL_PASID_ATTACH		(1U << 2)

struct smmubench_info {
	__u32 abi_version;		/* in: SMMUBENCH_ABI_VERSION; out: same */
	__u32 nr_devices;		/* out: claimed devices listed below */
	__u32 kernel_flags;		/* out: SMMUBENCH_KERNEL_* */
	__u32 clock_hz;			/* out: counter frequency, 0 if unknown */
	__u64 clock_resolution_ns;	/* out: ns per counter tick, rounded up */
	__u64 clock_step_ns;		/* out: smallest ktime_get_ns() step seen */
	__u64 live_domains;		/* out: domains the module holds now */
	__u64 reserved[7];
	struct smmubench_device_info devices[SMMUBENCH_MAX_DEVICES];
};

/* smmubench_run.stop_reason */
enum smmubench_stop {
	SMMUBENCH_STOP_ITERATIONS = 1,	/* every thread did its iterations */
	SMMUBENCH_STOP_DURATION = 2,	/* duration_ns elapsed */
	SMMUBENCH_STOP_REQUESTED = 3,	/* SMMUBENCH_IOC_STOP */
	SMMUBENCH_STOP_ERROR = 4,	/* an op failed: see error, reason */
	SMMUBENCH_STOP_REMOVED = 5,	/* a device was unbound mid-run */
};

struct smmubench_run {
	/* in */
	__u32 abi_version;
	__u32 workload;			/* SMMUBENCH_WL_ATTACH/MAP/PASID_ATTACH */
	__u32 nr_devices;		/* names used in devices[] */
	__u32 threads;			/* 1..SMMUBENCH_MAX_THREADS */
	__u32 masters;			/* attach, map: devices per domain */
	__u32 pasid;			/* pasid-attach: first PASID (>= 1) */
	__u64 iterations;		/* per thread; 0: as many as fit */
	__u64 duration_ns;		/* 0: no time limit */
	__u64 size_bytes;		/* map: bytes per op */
	__u64 granule_bytes;		/* map: page size used */
	__u64 cpu_mask[SMMUBENCH_MAX_CPUS / 64]; /* 0: all online CPUs */
	__u64 reserved_in[8];
	char devices[SMMUBENCH_MAX_DEVICES][SMMUBENCH_NAME_LEN];
	/* out */
	__u64 nr_samples;		/* stored, for READ_SAMPLES */
	__u64 nr_iterations;		/* completed, all threads */
	__u64 elapsed_ns;		/* first thread start to last end */
	__u64 clock_resolution_ns;
	__s32 error;			/* first op error (-errno) or 0 */
	__u32 stop_reason;		/* SMMUBENCH_STOP_* */
	__u32 thread_pid[SMMUBENCH_MAX_THREADS]; /* kthreads, for tracers */
	__u32 thread_cpu[SMMUBENCH_MAX_THREADS]; /* CPU each was bound to */
	__u64 reserved_out[8];
	char reason[SMMUBENCH_REASON_LEN]; /* why it failed or stopped early */
};

/*
 * One timed op. op_id = thread << 32 | sequence within the thread, unique
 * within a run. start_ns is ktime_get_ns() (CLOCK_MONOTONIC), the clock
 * of bpf_ktime_get_ns(), so tracer records join on pid and time.
 */
struct smmubench_sample {
	__u64 op_id;
	__u64 start_ns;
	__u64 latency_ns;
	__u32 thread;
	__u32 op;			/* enum smmubench_op */
};

struct smmubench_read_samples {
	__u32 abi_version;
	__u32 reserved0;
	__u64 offset;			/* in: first sample wanted */
	__u64 count;			/* in: room in buf; out: copied */
	__u64 samples_ptr;		/* in: struct smmubench_sample[count] */
	__u64 reserved[4];
};

/*
 * Binds the calling thread's mm to a device's PASID, iterations times.
 * With munmap_bytes set, binds once instead and then, iterations times,
 * maps munmap_bytes of populated anonymous memory in the caller's mm and
 * times its munmap (the SVA mmu notifier's invalidation), then unbinds:
 * samples bind, iterations x munmap, unbind.
 */
struct smmubench_bind {
	__u32 abi_version;
	__u32 thread;			/* in: caller's index, put in samples */
	__u64 iterations;		/* in: bind+unbind pairs, or munmaps */
	/* in: struct smmubench_sample[2 * it.], or [it. + 2] with munmap */
	__u64 samples_ptr;
	__u64 nr_samples;		/* out */
	char device[SMMUBENCH_NAME_LEN];
	__s32 error;			/* out: first error or 0 */
	__u32 reserved0;
	/* in: 0, or bytes per munmap: pages, at most SMMUBENCH_MAX_SIZE_BYTES */
	__u64 munmap_bytes;
	__u64 reserved[5];
	char reason[SMMUBENCH_REASON_LEN];
};

struct smmubench_progress {
	__u32 abi_version;
	__u32 running;			/* out: 1 while a RUN is in progress */
	__u64 done_iterations;		/* out: all threads, so far */
	__u64 total_iterations;		/* out: 0 if bounded by duration only */
	__u64 elapsed_ns;
	__u64 duration_ns;
	__u64 reserved[4];
};

/*
 * SHARE_DOMAIN: the file's context allocates one unmanaged paging domain
 * and attaches every named device to it, so that they are masters of one
 * domain (what a 6.1 PASID bind writes its CD into, master by master).
 * The context holds them until UNSHARE_DOMAIN, close() of the last file
 * reference, or the unbind of any of them; then each device goes back to
 * its default domain and the domain is freed. One share per file. BIND
 * may bind a shared device; RUN refuses it.
 */
struct smmubench_share_domain {
	__u32 abi_version;
	__u32 nr_devices;		/* in: 1..SMMUBENCH_MAX_MASTERS */
	__u64 reserved[4];
	char devices[SMMUBENCH_MAX_MASTERS][SMMUBENCH_NAME_LEN];
	__s32 error;			/* out: -errno or 0 */
	__u32 reserved0;
	char reason[SMMUBENCH_REASON_LEN]; /* out: why it failed */
};

/*
 * SHARE_MEMBER: a device joins the file's shared domain (attached to it
 * like the devices SHARE_DOMAIN named) or leaves it (back to its default
 * domain), while the share lasts. For tests that change the domain's
 * master list while another device of it binds PASIDs.
 */
enum smmubench_share_op {
	SMMUBENCH_SHARE_JOIN = 1,
	SMMUBENCH_SHARE_LEAVE = 2,
};

struct smmubench_share_member {
	__u32 abi_version;
	__u32 op;			/* in: SMMUBENCH_SHARE_JOIN or _LEAVE */
	__u64 reserved[4];
	char device[SMMUBENCH_NAME_LEN];	/* in: a claimed device */
	__s32 error;			/* out: -errno or 0 */
	__u32 reserved0;
	char reason[SMMUBENCH_REASON_LEN]; /* out: why it failed */
};

#define SMMUBENCH_IOC_MAGIC	0xB5
#define SMMUBENCH_IOC_INFO	_IOWR(SMMUBENCH_IOC_MAGIC, 1, struct smmubench_info)
#define SMMUBENCH_IOC_RUN	_IOWR(SMMUBENCH_IOC_MAGIC, 2, struct smmubench_run)
#define SMMUBENCH_IOC_READ_SAMPLES \
	_IOWR(SMMUBENCH_IOC_MAGIC, 3, struct smmubench_read_samples)
#define SMMUBENCH_IOC_BIND	_IOWR(SMMUBENCH_IOC_MAGIC, 4, struct smmubench_bind)
#define SMMUBENCH_IOC_PROGRESS	_IOWR(SMMUBENCH_IOC_MAGIC, 5, struct smmubench_progress)
#define SMMUBENCH_IOC_STOP	_IO(SMMUBENCH_IOC_MAGIC, 6)
#define SMMUBENCH_IOC_SHARE_DOMAIN \
	_IOWR(SMMUBENCH_IOC_MAGIC, 7, struct smmubench_share_domain)
#define SMMUBENCH_IOC_UNSHARE_DOMAIN	_IO(SMMUBENCH_IOC_MAGIC, 8)
#define SMMUBENCH_IOC_SHARE_MEMBER \
	_IOWR(SMMUBENCH_IOC_MAGIC, 9, struct smmubench_share_member)

/*
 * MODEL_RUN: runs the model of the SVA CD-write lock placements
 * (bench/model, docs/model.md) in the module with kernel locks, so that
 * tracers see its locks as they see the driver's. Blocks until done.
 */
#define SMMUBENCH_MODEL_MAX_THREADS	16	/* binders, and attachers */
#define SMMUBENCH_MODEL_MAX_MASTERS	16
#define SMMUBENCH_MODEL_MAX_PASIDS	64	/* binders * processes */
#define SMMUBENCH_MODEL_MAX_OPS		(1ULL << 24)	/* per binder */
#define SMMUBENCH_MODEL_MAX_SERVICE_NS	1000000ULL	/* per command */
#define SMMUBENCH_MODEL_MAX_SYNC_TABLE	(1U << 20)	/* sync_table values */
#define SMMUBENCH_MODEL_TRACE_LEN	2048

enum smmubench_model_placement {
	SMMUBENCH_MODEL_SPLIT = 0,	/* v5: walk, drop lock, rollback walk */
	SMMUBENCH_MODEL_WIDE = 1,	/* write and rollback in one section */
	SMMUBENCH_MODEL_PER_MASTER = 2,	/* v6.8: bound master only */
	SMMUBENCH_MODEL__MAX,
};

enum smmubench_model_dist {
	SMMUBENCH_MODEL_DIST_CONST = 0,
	SMMUBENCH_MODEL_DIST_UNIFORM = 1,	/* [0, 2 * mean] */
	SMMUBENCH_MODEL_DIST__MAX,
};

/* Violation kinds, smmubench_model.violations[] */
enum smmubench_model_violation {
	SMMUBENCH_MODEL_V_STALE = 0,	/* CD for a PASID it is not bound to */
	SMMUBENCH_MODEL_V_FAILED_LEFT = 1, /* a failed bind left a CD */
	SMMUBENCH_MODEL_V_MISSING = 2,	/* a bound master lacks its CD */
	SMMUBENCH_MODEL_V_ROLLBACK = 3,	/* rollback missed a written master */
	SMMUBENCH_MODEL_V__MAX,
};

struct smmubench_model {
	/* in */
	__u32 abi_version;
	__u32 placement;		/* SMMUBENCH_MODEL_* */
	__u32 binders;			/* bind/unbind threads */
	__u32 attachers;		/* attach/detach threads, may be 0 */
	__u32 processes;		/* PASIDs per binder */
	__u32 devices;			/* masters */
	__u32 fail_ppm;			/* CD-write failures per million */
	__u32 dist;			/* SMMUBENCH_MODEL_DIST_* */
	__u64 ops;			/* bind + unbind ops per binder */
	__u64 seed;
	__u64 cmd_ns;			/* mean service time per command */
	__u64 sync_ns;			/* mean service time of a CMD_SYNC */
	__u64 observe_ns;		/* observer period; 0: no observer */
	/*
	 * CMD_SYNC service times drawn at random instead of sync_ns (e.g.
	 * a tracer's measured ones): a user pointer to nr_sync_table __u64
	 * ns values, or 0 and 0.
	 */
	__u64 sync_table;
	__u32 nr_sync_table;
	__u32 pad;
	__u64 reserved_in[2];
	/* out */
	__u64 binds, bind_failures, unbinds, attaches, detaches, scans;
	__u64 violations[SMMUBENCH_MODEL_V__MAX];
	__u64 syncs_bind, syncs_unbind;	/* sums over the ops */
	__u64 syncs_bind_min, syncs_bind_max;
	__u64 syncs_unbind_min, syncs_unbind_max;
	__u64 devlock_bind;		/* devices_lock taken on bind paths */
	__u64 devlock_holds, devlock_hold_ns, devlock_hold_max_ns;
	__u64 devlock_bind_holds, devlock_bind_hold_ns;
	__u64 devlock_bind_hold_max_ns;
	__u64 elapsed_ns;
	__u64 sva_holds, asid_holds;	/* sva_lock, asid_lock taken by ops */
	__u64 reserved_out[6];
	char reason[SMMUBENCH_REASON_LEN];
	char trace[SMMUBENCH_MODEL_TRACE_LEN];	/* first violation found */
};

#define SMMUBENCH_IOC_MODEL_RUN \
	_IOWR(SMMUBENCH_IOC_MAGIC, 16, struct smmubench_model)

#endif /* _UAPI_SMMUBENCH_H */
