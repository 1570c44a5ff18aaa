// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench.ko: one paging domain shared by several masters for as long as
 * a file asks (SMMUBENCH_IOC_SHARE_DOMAIN). On 6.1 a PASID bind writes its
 * CD into the domain's table and syncs it to every master in the domain,
 * so binding one shared device shows that walk on the real driver.
 *
 * No thread of ours uses the domain: the share only holds the attachments.
 * Whoever ends it first (UNSHARE, the last close(), the unbind of one of
 * its devices) stops the BINDs on its devices, waits for them, detaches
 * every device (back to its default domain) and frees the domain.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "smmubench.h"

static void sb_share_free(struct kref *ref)
{
	struct sb_share *share = container_of(ref, struct sb_share, ref);

	WARN_ON(share->domain);
	mutex_destroy(&share->lock);
	kfree(share);
}

/* Caller holds sb_lock. Gives the devices back to the bus. */
static void sb_share_unclaim(struct sb_share *share)
{
	u32 i;

	for (i = 0; i < share->nr_devs; i++) {
		WRITE_ONCE(share->devs[i]->share, NULL);
		share->devs[i]->leaving = false;
	}
	/* A device may be freed once it is unclaimed: forget them all. */
	share->nr_devs = 0;
}

/*
 * Ends the share; safe to call more than once and from several places at
 * once (the second caller finds nothing left to do). The caller holds a
 * reference.
 */
static void sb_share_dismantle(struct sb_share *share)
{
	u32 i;

	/* No new BIND starts on its devices; those running stop soon. */
	mutex_lock(&sb_lock);
	WRITE_ONCE(share->abort, true);
	mutex_unlock(&sb_lock);
	wait_event(sb_wq, !READ_ONCE(share->bind_users));

	mutex_lock(&share->lock);
	if (share->domain) {
		/* A bond would block the detach on 6.1: none is left now. */
		for (i = 0; i < share->nr_attached; i++)
			iommu_detach_device(share->domain, share->devs[i]->dev);
		share->nr_attached = 0;
		sb_domain_free(share->domain);
		share->domain = NULL;
	}
	mutex_unlock(&share->lock);

	mutex_lock(&sb_lock);
	sb_share_unclaim(share);
	mutex_unlock(&sb_lock);
	/* remove() may be waiting for one of these devices to be idle. */
	wake_up_all(&sb_wq);
}

