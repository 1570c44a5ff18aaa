// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench.ko: the workloads. RUN validates everything, claims the
 * devices, sets up domains and buffers, then starts one kthread per
 * thread; the kthreads only time operations into preallocated buffers.
 * BIND runs in the caller's own thread, since a bind needs a real mm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "smmubench.h"

/* IOVA of the first mapping: aligned to every granule we accept. */
#define SB_IOVA_BASE	SZ_1G
#define SB_MIN_GRANULE	SZ_4K
#define SB_MAX_GRANULE	SZ_2M
/* struct smmubench_run: everything from nr_samples on is output. */
#define SB_RUN_OUT	offsetof(struct smmubench_run, nr_samples)

struct sb_thread {
	struct sb_run *run;
	struct task_struct *task;
	u32 idx;
	int cpu;
	struct sb_dev *devs[SMMUBENCH_MAX_MASTERS];
	u32 nr_devs;
	struct iommu_domain *domain;	/* map, pasid-attach */
	u32 nr_attached;		/* domain attached to devs[0..n) */
	bool sva;			/* holds devs[0]'s SVA feature */
	struct page *page;		/* map: the granule mapped over and over */
	struct smmubench_sample *samples;
	u64 nr_samples, cap_samples;
	u64 iterations;			/* to do */
	u64 end_ns;
	int error;
	u32 stop;			/* SMMUBENCH_STOP_* */
};

struct sb_run {
	struct sb_ctx *ctx;
	struct smmubench_run *p;
	struct sb_dev *devs[SMMUBENCH_MAX_DEVICES];
	u32 nr_claimed;
	u32 per_iter;			/* samples per iteration */
	u64 deadline_ns;		/* 0: none */
	bool abort;			/* a device is going away */
	atomic_t remaining;
	struct completion done;
	u32 nr_threads;
	struct sb_thread threads[];
};

static bool sb_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* ---- timing -------------------------------------------------------- */

static __always_inline void sb_record(struct sb_thread *t, u32 op, u64 t0,
				      u64 t1)
{
	struct smmubench_sample *s;

	if (WARN_ON_ONCE(t->nr_samples >= t->cap_samples))
		return;
	s = &t->samples[t->nr_samples];
	s->op_id = (u64)t->idx << 32 | t->nr_samples;
	s->start_ns = t0;
	s->latency_ns = t1 - t0;
	s->thread = t->idx;
	s->op = op;
	t->nr_samples++;
}

/* The cost of timing itself: what every other op's latency includes. */
static __always_inline void sb_empty_op(struct sb_thread *t)
{
	u64 t0 = sb_now();

	sb_record(t, SMMUBENCH_OP_EMPTY, t0, sb_now());
}

static u32 sb_should_stop(struct sb_thread *t)
{
	struct sb_run *run = t->run;

	if (READ_ONCE(run->abort))
		return SMMUBENCH_STOP_REMOVED;
	if (READ_ONCE(run->ctx->stop) || kthread_should_stop())
		return SMMUBENCH_STOP_REQUESTED;
	if (run->deadline_ns && sb_now() >= run->deadline_ns)
		return SMMUBENCH_STOP_DURATION;
	return 0;
}

/* ---- workloads ----------------------------------------------------- */

static int sb_attach_iteration(struct sb_thread *t)
{
	struct iommu_domain *domain;
	u32 m, attached = 0;
	int ret = 0;
	u64 t0;

	domain = sb_domain_alloc(t->devs[0]->dev);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	for (m = 0; m < t->nr_devs; m++) {
		t0 = sb_now();
		ret = iommu_attach_device(domain, t->devs[m]->dev);
		if (ret)
			break;
		sb_record(t, SMMUBENCH_OP_ATTACH, t0, sb_now());
		attached++;
	}
	for (m = 0; m < attached; m++) {
		t0 = sb_now();
		iommu_detach_device(domain, t->devs[m]->dev);
		sb_record(t, SMMUBENCH_OP_DETACH, t0, sb_now());
	}
	sb_domain_free(domain);
	return ret;
}

/* Maps @size bytes as granule-sized pages, all backed by t->page. */
static int sb_map_range(struct sb_thread *t, size_t size, size_t granule)
{
	phys_addr_t phys = page_to_phys(t->page);
	size_t off;
	int ret;

	for (off = 0; off < size; off += granule) {
		ret = sb_map(t->domain, SB_IOVA_BASE + off, phys, granule);
		if (ret) {
			if (off)
				iommu_unmap(t->domain, SB_IOVA_BASE, off);
			return ret;
		}
	}
	return 0;
}

static int sb_map_iteration(struct sb_thread *t)
{
	size_t size = t->run->p->size_bytes;
	struct iommu_iotlb_gather gather;
	size_t unmapped;
	int ret;
	u64 t0;

	t0 = sb_now();
	ret = sb_map_range(t, size, t->run->p->granule_bytes);
	if (ret)
		return ret;
	sb_record(t, SMMUBENCH_OP_MAP, t0, sb_now());

	iommu_iotlb_gather_init(&gather);
	t0 = sb_now();
	unmapped = iommu_unmap_fast(t->domain, SB_IOVA_BASE, size, &gather);
	sb_record(t, SMMUBENCH_OP_UNMAP, t0, sb_now());
	t0 = sb_now();
	iommu_iotlb_sync(t->domain, &gather);
	sb_record(t, SMMUBENCH_OP_IOTLB_SYNC, t0, sb_now());
	if (unmapped != size) {
		/* Leave no mapping behind for the next iteration. */
		iommu_unmap(t->domain, SB_IOVA_BASE, size);
		return -EIO;
	}
	return 0;
}

