// SPDX-License-Identifier: GPL-2.0
/*
 * SMMUBENCH_IOC_MODEL_RUN: runs sbmodel.c in the module, with kernel
 * mutexes and spinlocks, and returns its counts. The model itself is
 * sbmodel.c; this is only the ioctl around it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sbmodel.h"

/* One model run at a time: each holds up to 33 threads busy. */
static DEFINE_MUTEX(sbm_run_lock);

long sbm_ioctl_model(void __user *arg)
{
	struct smmubench_model *p;
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
	m = sbm_create(p, NULL, 0, 0);
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
	mutex_unlock(&sbm_run_lock);
copy_out:
	/* The reason and any counts go back even when the run failed. */
	if (copy_to_user(arg, p, sizeof(*p)))
		ret = -EFAULT;
free_params:
	kfree(p);
	return ret;
}