static int sb_share_validate(struct smmubench_share_domain *sd)
{
	u32 i, j;

	if (sd->abi_version != SMMUBENCH_ABI_VERSION || sd->reserved0 ||
	    memchr_inv(sd->reserved, 0, sizeof(sd->reserved))) {
		sb_reason(sd->reason, "bad ABI version or nonzero reserved field");
		return -EINVAL;
	}
	if (!sd->nr_devices || sd->nr_devices > SMMUBENCH_MAX_MASTERS) {
		sb_reason(sd->reason, "nr_devices %u: want 1 to %u masters",
			  sd->nr_devices, SMMUBENCH_MAX_MASTERS);
		return -EINVAL;
	}
	for (i = 0; i < SMMUBENCH_MAX_MASTERS; i++) {
		const char *name = sd->devices[i];
		size_t len = strnlen(name, SMMUBENCH_NAME_LEN);

		if (i >= sd->nr_devices) {
			if (memchr_inv(name, 0, SMMUBENCH_NAME_LEN)) {
				sb_reason(sd->reason, "devices[%u] set beyond nr_devices",
					  i);
				return -EINVAL;
			}
			continue;
		}
		if (!len || len == SMMUBENCH_NAME_LEN) {
			sb_reason(sd->reason, "devices[%u] is empty or not NUL-terminated",
				  i);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(name, sd->devices[j])) {
				sb_reason(sd->reason, "device %s given twice", name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Marks the devices as the share's; nothing else may use them then. */
static int sb_share_claim(struct sb_share *share,
			  struct smmubench_share_domain *sd)
{
	struct sb_dev *sbd;
	int ret = 0;
	u32 i;

	mutex_lock(&sb_lock);
	for (i = 0; i < sd->nr_devices; i++) {
		sbd = sb_find_dev(sd->devices[i]);
		if (!sbd || sbd->removing) {
			sb_reason(sd->reason, "device %s is not bound to smmubench (bind it with driver_override)",
				  sd->devices[i]);
			ret = -ENODEV;
			break;
		}
		if (sbd->run || sbd->bind_users || sbd->share) {
			sb_reason(sd->reason, "device %s busy: a run, a bind or another shared domain is using it",
				  sd->devices[i]);
			ret = -EBUSY;
			break;
		}
		ret = sb_check_device(sbd, sd->reason);
		if (ret)
			break;
		WRITE_ONCE(sbd->share, share);
		share->devs[share->nr_devs++] = sbd;
	}
	if (ret)
		sb_share_unclaim(share);
	mutex_unlock(&sb_lock);
	return ret;
}

/* Allocates the domain and attaches every claimed device to it. */
static int sb_share_attach(struct sb_share *share,
			   struct smmubench_share_domain *sd)
{
	struct device *first = share->devs[0]->dev;
	int ret;
	u32 i;

	share->domain = sb_domain_alloc(first);
	if (IS_ERR(share->domain)) {
		ret = PTR_ERR(share->domain);
		share->domain = NULL;
		sb_reason(sd->reason, "cannot allocate a paging domain for %s (%d)",
			  dev_name(first), ret);
		return ret;
	}
	for (i = 0; i < share->nr_devs; i++) {
		struct device *dev = share->devs[i]->dev;

		ret = iommu_attach_device(share->domain, dev);
		if (ret) {
			/*
			 * The driver says why in the kernel log; name the
			 * usual cause on 6.1, where a stage-1 domain takes
			 * only masters with its number of substream bits.
			 */
			sb_reason(sd->reason, "cannot attach %s to the domain %s%s (%d): the SMMU driver refused it (see dmesg; on 6.1 every master of a stage-1 domain needs the same substream bits, else 'cannot attach to incompatible domain')",
				  dev_name(dev), i ? "shared with " : "",
				  i ? dev_name(first) : "", ret);
			return ret;
		}
		share->nr_attached++;
	}
	return 0;
}

long sb_ioctl_share(struct sb_ctx *ctx, void __user *arg)
{
	struct smmubench_share_domain *sd;
	struct sb_share *share = NULL;
	long ret;

	sd = kmalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;
	if (copy_from_user(sd, arg, sizeof(*sd))) {
		ret = -EFAULT;
		goto free_sd;
	}
	sd->error = 0;
	memset(sd->reason, 0, sizeof(sd->reason));
	ret = sb_share_validate(sd);
	if (ret)
		goto copy_out;

	/* A RUN holds ctx->lock for its whole length: do not wait for it. */
	if (!mutex_trylock(&ctx->lock)) {
		sb_reason(sd->reason, "a run is in progress on this file");
		ret = -EBUSY;
		goto copy_out;
	}
	if (ctx->share && READ_ONCE(ctx->share->domain)) {
		sb_reason(sd->reason, "this file already shares a domain: unshare it first");
		ret = -EBUSY;
		goto unlock;
	}
	/* A share that a device's unbind ended: only its memory is left. */
	if (ctx->share) {
		kref_put(&ctx->share->ref, sb_share_free);
		ctx->share = NULL;
	}

	share = kzalloc(sizeof(*share), GFP_KERNEL);
	if (!share) {
		ret = -ENOMEM;
		goto unlock;
	}
	kref_init(&share->ref);
	mutex_init(&share->lock);
	ret = sb_share_claim(share, sd);
	if (ret)
		goto put_share;
	mutex_lock(&share->lock);
	ret = sb_share_attach(share, sd);
	mutex_unlock(&share->lock);
	if (ret)
		goto dismantle;
	ctx->share = share;
	mutex_unlock(&ctx->lock);
	goto copy_out;

dismantle:
	/* Detaches what was attached, frees the domain, unclaims. */
	sb_share_dismantle(share);
put_share:
	kref_put(&share->ref, sb_share_free);
unlock:
	mutex_unlock(&ctx->lock);
copy_out:
	if (ret) {
		sd->error = ret;
		pr_debug("SHARE_DOMAIN: %s (%ld)\n", sd->reason, ret);
	}
	if (copy_to_user(arg, sd, sizeof(*sd)))
		ret = -EFAULT;
free_sd:
	kfree(sd);
	return ret;
}

/*
 * Removes devs[i] from the share: the device is no longer its. Caller
 * holds share->lock and sb_lock, and detached the device if it was
 * attached (i < nr_attached).
 */
static void sb_share_drop_dev(struct sb_share *share, u32 i)
{
	struct sb_dev *sbd = share->devs[i];

	if (i < share->nr_attached)
		share->nr_attached--;
	memmove(&share->devs[i], &share->devs[i + 1],
		(share->nr_devs - i - 1) * sizeof(share->devs[0]));
	share->nr_devs--;
	share->devs[share->nr_devs] = NULL;
	sbd->leaving = false;
	WRITE_ONCE(sbd->share, NULL);
}

/* Caller holds sb_lock. The index of @sbd in the share, or -1. */
static int sb_share_index(struct sb_share *share, struct sb_dev *sbd)
{
	u32 i;

	for (i = 0; i < share->nr_devs; i++)
		if (share->devs[i] == sbd)
			return i;
	return -1;
}

/* Caller holds ctx->lock. */
static int sb_share_join(struct sb_share *share,
			 struct smmubench_share_member *m)
{
	struct sb_dev *sbd;
	int ret, i;

	mutex_lock(&sb_lock);
	sbd = sb_find_dev(m->device);
	if (!sbd || sbd->removing) {
		sb_reason(m->reason, "device %s is not bound to smmubench (bind it with driver_override)",
			  m->device);
		ret = -ENODEV;
	} else if (share->abort) {
		sb_reason(m->reason, "the shared domain is ending");
		ret = -ENODEV;
	} else if (sbd->run || sbd->bind_users || sbd->share) {
		sb_reason(m->reason, "device %s busy: a run, a bind or a shared domain is using it",
			  m->device);
		ret = -EBUSY;
	} else if (share->nr_devs == SMMUBENCH_MAX_MASTERS) {
		sb_reason(m->reason, "the shared domain has %u masters already",
			  SMMUBENCH_MAX_MASTERS);
		ret = -ENOSPC;
	} else {
		ret = sb_check_device(sbd, m->reason);
	}
	if (!ret) {
		/* From here on sbd stays until the share lets it go. */
		WRITE_ONCE(sbd->share, share);
		share->devs[share->nr_devs++] = sbd;
	}
	mutex_unlock(&sb_lock);
	if (ret)
		return ret;

	mutex_lock(&share->lock);
	if (!share->domain) {
		/* A device's unbind ended the share, and let sbd go. */
		mutex_unlock(&share->lock);
		sb_reason(m->reason, "the shared domain ended");
		return -ENODEV;
	}
	ret = iommu_attach_device(share->domain, sbd->dev);
	mutex_lock(&sb_lock);
	i = sb_share_index(share, sbd);
	if (ret) {
		sb_reason(m->reason, "cannot attach %s to the shared domain (%d): the SMMU driver refused it (see dmesg)",
			  m->device, ret);
		if (i >= 0)
			sb_share_drop_dev(share, i);
	} else if (!WARN_ON(i != share->nr_attached)) {
		/* Joins and leaves are serialised: it is the next one. */
		share->nr_attached++;
	}
	mutex_unlock(&sb_lock);
	mutex_unlock(&share->lock);
	return ret;
}

/* Caller holds ctx->lock. */
static int sb_share_leave(struct sb_share *share,
			  struct smmubench_share_member *m)
{
	struct sb_dev *sbd;
	int ret = 0, i;

	mutex_lock(&sb_lock);
	sbd = sb_find_dev(m->device);
	if (!sbd || sbd->share != share) {
		sb_reason(m->reason, "device %s is not a master of this file's shared domain",
			  m->device);
		ret = -ENOENT;
	} else if (share->abort) {
		sb_reason(m->reason, "the shared domain is ending");
		ret = -ENODEV;
	} else if (sbd->bind_users) {
		sb_reason(m->reason, "device %s busy: a BIND is using it",
			  m->device);
		ret = -EBUSY;
	} else {
		/* No BIND starts on it now; sbd stays while it is the share's. */
		sbd->leaving = true;
	}
	mutex_unlock(&sb_lock);
	if (ret)
		return ret;

	mutex_lock(&share->lock);
	if (share->domain) {
		mutex_lock(&sb_lock);
		i = sb_share_index(share, sbd);
		mutex_unlock(&sb_lock);
		if (!WARN_ON(i < 0 || i >= share->nr_attached))
			iommu_detach_device(share->domain, sbd->dev);
		mutex_lock(&sb_lock);
		if (i >= 0)
			sb_share_drop_dev(share, i);
		mutex_unlock(&sb_lock);
	}
	/* Else the share ended meanwhile, detached and let go of sbd. */
	mutex_unlock(&share->lock);
	/* remove() may be waiting for the device to be idle. */
	wake_up_all(&sb_wq);
	return 0;
}

long sb_ioctl_share_member(struct sb_ctx *ctx, void __user *arg)
{
	struct smmubench_share_member *m;
	size_t len;
	long ret;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(m, arg, sizeof(*m))) {
		ret = -EFAULT;
		goto free_m;
	}
	m->error = 0;
	memset(m->reason, 0, sizeof(m->reason));
	len = strnlen(m->device, SMMUBENCH_NAME_LEN);
	if (m->abi_version != SMMUBENCH_ABI_VERSION || m->reserved0 ||
	    memchr_inv(m->reserved, 0, sizeof(m->reserved))) {
		sb_reason(m->reason, "bad ABI version or nonzero reserved field");
		ret = -EINVAL;
		goto copy_out;
	}
	if (m->op != SMMUBENCH_SHARE_JOIN && m->op != SMMUBENCH_SHARE_LEAVE) {
		sb_reason(m->reason, "op %u: want SMMUBENCH_SHARE_JOIN or _LEAVE",
			  m->op);
		ret = -EINVAL;
		goto copy_out;
	}
	if (!len || len == SMMUBENCH_NAME_LEN) {
		sb_reason(m->reason, "device name empty or not NUL-terminated");
		ret = -EINVAL;
		goto copy_out;
	}

	/* As SHARE_DOMAIN: a RUN holds ctx->lock, do not wait for it. */
	if (!mutex_trylock(&ctx->lock)) {
		sb_reason(m->reason, "a run or another share call is in progress on this file");
		ret = -EBUSY;
		goto copy_out;
	}
	if (!ctx->share || !READ_ONCE(ctx->share->domain)) {
		sb_reason(m->reason, "this file shares no domain");
		ret = -ENOENT;
	} else if (m->op == SMMUBENCH_SHARE_JOIN) {
		ret = sb_share_join(ctx->share, m);
	} else {
		ret = sb_share_leave(ctx->share, m);
	}
	mutex_unlock(&ctx->lock);
copy_out:
	if (ret) {
		m->error = ret;
		pr_debug("SHARE_MEMBER: %s (%ld)\n", m->reason, ret);
	}
	if (copy_to_user(arg, m, sizeof(*m)))
		ret = -EFAULT;
free_m:
	kfree(m);
	return ret;
}

/* Caller holds ctx->lock. */
static void sb_ctx_drop_share(struct sb_ctx *ctx)
{
	sb_share_dismantle(ctx->share);
	kref_put(&ctx->share->ref, sb_share_free);
	ctx->share = NULL;
}

long sb_ioctl_unshare(struct sb_ctx *ctx, unsigned long arg)
{
	long ret = 0;

	if (arg)
		return -EINVAL;
	if (!mutex_trylock(&ctx->lock))
		return -EBUSY;
	if (ctx->share)
		sb_ctx_drop_share(ctx);
	else
		ret = -ENOENT;
	mutex_unlock(&ctx->lock);
	return ret;
}

/* close() of the file's last reference. */
void sb_ctx_unshare(struct sb_ctx *ctx)
{
	mutex_lock(&ctx->lock);
	if (ctx->share)
		sb_ctx_drop_share(ctx);
	mutex_unlock(&ctx->lock);
}

/*
 * remove() of a shared device: the whole share ends, since the module
 * must not keep a domain on a device it no longer drives; the other
 * masters go back to their default domains too, BINDs on them fail with
 * -ENODEV, and the file's UNSHARE then finds nothing left to undo.
 */
void sb_dev_leave_share(struct sb_dev *sbd)
{
	struct sb_share *share;

	mutex_lock(&sb_lock);
	share = sbd->share;
	if (share)
		kref_get(&share->ref);
	mutex_unlock(&sb_lock);
	if (!share)
		return;
	sb_share_dismantle(share);
	kref_put(&share->ref, sb_share_free);
}
