// SPDX-License-Identifier: GPL-2.0
/*
 * SMMUBENCH_IOC_MODEL_RUN: runs sbmodel.c in the module, with kernel
 * mutexes and spinlocks, and returns its counts. The model itself is
 * sbmodel.c; this is only the ioctl around it, and the parameter that
 * tells `smmubench trace` where the model's locks are.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "sbmodel.h"

/* One model run at a time: each holds up to 33 threads busy. */
static DEFINE_MUTEX(sbm_run_lock);

/*
 * /sys/module/smmubench/parameters/model_locks (read only): the
 * `smmubench trace --lock-at` rules for the model's locks, one a line
 * (docs/model.md, "Tracing the kernel build").
 */
static int sbm_model_locks_get(char *buf, const struct kernel_param *kp)
{
	return sbm_trace_rules(buf, PAGE_SIZE);
}

static const struct kernel_param_ops sbm_model_locks_ops = {
	.get = sbm_model_locks_get,
};
module_param_cb(model_locks, &sbm_model_locks_ops, NULL, 0444);
MODULE_PARM_DESC(model_locks, "smmubench trace --lock-at rules for the model's locks");

/* The CMD_SYNC times of params->sync_table, checked; NULL with @ret set. */
static u64 *sbm_copy_table(struct smmubench_model *p, long *ret)
{
	u64 __user *src = u64_to_user_ptr(p->sync_table);
	u64 *t;
	u32 i;

	t = kvmalloc_array(p->nr_sync_table, sizeof(*t), GFP_KERNEL);
	if (!t) {
		*ret = -ENOMEM;
		return NULL;
	}
	if (copy_from_user(t, src, p->nr_sync_table * sizeof(*t))) {
		*ret = -EFAULT;
		goto free;
	}
	for (i = 0; i < p->nr_sync_table; i++) {
		if (t[i] > SMMUBENCH_MODEL_MAX_SERVICE_NS) {
			*ret = -EINVAL;
			snprintf(p->reason, sizeof(p->reason),
				 "sync_table[%u] is %llu ns, above the model's %llu ns",
				 i, t[i], SMMUBENCH_MODEL_MAX_SERVICE_NS);
			goto free;
		}
	}
	return t;
free:
	kvfree(t);
	return NULL;
}

long sbm_ioctl_model(void __user *arg)
{
	struct smmubench_model *p;
	u64 *table = NULL;
	struct sbm *m = NULL;
	long ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (copy_from_user(p, arg, sizeof(*p))) {
		ret = -EFAULT;
		goto free_params;
	}
	ret = sbm_check_params(p, 0, p->reason);
	if (ret) {
		pr_err("model: %s\n", p->reason);
		goto copy_out;
	}
	if (!mutex_trylock(&sbm_run_lock)) {
		ret = -EBUSY;
		snprintf(p->reason, sizeof(p->reason),
			 "another model run is in progress");
		goto copy_out;
	}
	if (p->nr_sync_table) {
		table = sbm_copy_table(p, &ret);
		if (!table)
			goto unlock;
	}
	m = sbm_create(p, table, p->nr_sync_table, 0);
	if (!m) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = sbm_run(m);
	if (ret)
		snprintf(p->reason, sizeof(p->reason),
			 "starting the model's threads failed: %ld", ret);
	sbm_destroy(m);
unlock:
	kvfree(table);
	mutex_unlock(&sbm_run_lock);
copy_out:
	/* The reason and any counts go back even when the run failed. */
	if (copy_to_user(arg, p, sizeof(*p)))
		ret = -EFAULT;
free_params:
	kfree(p);
	return ret;
}
