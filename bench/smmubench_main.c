// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench.ko: times real IOMMU operations through the arm-smmu-v3 driver
 * on devices handed to it with driver_override. The PCI and platform
 * drivers have no ID table, so the module never claims a device by itself;
 * /dev/smmubench (0600, CAP_SYS_ADMIN) is the control interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "smmubench.h"
#include "sbmodel.h"

/* Protects sb_devs and every sb_dev's run, bind_users, removing, leaving. */
DEFINE_MUTEX(sb_lock);
LIST_HEAD(sb_devs);
/* remove() waits here for the run or binds on its device to end. */
DECLARE_WAIT_QUEUE_HEAD(sb_wq);

/* Samples copied per READ_SAMPLES call at most, to bound one call's work. */
#define SB_READ_MAX	(1U << 20)

static bool sb_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* ---- devices ------------------------------------------------------- */

static int sb_probe(struct device *dev)
{
	struct sb_dev *sbd;
	unsigned int nr;
	int id;

	sbd = kzalloc(sizeof(*sbd), GFP_KERNEL);
	if (!sbd)
		return -ENOMEM;
	sbd->dev = dev;
	sb_smmu_probe(sbd);
	sb_group_info(dev, &id, &nr);
	dev_set_drvdata(dev, sbd);
	mutex_lock(&sb_lock);
	list_add_tail(&sbd->node, &sb_devs);
	mutex_unlock(&sb_lock);
	dev_info(dev, "claimed: iommu group %d, smmu %s, IDR0 %#x IDR1 %#x\n",
		 id, sbd->smmu_name[0] ? sbd->smmu_name : "none", sbd->idr0,
		 sbd->idr1);
	return 0;
}

static bool sb_dev_idle(struct sb_dev *sbd)
{
	return !READ_ONCE(sbd->run) && !READ_ONCE(sbd->bind_users) &&
	       !READ_ONCE(sbd->share);
}

/*
 * The driver core holds the device lock and will free nothing of ours, but
 * the device may leave with our domain attached unless the run using it
 * stops first: ask it to stop and wait until it has given the device back.
 */
static void sb_remove(struct device *dev)
{
	struct sb_dev *sbd = dev_get_drvdata(dev);

	mutex_lock(&sb_lock);
	sbd->removing = true;
	sb_dev_abort_run(sbd);
	mutex_unlock(&sb_lock);

	/* A shared domain ends with any of its masters' binding. */
	sb_dev_leave_share(sbd);
	wait_event(sb_wq, sb_dev_idle(sbd));

	mutex_lock(&sb_lock);
	list_del(&sbd->node);
	mutex_unlock(&sb_lock);
	if (sbd->sva_enabled)
		sb_sva_feature(dev, false);
	dev_info(dev, "released\n");
	kfree(sbd);
}

static int sb_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return sb_probe(&pdev->dev);
}

static void sb_pci_remove(struct pci_dev *pdev)
{
	sb_remove(&pdev->dev);
}

static struct pci_driver sb_pci_driver = {
	.name = "smmubench",
	.probe = sb_pci_probe,
	.remove = sb_pci_remove,
	/* Our own domains replace the DMA API's: no default-domain claim. */
	.driver_managed_dma = true,
};

static int sb_plat_probe(struct platform_device *pdev)
{
	return sb_probe(&pdev->dev);
}

static SB_PLAT_REMOVE_RET sb_plat_remove(struct platform_device *pdev)
{
	sb_remove(&pdev->dev);
	return SB_PLAT_REMOVED;
}

static struct platform_driver sb_plat_driver = {
	.driver = { .name = "smmubench" },
	.probe = sb_plat_probe,
	.remove = sb_plat_remove,
	.driver_managed_dma = true,
};

/* Caller holds sb_lock. */
struct sb_dev *sb_find_dev(const char *name)
{
	struct sb_dev *sbd;

	list_for_each_entry(sbd, &sb_devs, node) {
		if (!strcmp(dev_name(sbd->dev), name))
			return sbd;
	}
	return NULL;
}

/* ---- ioctls -------------------------------------------------------- */

static void sb_fill_dev_info(struct sb_dev *sbd,
			     struct smmubench_device_info *di)
{
	struct iommu_domain *domain;
	unsigned int nr;
	int id;