static int sb_pasid_iteration(struct sb_thread *t)
{
	struct device *dev = t->devs[0]->dev;
	u32 pasid = t->run->p->pasid + t->idx;
	int ret;
	u64 t0;

	t0 = sb_now();
	ret = sb_attach_device_pasid(t->domain, dev, pasid);
	if (ret)
		return ret;
	sb_record(t, SMMUBENCH_OP_PASID_ATTACH, t0, sb_now());
	t0 = sb_now();
	sb_detach_device_pasid(t->domain, dev, pasid);
	sb_record(t, SMMUBENCH_OP_PASID_DETACH, t0, sb_now());
	return 0;
}

static int sb_thread_fn(void *data)
{
	struct sb_thread *t = data;
	struct sb_run *run = t->run;
	u32 workload = run->p->workload;
	u64 i;

	for (i = 0; i < t->iterations; i++) {
		t->stop = sb_should_stop(t);
		if (t->stop)
			break;
		if (workload == SMMUBENCH_WL_ATTACH)
			t->error = sb_attach_iteration(t);
		else if (workload == SMMUBENCH_WL_MAP)
			t->error = sb_map_iteration(t);
		else
			t->error = sb_pasid_iteration(t);
		if (t->error) {
			t->stop = SMMUBENCH_STOP_ERROR;
			break;
		}
		sb_empty_op(t);
		WRITE_ONCE(run->ctx->progress[t->idx], i + 1);
		/*
		 * Debian's kernels are PREEMPT_VOLUNTARY: without this a long
		 * run would hold the CPU and trip the soft-lockup detector.
		 * It sits outside every timed region.
		 */
		cond_resched();
	}
	if (!t->stop)
		t->stop = SMMUBENCH_STOP_ITERATIONS;
	t->end_ns = sb_now();
	if (atomic_dec_and_test(&run->remaining))
		complete(&run->done);
	return 0;
}

/* ---- validation ---------------------------------------------------- */

static u32 sb_samples_per_iter(const struct smmubench_run *p)
{
	switch (p->workload) {
	case SMMUBENCH_WL_ATTACH:
		return 2 * p->masters + 1;
	case SMMUBENCH_WL_MAP:
		return 4;
	default:
		return 3;
	}
}

/* Fills @cpus with the CPUs threads go to, in order. */
static int sb_parse_cpus(const struct smmubench_run *p, int *cpus, u32 *nr,
			 char *reason)
{
	bool any = !sb_zero(p->cpu_mask, sizeof(p->cpu_mask));
	u32 bit;

	*nr = 0;
	for (bit = 0; bit < SMMUBENCH_MAX_CPUS; bit++) {
		bool want = p->cpu_mask[bit / 64] & (1ULL << (bit % 64));

		if (any && !want)
			continue;
		if (bit >= nr_cpu_ids || !cpu_online(bit)) {
			if (!any)
				continue;
			sb_reason(reason, "CPU %u in the CPU mask is not online", bit);
			return -EINVAL;
		}
		cpus[(*nr)++] = bit;
	}
	if (!*nr) {
		sb_reason(reason, "no online CPU to run on");
		return -EINVAL;
	}
	return 0;
}