	strscpy(di->name, dev_name(sbd->dev), sizeof(di->name));
	strscpy(di->smmu_name, sbd->smmu_name, sizeof(di->smmu_name));
	if (!sb_group_info(sbd->dev, &id, &nr)) {
		di->flags |= SMMUBENCH_DEV_HAS_GROUP;
		if (nr > 1)
			di->flags |= SMMUBENCH_DEV_GROUP_SHARED;
	}
	di->iommu_group_id = id;
	if (sbd->smmuv3) {
		di->flags |= SMMUBENCH_DEV_SMMUV3;
		di->smmu_idr0 = sbd->idr0;
		di->smmu_idr1 = sbd->idr1;
	}
	if (sbd->run || sbd->bind_users || sbd->share)
		di->flags |= SMMUBENCH_DEV_BUSY;
	domain = iommu_get_domain_for_dev(sbd->dev);
	if (domain) {
		di->domain_type = domain->type;
		if (domain->type == IOMMU_DOMAIN_UNMANAGED)
			di->flags |= SMMUBENCH_DEV_UNMANAGED_DOMAIN;
	}
	if (sb_has_pasid_cap(sbd->dev))
		di->flags |= SMMUBENCH_DEV_PASID_CAP;
	if (dev_is_pci(sbd->dev))
		di->flags |= SMMUBENCH_DEV_PCI;
}

static long sb_ioctl_info(void __user *arg)
{
	struct smmubench_info *info;
	struct sb_dev *sbd;
	long ret = 0;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	if (copy_from_user(info, arg, sizeof(*info))) {
		ret = -EFAULT;
		goto free_info;
	}
	if (info->abi_version != SMMUBENCH_ABI_VERSION) {
		pr_debug("INFO: ABI version %u, want %u\n", info->abi_version,
			 SMMUBENCH_ABI_VERSION);
		ret = -EINVAL;
		goto free_info;
	}
	memset(info, 0, sizeof(*info));
	info->abi_version = SMMUBENCH_ABI_VERSION;
	info->kernel_flags = sb_kernel_flags();
	sb_clock(&info->clock_hz, &info->clock_resolution_ns,
		 &info->clock_step_ns);
	info->live_domains = atomic64_read(&sb_live_domains);

	mutex_lock(&sb_lock);
	list_for_each_entry(sbd, &sb_devs, node) {
		if (info->nr_devices == SMMUBENCH_MAX_DEVICES)
			break;
		sb_fill_dev_info(sbd, &info->devices[info->nr_devices++]);
	}
	mutex_unlock(&sb_lock);

	if (copy_to_user(arg, info, sizeof(*info)))
		ret = -EFAULT;
free_info:
	kfree(info);
	return ret;
}

static long sb_ioctl_read_samples(struct sb_ctx *ctx, void __user *arg)
{
	struct smmubench_read_samples rs;
	struct smmubench_sample __user *out;
	u64 skip, copied = 0;
	long ret = 0;
	u32 t;

	if (copy_from_user(&rs, arg, sizeof(rs)))
		return -EFAULT;
	if (rs.abi_version != SMMUBENCH_ABI_VERSION || rs.reserved0 ||
	    !sb_zero(rs.reserved, sizeof(rs.reserved)) ||
	    rs.count > SB_READ_MAX || (rs.count && !rs.samples_ptr)) {
		pr_debug("READ_SAMPLES: bad argument\n");
		return -EINVAL;
	}
	out = u64_to_user_ptr(rs.samples_ptr);

	if (mutex_lock_killable(&ctx->lock))
		return -EINTR;
	if (rs.offset > ctx->total_samples) {
		ret = -EINVAL;
		goto unlock;
	}
	skip = rs.offset;
	for (t = 0; t < ctx->nr_threads && copied < rs.count; t++) {
		u64 n = ctx->nr_samples[t], take;

		if (skip >= n) {
			skip -= n;
			continue;
		}
		take = min(n - skip, rs.count - copied);
		if (copy_to_user(out + copied, ctx->samples[t] + skip,
				 take * sizeof(*out))) {
			ret = -EFAULT;
			goto unlock;
		}
		copied += take;
		skip = 0;
	}
	rs.count = copied;
	if (copy_to_user(arg, &rs, sizeof(rs)))
		ret = -EFAULT;
unlock:
	mutex_unlock(&ctx->lock);
	return ret;
}