static int sb_check_names(const struct smmubench_run *p, char *reason)
{
	u32 i, j;

	for (i = 0; i < SMMUBENCH_MAX_DEVICES; i++) {
		const char *name = p->devices[i];
		size_t len = strnlen(name, SMMUBENCH_NAME_LEN);

		if (i >= p->nr_devices) {
			if (!sb_zero(name, SMMUBENCH_NAME_LEN)) {
				sb_reason(reason, "devices[%u] set beyond nr_devices", i);
				return -EINVAL;
			}
			continue;
		}
		if (!len || len == SMMUBENCH_NAME_LEN) {
			sb_reason(reason, "devices[%u] is empty or not NUL-terminated", i);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(name, p->devices[j])) {
				sb_reason(reason, "device %s given twice", name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int sb_check_map(const struct smmubench_run *p, char *reason)
{
	u64 size = p->size_bytes, granule = p->granule_bytes;

	if (p->workload != SMMUBENCH_WL_MAP) {
		if (size || granule) {
			sb_reason(reason, "size and granule apply to the map workload only");
			return -EINVAL;
		}
		return 0;
	}
	if (!is_power_of_2(granule) || granule < SB_MIN_GRANULE ||
	    granule > SB_MAX_GRANULE) {
		sb_reason(reason, "granule %llu: want a power of two from %u to %u",
			  granule, SB_MIN_GRANULE, SB_MAX_GRANULE);
		return -EINVAL;
	}
	if (!size || size > SMMUBENCH_MAX_SIZE_BYTES || size % granule ||
	    size / granule > SMMUBENCH_MAX_PAGES_PER_OP) {
		sb_reason(reason, "size %llu: want a multiple of the granule, at most %llu bytes and %u pages",
			  size, SMMUBENCH_MAX_SIZE_BYTES,
			  SMMUBENCH_MAX_PAGES_PER_OP);
		return -EINVAL;
	}
	return 0;
}

/* Checks every input field before anything happens. */
static int sb_validate(struct smmubench_run *p, char *reason)
{
	u32 wl = p->workload, need;
	u64 iters;
	int ret;

	if (p->abi_version != SMMUBENCH_ABI_VERSION) {
		sb_reason(reason, "ABI version %u, the module speaks %u",
			  p->abi_version, SMMUBENCH_ABI_VERSION);
		return -EINVAL;
	}
	if (wl == SMMUBENCH_WL_BIND || wl == SMMUBENCH_WL_SVA_MUNMAP) {
		sb_reason(reason, "the bind and sva-munmap workloads run through SMMUBENCH_IOC_BIND");
		return -EINVAL;
	}
	if (wl != SMMUBENCH_WL_ATTACH && wl != SMMUBENCH_WL_MAP &&
	    wl != SMMUBENCH_WL_PASID_ATTACH) {
		sb_reason(reason, "unknown workload %u", wl);
		return -EINVAL;
	}
	if (!sb_zero(p->reserved_in, sizeof(p->reserved_in))) {
		sb_reason(reason, "reserved fields must be zero");
		return -EINVAL;
	}
	if (!p->nr_devices || p->nr_devices > SMMUBENCH_MAX_DEVICES) {
		sb_reason(reason, "nr_devices %u: want 1 to %u", p->nr_devices,
			  SMMUBENCH_MAX_DEVICES);
		return -EINVAL;
	}
	if (!p->threads || p->threads > SMMUBENCH_MAX_THREADS) {
		sb_reason(reason, "threads %u: want 1 to %u", p->threads,
			  SMMUBENCH_MAX_THREADS);
		return -EINVAL;
	}
	if (wl == SMMUBENCH_WL_ATTACH &&
	    (!p->masters || p->masters > SMMUBENCH_MAX_MASTERS)) {
		sb_reason(reason, "masters %u: want 1 to %u", p->masters,
			  SMMUBENCH_MAX_MASTERS);
		return -EINVAL;
	}
	if (wl == SMMUBENCH_WL_MAP && p->masters > SMMUBENCH_MAX_MASTERS) {
		sb_reason(reason, "masters %u: want 1 to %u", p->masters,
			  SMMUBENCH_MAX_MASTERS);
		return -EINVAL;
	}
	if (wl == SMMUBENCH_WL_PASID_ATTACH && p->masters > 1) {
		sb_reason(reason, "masters applies to the attach and map workloads only");
		return -EINVAL;
	}
	if (!p->masters)
		p->masters = 1;
	need = p->threads * p->masters;
	if (need > p->nr_devices) {
		sb_reason(reason, "%u threads x %u masters need %u devices, %u given: each thread uses its own devices",
			  p->threads, p->masters, need, p->nr_devices);
		return -EINVAL;
	}
	if (wl == SMMUBENCH_WL_PASID_ATTACH) {
		if (!p->pasid || p->pasid + p->threads > (1U << 20)) {
			sb_reason(reason, "pasid %u: want 1 to %u", p->pasid,
				  (1U << 20) - p->threads);
			return -EINVAL;
		}
	} else if (p->pasid) {
		sb_reason(reason, "pasid applies to the pasid-attach workload only");
		return -EINVAL;
	}
	if (p->iterations > SMMUBENCH_MAX_ITERATIONS ||
	    p->duration_ns > SMMUBENCH_MAX_DURATION_NS ||
	    (!p->iterations && !p->duration_ns)) {
		sb_reason(reason, "want 1 to %u iterations and/or a duration of at most %llu ns",
			  SMMUBENCH_MAX_ITERATIONS, SMMUBENCH_MAX_DURATION_NS);
		return -EINVAL;
	}
	iters = p->iterations ? p->iterations :
		(u64)SMMUBENCH_MAX_SAMPLES /
		(p->threads * sb_samples_per_iter(p));
	iters = min_t(u64, iters, SMMUBENCH_MAX_ITERATIONS);
	if (!iters || iters * p->threads * sb_samples_per_iter(p) >
		      SMMUBENCH_MAX_SAMPLES) {
		sb_reason(reason, "%llu iterations x %u threads x %u samples exceed the %u-sample limit",
			  iters, p->threads, sb_samples_per_iter(p),
			  SMMUBENCH_MAX_SAMPLES);
		return -EINVAL;
	}
	p->iterations = iters;
	ret = sb_check_map(p, reason);
	if (ret)
		return ret;
	return sb_check_names(p, reason);
}

/* ---- device claims ------------------------------------------------- */

/* Caller holds sb_lock. Tells a run that one of its devices is leaving. */
void sb_dev_abort_run(struct sb_dev *sbd)
{
	if (sbd->run)
		WRITE_ONCE(sbd->run->abort, true);
}

static void sb_release_devs(struct sb_run *run)
{
	u32 i;

	mutex_lock(&sb_lock);
	for (i = 0; i < run->nr_claimed; i++)
		WRITE_ONCE(run->devs[i]->run, NULL);
	mutex_unlock(&sb_lock);
	run->nr_claimed = 0;
	wake_up_all(&sb_wq);
}

static int sb_claim_devs(struct sb_run *run, char *reason)
{
	struct smmubench_run *p = run->p;
	struct sb_dev *sbd;
	int ret = 0;
	u32 i;

	mutex_lock(&sb_lock);
	for (i = 0; i < p->nr_devices; i++) {
		sbd = sb_find_dev(p->devices[i]);
		if (!sbd || sbd->removing) {
			sb_reason(reason, "device %s is not bound to smmubench (bind it with driver_override)",
				  p->devices[i]);
			ret = -ENODEV;
			break;
		}
		if (sbd->run || sbd->bind_users) {
			sb_reason(reason, "device %s busy: another run is using it",
				  p->devices[i]);
			ret = -EBUSY;
			break;
		}
		if (sbd->share) {
			sb_reason(reason, "device %s busy: it is held in a shared domain (SMMUBENCH_IOC_SHARE_DOMAIN)",
				  p->devices[i]);
			ret = -EBUSY;
			break;
		}
		ret = sb_check_device(sbd, reason);
		if (!ret && p->workload == SMMUBENCH_WL_PASID_ATTACH)
			ret = sb_check_pasid(sbd, p->workload, p->pasid, reason);
		if (ret)
			break;
		WRITE_ONCE(sbd->run, run);
		run->devs[run->nr_claimed++] = sbd;
	}
	mutex_unlock(&sb_lock);
	if (ret)
		sb_release_devs(run);
	return ret;
}

/* ---- setup and teardown -------------------------------------------- */

static void sb_thread_teardown(struct sb_thread *t)
{
	/* Before the detach: 6.1 refuses to attach a master with SVA on. */
	if (t->sva) {
		mutex_lock(&sb_lock);
		sb_sva_put(t->devs[0]);
		mutex_unlock(&sb_lock);
	}
	t->sva = false;
	while (t->nr_attached)
		iommu_detach_device(t->domain, t->devs[--t->nr_attached]->dev);
	if (t->domain)
		sb_domain_free(t->domain);
	t->domain = NULL;
	if (t->page)
		__free_pages(t->page, get_order(t->run->p->granule_bytes));
	t->page = NULL;
}

/*
 * The IOMMU core calls the driver's set_dev_pasid only for a device with
 * PASIDs (max_pasids > 0) and otherwise returns success having done
 * nothing, so a run must never start without them. On a kernel with the
 * test-only substream emulation, the core's count appears when SVA is
 * enabled on the device: enable it for the run.
 */
static int sb_pasid_setup(struct sb_thread *t, char *reason)
{
	struct sb_dev *sbd = t->devs[0];
	u32 pasid = t->run->p->pasid + t->idx;
	u32 max;
	int ret;

	if (IS_ENABLED(CONFIG_ARM_SMMU_V3_EMULATED_SSID) &&
	    !sb_max_pasids(sbd->dev)) {
		mutex_lock(&sb_lock);
		ret = sb_sva_get(sbd);
		mutex_unlock(&sb_lock);
		if (ret) {
			sb_reason(reason, "cannot enable SVA on %s for its emulated PASIDs (%d)",
				  dev_name(sbd->dev), ret);
			return ret;
		}
		t->sva = true;
	}
	max = sb_max_pasids(sbd->dev);
	if (!max) {
		sb_reason(reason, "IOMMU core gives device %s no PASIDs (max_pasids=0)",
			  dev_name(sbd->dev));
		return -EOPNOTSUPP;
	}
	if (pasid >= max) {
		sb_reason(reason, "PASID %u out of range: device %s has %u PASIDs",
			  pasid, dev_name(sbd->dev), max);
		return -EINVAL;
	}
	return 0;
}

static int sb_thread_setup(struct sb_thread *t, char *reason)
{
	struct smmubench_run *p = t->run->p;
	struct device *dev = t->devs[0]->dev;
	unsigned long min_page;
	u32 m;
	int ret;

	t->cap_samples = t->iterations * t->run->per_iter;
	t->samples = kvmalloc_array(t->cap_samples, sizeof(*t->samples),
				    GFP_KERNEL);
	if (!t->samples) {
		sb_reason(reason, "cannot allocate %llu samples", t->cap_samples);
		return -ENOMEM;
	}
	if (p->workload == SMMUBENCH_WL_ATTACH)
		return 0;

	t->domain = sb_domain_alloc(dev);
	if (IS_ERR(t->domain)) {
		ret = PTR_ERR(t->domain);
		t->domain = NULL;
		sb_reason(reason, "cannot allocate a paging domain for %s (%d)",
			  dev_name(dev), ret);
		return ret;
	}
	if (p->workload == SMMUBENCH_WL_MAP) {
		min_page = 1UL << __ffs(t->domain->pgsize_bitmap);
		if (p->granule_bytes < min_page) {
			sb_reason(reason, "granule %llu is below the SMMU's smallest page %lu",
				  p->granule_bytes, min_page);
			return -EINVAL;
		}
		t->page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
				      get_order(p->granule_bytes));
		if (!t->page) {
			sb_reason(reason, "cannot allocate a %llu-byte page",
				  p->granule_bytes);
			return -ENOMEM;
		}
	}
	/*
	 * Map: every master of the domain is one more target of its
	 * invalidations (6.12 walks them under devices_lock for ATS, 7.x
	 * keeps them in the invalidation array).
	 */
	for (m = 0; m < t->nr_devs; m++) {
		ret = iommu_attach_device(t->domain, t->devs[m]->dev);
		if (ret) {
			sb_reason(reason, "cannot attach a domain to %s (%d)",
				  dev_name(t->devs[m]->dev), ret);
			return ret;
		}
		t->nr_attached++;
	}
	if (p->workload == SMMUBENCH_WL_PASID_ATTACH)
		return sb_pasid_setup(t, reason);
	return 0;
}

static void sb_stop_threads(struct sb_run *run)
{
	u32 i;

	for (i = 0; i < run->nr_threads; i++) {
		struct sb_thread *t = &run->threads[i];

		if (!t->task)
			continue;
		kthread_stop(t->task);
		put_task_struct(t->task);
		t->task = NULL;
	}
}

static int sb_create_threads(struct sb_run *run, const int *cpus, u32 nr_cpus,
			     char *reason)
{
	struct task_struct *task;
	u32 i;

	for (i = 0; i < run->nr_threads; i++) {
		struct sb_thread *t = &run->threads[i];

		t->cpu = cpus[i % nr_cpus];
		task = kthread_create_on_node(sb_thread_fn, t,
					      cpu_to_node(t->cpu),
					      "smmubench/%u", i);
		if (IS_ERR(task)) {
			sb_reason(reason, "cannot create thread %u (%ld)", i,
				  PTR_ERR(task));
			/* Threads never woken exit without running. */
			sb_stop_threads(run);
			return PTR_ERR(task);
		}
		kthread_bind(task, t->cpu);
		/* Keeps the task around for kthread_stop() after it exits. */
		get_task_struct(task);
		t->task = task;
		run->p->thread_pid[i] = task_pid_nr(task);
		run->p->thread_cpu[i] = t->cpu;
	}
	return 0;
}

/* Moves the samples into the context, where READ_SAMPLES finds them. */
static int sb_keep_samples(struct sb_run *run)
{
	struct sb_ctx *ctx = run->ctx;
	u32 i, n = run->nr_threads;

	ctx->samples = kcalloc(n, sizeof(*ctx->samples), GFP_KERNEL);
	ctx->nr_samples = kcalloc(n, sizeof(*ctx->nr_samples), GFP_KERNEL);
	if (!ctx->samples || !ctx->nr_samples) {
		sb_ctx_free_samples(ctx);
		return -ENOMEM;
	}
	ctx->nr_threads = n;
	for (i = 0; i < n; i++) {
		ctx->samples[i] = run->threads[i].samples;
		ctx->nr_samples[i] = run->threads[i].nr_samples;
		ctx->total_samples += ctx->nr_samples[i];
		run->threads[i].samples = NULL;
	}
	return 0;
}

void sb_ctx_free_samples(struct sb_ctx *ctx)
{
	u32 i;

	for (i = 0; ctx->samples && i < ctx->nr_threads; i++)
		kvfree(ctx->samples[i]);
	kfree(ctx->samples);
	kfree(ctx->nr_samples);
	ctx->samples = NULL;
	ctx->nr_samples = NULL;
	ctx->nr_threads = 0;
	ctx->total_samples = 0;
}

static void sb_free_run(struct sb_run *run)
{
	u32 i;

	for (i = 0; i < run->nr_threads; i++) {
		sb_thread_teardown(&run->threads[i]);
		kvfree(run->threads[i].samples);
	}
	kfree(run);
}

/* The worst reason any thread stopped for, and the first error. */
static void sb_collect(struct sb_run *run, u64 start_ns)
{
	struct smmubench_run *p = run->p;
	u64 end = start_ns;
	u32 i;

	p->stop_reason = SMMUBENCH_STOP_ITERATIONS;
	for (i = 0; i < run->nr_threads; i++) {
		struct sb_thread *t = &run->threads[i];

		p->nr_samples += t->nr_samples;
		p->nr_iterations += run->ctx->progress[i];
		end = max(end, t->end_ns);
		p->stop_reason = max(p->stop_reason, t->stop);
		if (t->error && !p->error) {
			p->error = t->error;
			sb_reason(p->reason, "thread %u: operation failed with %d",
				  i, t->error);
		}
	}
	p->elapsed_ns = end - start_ns;
	if (p->stop_reason == SMMUBENCH_STOP_REMOVED) {
		p->error = p->error ?: -ENODEV;
		sb_reason(p->reason, "a device was unbound from smmubench during the run");
	}
}

static int sb_start_and_wait(struct sb_run *run)
{
	struct sb_ctx *ctx = run->ctx;
	u64 start;
	u32 i;
	int ret;

	atomic_set(&run->remaining, run->nr_threads);
	init_completion(&run->done);
	start = sb_now();
	WRITE_ONCE(ctx->start_ns, start);
	WRITE_ONCE(ctx->running, true);
	if (run->p->duration_ns)
		run->deadline_ns = start + run->p->duration_ns;
	for (i = 0; i < run->nr_threads; i++)
		wake_up_process(run->threads[i].task);

	/* Killable, not interruptible: SIGINT is for SMMUBENCH_IOC_STOP. */
	ret = wait_for_completion_killable(&run->done);
	if (ret) {
		WRITE_ONCE(ctx->stop, true);
		ret = -EINTR;
	}
	sb_stop_threads(run);
	WRITE_ONCE(ctx->running, false);
	sb_collect(run, start);
	return ret;
}

/* ---- RUN ----------------------------------------------------------- */

static int sb_prepare(struct sb_run *run)
{
	struct smmubench_run *p = run->p;
	int cpus[SMMUBENCH_MAX_CPUS];
	u32 i, m, nr_cpus;
	int ret;

	ret = sb_parse_cpus(p, cpus, &nr_cpus, p->reason);
	if (ret)
		return ret;
	ret = sb_claim_devs(run, p->reason);
	if (ret)
		return ret;
	for (i = 0; i < run->nr_threads; i++) {
		struct sb_thread *t = &run->threads[i];

		t->run = run;
		t->idx = i;
		t->iterations = p->iterations;
		t->nr_devs = p->masters;
		for (m = 0; m < p->masters; m++)
			t->devs[m] = run->devs[i * p->masters + m];
		ret = sb_thread_setup(t, p->reason);
		if (ret)
			return ret;
	}
	return sb_create_threads(run, cpus, nr_cpus, p->reason);
}

static int sb_do_run(struct sb_ctx *ctx, struct smmubench_run *p)
{
	struct sb_run *run;
	u64 step_ns;
	u32 hz, i;
	int ret;

	ret = sb_validate(p, p->reason);
	if (ret)
		return ret;

	run = kzalloc(struct_size(run, threads, p->threads), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->ctx = ctx;
	run->p = p;
	run->nr_threads = p->threads;
	run->per_iter = sb_samples_per_iter(p);

	sb_ctx_free_samples(ctx);
	memset(ctx->progress, 0, sizeof(ctx->progress));
	WRITE_ONCE(ctx->stop, false);
	WRITE_ONCE(ctx->progress_threads, p->threads);
	WRITE_ONCE(ctx->total_iterations, p->duration_ns ? 0 :
		   p->iterations * p->threads);
	WRITE_ONCE(ctx->duration_ns, p->duration_ns);
	sb_clock(&hz, &p->clock_resolution_ns, &step_ns);

	ret = sb_prepare(run);
	if (!ret)
		ret = sb_start_and_wait(run);
	/* Domains go before the devices are handed back. */
	for (i = 0; i < run->nr_threads; i++)
		sb_thread_teardown(&run->threads[i]);
	sb_release_devs(run);
	if (!ret && sb_keep_samples(run))
		ret = -ENOMEM;
	if (!ret && p->error)
		ret = p->error;
	sb_free_run(run);
	return ret;
}

long sb_ioctl_run(struct sb_ctx *ctx, void __user *arg)
{
	struct smmubench_run *p;
	long ret;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (copy_from_user(p, arg, sizeof(*p))) {
		ret = -EFAULT;
		goto free_p;
	}
	/* Outputs are ours: whatever user space left there is ignored. */
	memset((u8 *)p + SB_RUN_OUT, 0, sizeof(*p) - SB_RUN_OUT);

	if (!mutex_trylock(&ctx->lock)) {
		sb_reason(p->reason, "a run is already in progress on this file");
		ret = -EBUSY;
		goto copy_out;
	}
	ret = sb_do_run(ctx, p);
	mutex_unlock(&ctx->lock);
	if (ret && ret != -EINTR)
		pr_debug("RUN: %s (%ld)\n", p->reason, ret);
copy_out:
	if (copy_to_user(arg, p, sizeof(*p)))
		ret = -EFAULT;
free_p:
	kfree(p);
	return ret;
}

/* ---- BIND ---------------------------------------------------------- */

static void sb_bind_record(struct smmubench_bind *b,
			   struct smmubench_sample *s, u32 op, u64 t0, u64 t1)
{
	s[b->nr_samples] = (struct smmubench_sample) {
		.op_id = (u64)b->thread << 32 | b->nr_samples,
		.start_ns = t0, .latency_ns = t1 - t0,
		.thread = b->thread, .op = op,
	};
	b->nr_samples++;
}

/* Why the loop must end now, or 0: the caller dies or the device goes. */
static int sb_bind_interrupted(struct sb_dev *sbd, struct sb_share *share)
{
	if (fatal_signal_pending(current) || READ_ONCE(sbd->removing))
		return -EINTR;
	/* The shared domain is being dismantled: it waits for us. */
	if (share && READ_ONCE(share->abort))
		return -ENODEV;
	return 0;
}

/* The caller's mm bound to the device's PASID, timed as a BIND sample. */
static struct iommu_sva *sb_timed_bind(struct sb_dev *sbd,
				       struct smmubench_bind *b,
				       struct smmubench_sample *s)
{
	struct iommu_sva *handle;
	u64 t0, t1;

	t0 = sb_now();
	handle = sb_sva_bind(sbd->dev, current->mm);
	t1 = sb_now();
	if (!IS_ERR(handle))
		sb_bind_record(b, s, SMMUBENCH_OP_BIND, t0, t1);
	return handle;
}

static void sb_timed_unbind(struct iommu_sva *handle,
			    struct smmubench_bind *b,
			    struct smmubench_sample *s)
{
	u64 t0, t1;

	t0 = sb_now();
	iommu_sva_unbind_device(handle);
	t1 = sb_now();
	sb_bind_record(b, s, SMMUBENCH_OP_UNBIND, t0, t1);
}

static int sb_bind_loop(struct sb_dev *sbd, struct sb_share *share,
			struct smmubench_bind *b, struct smmubench_sample *s)
{
	struct iommu_sva *handle;
	int ret;
	u64 i;

	for (i = 0; i < b->iterations; i++) {
		ret = sb_bind_interrupted(sbd, share);
		if (ret)
			return ret;
		handle = sb_timed_bind(sbd, b, s);
		if (IS_ERR(handle))
			return PTR_ERR(handle);
		sb_timed_unbind(handle, b, s);
		/* Same reason as the kthreads: a long loop must yield. */
		cond_resched();
	}
	return 0;
}

/*
 * One munmap of a populated range of the caller's bound mm. MAP_POPULATE
 * matters: the pages it faults in are what the munmap's TLB flush is
 * for, and that flush is what calls the SVA mmu notifier; an empty
 * range flushes nothing. Only the munmap is timed.
 */
static int sb_munmap_once(struct smmubench_bind *b,
			  struct smmubench_sample *s)
{
	unsigned long addr;
	u64 t0, t1;
	int ret;

	addr = vm_mmap(NULL, 0, b->munmap_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, 0);
	if (IS_ERR_VALUE(addr)) {
		sb_reason(b->reason, "cannot map %llu bytes in the caller's mm (%ld)",
			  b->munmap_bytes, (long)addr);
		return (int)addr;
	}
	t0 = sb_now();
	ret = vm_munmap(addr, b->munmap_bytes);
	t1 = sb_now();
	if (ret) {
		/* Left in the caller's mm, which frees it at exit at worst. */
		sb_reason(b->reason, "munmap of %llu bytes at 0x%lx failed (%d)",
			  b->munmap_bytes, addr, ret);
		return ret;
	}
	sb_bind_record(b, s, SMMUBENCH_OP_MUNMAP, t0, t1);
	return 0;
}

/* Bind once, iterations x (map populated, timed munmap), unbind. */
static int sb_munmap_loop(struct sb_dev *sbd, struct sb_share *share,
			  struct smmubench_bind *b, struct smmubench_sample *s)
{
	struct iommu_sva *handle;
	int ret = 0;
	u64 i;

	handle = sb_timed_bind(sbd, b, s);
	if (IS_ERR(handle))
		return PTR_ERR(handle);
	for (i = 0; i < b->iterations && !ret; i++) {
		ret = sb_bind_interrupted(sbd, share);
		if (!ret)
			ret = sb_munmap_once(b, s);
		cond_resched();
	}
	/* Whatever happened, no bind outlives the ioctl. */
	sb_timed_unbind(handle, b, s);
	return ret;
}

/*
 * SVA is on while someone needs it: 6.1 refuses to attach a master with
 * SVA enabled ("cannot attach - SVA enabled"), which includes giving it
 * back its default domain, so a RUN or a shared domain after a BIND would
 * fail. Caller holds sb_lock.
 */
int sb_sva_get(struct sb_dev *sbd)
{
	int ret;

	if (SB_HAS_SVA_FEATURE && !sbd->sva_enabled) {
		ret = sb_sva_feature(sbd->dev, true);
		if (ret)
			return ret;
		sbd->sva_enabled = true;
	}
	sbd->sva_users++;
	return 0;
}

/* Caller holds sb_lock. If disabling fails, remove() tries again. */
void sb_sva_put(struct sb_dev *sbd)
{
	if (WARN_ON_ONCE(!sbd->sva_users) || --sbd->sva_users)
		return;
	if (sbd->sva_enabled && !sb_sva_feature(sbd->dev, false))
		sbd->sva_enabled = false;
}

static int sb_bind_claim(struct smmubench_bind *b, struct sb_dev **out,
			 struct sb_share **share_out)
{
	struct sb_dev *sbd;
	int ret;

	mutex_lock(&sb_lock);
	sbd = sb_find_dev(b->device);
	if (!sbd || sbd->removing) {
		sb_reason(b->reason, "device %s is not bound to smmubench (bind it with driver_override)",
			  b->device);
		ret = -ENODEV;
		goto unlock;
	}
	if (sbd->run) {
		sb_reason(b->reason, "device %s busy: another run is using it",
			  b->device);
		ret = -EBUSY;
		goto unlock;
	}
	/* SHARE_MEMBER is taking it out of its shared domain. */
	if (sbd->leaving) {
		sb_reason(b->reason, "device %s is leaving its shared domain",
			  b->device);
		ret = -EBUSY;
		goto unlock;
	}
	/* A shared device binds in the shared domain, unless it is ending. */
	if (sbd->share && sbd->share->abort) {
		sb_reason(b->reason, "device %s is leaving its shared domain",
			  b->device);
		ret = -ENODEV;
		goto unlock;
	}
	ret = sb_check_device(sbd, b->reason);
	if (!ret)
		ret = sb_check_pasid(sbd, SMMUBENCH_WL_BIND, 0, b->reason);
	if (!ret) {
		ret = sb_sva_get(sbd);
		if (ret)
			sb_reason(b->reason, "cannot enable SVA on %s (%d)",
				  b->device, ret);
	}
	if (!ret) {
		WRITE_ONCE(sbd->bind_users, sbd->bind_users + 1);
		*share_out = sbd->share;
		if (sbd->share)
			WRITE_ONCE(sbd->share->bind_users,
				   sbd->share->bind_users + 1);
		*out = sbd;
	}
unlock:
	mutex_unlock(&sb_lock);
	return ret;
}

static void sb_bind_unclaim(struct sb_dev *sbd, struct sb_share *share)
{
	mutex_lock(&sb_lock);
	sb_sva_put(sbd);
	WRITE_ONCE(sbd->bind_users, sbd->bind_users - 1);
	if (share)
		WRITE_ONCE(share->bind_users, share->bind_users - 1);
	mutex_unlock(&sb_lock);
	wake_up_all(&sb_wq);
}

static int sb_validate_bind(struct smmubench_bind *b)
{
	size_t len = strnlen(b->device, SMMUBENCH_NAME_LEN);

	if (b->abi_version != SMMUBENCH_ABI_VERSION || b->reserved0 ||
	    !sb_zero(b->reserved, sizeof(b->reserved))) {
		sb_reason(b->reason, "bad ABI version or nonzero reserved field");
		return -EINVAL;
	}
	if (!b->iterations || b->iterations > SMMUBENCH_MAX_ITERATIONS ||
	    b->thread >= SMMUBENCH_MAX_THREADS || !b->samples_ptr) {
		sb_reason(b->reason, "want 1 to %u iterations, thread below %u and a sample buffer",
			  SMMUBENCH_MAX_ITERATIONS, SMMUBENCH_MAX_THREADS);
		return -EINVAL;
	}
	if (!len || len == SMMUBENCH_NAME_LEN) {
		sb_reason(b->reason, "device name empty or not NUL-terminated");
		return -EINVAL;
	}
	if (!current->mm) {
		sb_reason(b->reason, "caller has no mm to bind");
		return -EINVAL;
	}
	if (b->munmap_bytes && (b->munmap_bytes > SMMUBENCH_MAX_SIZE_BYTES ||
				!PAGE_ALIGNED(b->munmap_bytes))) {
		sb_reason(b->reason, "munmap_bytes %llu: want a multiple of %lu, at most %llu",
			  b->munmap_bytes, PAGE_SIZE, SMMUBENCH_MAX_SIZE_BYTES);
		return -EINVAL;
	}
	return 0;
}

/* Samples BIND writes: bind+unbind pairs, or bind, munmaps, unbind. */
static u64 sb_bind_samples(const struct smmubench_bind *b)
{
	return b->munmap_bytes ? b->iterations + 2 : 2 * b->iterations;
}

long sb_ioctl_bind(struct sb_ctx *ctx, void __user *arg)
{
	struct smmubench_sample *samples = NULL;
	struct sb_share *share = NULL;
	struct smmubench_bind *b;
	struct sb_dev *sbd;
	long ret;

	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	if (copy_from_user(b, arg, sizeof(*b))) {
		ret = -EFAULT;
		goto free_b;
	}
	b->nr_samples = 0;
	b->error = 0;
	memset(b->reason, 0, sizeof(b->reason));
	ret = sb_validate_bind(b);
	if (ret)
		goto copy_out;
	ret = sb_bind_claim(b, &sbd, &share);
	if (ret)
		goto copy_out;
	samples = kvmalloc_array(sb_bind_samples(b), sizeof(*samples),
				 GFP_KERNEL);
	if (!samples) {
		sb_reason(b->reason, "cannot allocate %llu samples",
			  sb_bind_samples(b));
		ret = -ENOMEM;
		goto unclaim;
	}
	if (b->munmap_bytes)
		ret = sb_munmap_loop(sbd, share, b, samples);
	else
		ret = sb_bind_loop(sbd, share, b, samples);
	if (ret) {
		b->error = ret;
		if (share && READ_ONCE(share->abort))
			sb_reason(b->reason, "the domain %s shared ended during the bind (a master was unbound from smmubench)",
				  b->device);
		else if (ret == -EINTR)
			sb_reason(b->reason, "interrupted: the caller is dying or the device is leaving smmubench");
		else if (!b->reason[0])
			sb_reason(b->reason, "bind/unbind failed with %ld", ret);
	}
	if (copy_to_user(u64_to_user_ptr(b->samples_ptr), samples,
			 b->nr_samples * sizeof(*samples)))
		ret = -EFAULT;
	kvfree(samples);
unclaim:
	sb_bind_unclaim(sbd, share);
copy_out:
	if (copy_to_user(arg, b, sizeof(*b)))
		ret = -EFAULT;
free_b:
	kfree(b);
	return ret;
}