/* Lock-free on purpose: it is called while RUN holds ctx->lock. */
static long sb_ioctl_progress(struct sb_ctx *ctx, void __user *arg)
{
	struct smmubench_progress p;
	u32 t, n;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.abi_version != SMMUBENCH_ABI_VERSION) {
		pr_debug("PROGRESS: ABI version %u\n", p.abi_version);
		return -EINVAL;
	}
	memset(&p, 0, sizeof(p));
	p.abi_version = SMMUBENCH_ABI_VERSION;
	p.running = READ_ONCE(ctx->running);
	if (p.running) {
		n = min_t(u32, READ_ONCE(ctx->progress_threads),
			  SMMUBENCH_MAX_THREADS);
		for (t = 0; t < n; t++)
			p.done_iterations += READ_ONCE(ctx->progress[t]);
		p.total_iterations = READ_ONCE(ctx->total_iterations);
		p.duration_ns = READ_ONCE(ctx->duration_ns);
		p.elapsed_ns = sb_now() - READ_ONCE(ctx->start_ns);
	}
	if (copy_to_user(arg, &p, sizeof(p)))
		return -EFAULT;
	return 0;
}

static long sb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sb_ctx *ctx = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SMMUBENCH_IOC_INFO:
		return sb_ioctl_info(uarg);
	case SMMUBENCH_IOC_RUN:
		return sb_ioctl_run(ctx, uarg);
	case SMMUBENCH_IOC_READ_SAMPLES:
		return sb_ioctl_read_samples(ctx, uarg);
	case SMMUBENCH_IOC_BIND:
		return sb_ioctl_bind(ctx, uarg);
	case SMMUBENCH_IOC_PROGRESS:
		return sb_ioctl_progress(ctx, uarg);
	case SMMUBENCH_IOC_STOP:
		if (arg)
			return -EINVAL;
		WRITE_ONCE(ctx->stop, true);
		return 0;
	case SMMUBENCH_IOC_SHARE_DOMAIN:
		return sb_ioctl_share(ctx, uarg);
	case SMMUBENCH_IOC_UNSHARE_DOMAIN:
		return sb_ioctl_unshare(ctx, arg);
	case SMMUBENCH_IOC_SHARE_MEMBER:
		return sb_ioctl_share_member(ctx, uarg);
	case SMMUBENCH_IOC_MODEL_RUN:
		return sbm_ioctl_model(uarg);
	default:
		return -ENOTTY;
	}
}

static int sb_open(struct inode *inode, struct file *file)
{
	struct sb_ctx *ctx;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	mutex_init(&ctx->lock);
	file->private_data = ctx;
	return 0;
}

/* No RUN can be in progress: an ioctl in flight holds a file reference. */
static int sb_release(struct inode *inode, struct file *file)
{
	struct sb_ctx *ctx = file->private_data;

	sb_ctx_unshare(ctx);
	sb_ctx_free_samples(ctx);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	return 0;
}

static const struct file_operations sb_fops = {
	/* An open fd pins the module: rmmod fails while a run can exist. */
	.owner = THIS_MODULE,
	.open = sb_open,
	.release = sb_release,
	.unlocked_ioctl = sb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice sb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "smmubench",
	.fops = &sb_fops,
	.mode = 0600,
};

static int __init sb_init(void)
{
	int ret;

	ret = pci_register_driver(&sb_pci_driver);
	if (ret)
		return ret;
	ret = platform_driver_register(&sb_plat_driver);
	if (ret)
		goto unregister_pci;
	ret = misc_register(&sb_misc);
	if (ret)
		goto unregister_plat;
	pr_info("ABI %u ready: bind devices with driver_override\n",
		SMMUBENCH_ABI_VERSION);
	return 0;

unregister_plat:
	platform_driver_unregister(&sb_plat_driver);
unregister_pci:
	pci_unregister_driver(&sb_pci_driver);
	return ret;
}

static void __exit sb_exit(void)
{
	misc_deregister(&sb_misc);
	platform_driver_unregister(&sb_plat_driver);
	pci_unregister_driver(&sb_pci_driver);
}

module_init(sb_init);
module_exit(sb_exit);
MODULE_DESCRIPTION("Latency microbenchmark of the Arm SMMUv3 driver's operations");
MODULE_LICENSE("GPL");
