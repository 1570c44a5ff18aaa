// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench.ko: what the module knows about a device's SMMU and the
 * up-front checks that turn "cannot run" into a precise reason. The IOMMU
 * API's differences between kernel versions are in smmubench_compat.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#ifdef CONFIG_ARM64
#include <asm/arch_timer.h>
#endif

#include "smmubench.h"

/*
 * The SMMU's own device: dev->iommu->iommu_dev->dev is the class device
 * iommu_device_sysfs_add() made, and its parent is the platform device the
 * driver probed.
 */
static struct device *sb_smmu_dev(struct device *dev)
{
	struct dev_iommu *param = dev->iommu;

	if (!param || !param->iommu_dev || !param->iommu_dev->dev)
		return NULL;
	return param->iommu_dev->dev->parent;
}

/*
 * Reads SMMU_IDR0/IDR1 through a mapping of our own: the driver keeps its
 * mapping private. Both are read-only ID registers, so reading them has
 * no effect on the SMMU.
 */
void sb_smmu_probe(struct sb_dev *sbd)
{
	struct device *smmu = sb_smmu_dev(sbd->dev);
	struct resource *res;
	void __iomem *base;

	if (!smmu)
		return;
	strscpy(sbd->smmu_name, dev_name(smmu), sizeof(sbd->smmu_name));
	if (!smmu->driver || strcmp(smmu->driver->name, "arm-smmu-v3") ||
	    !dev_is_platform(smmu))
		return;
	res = platform_get_resource(to_platform_device(smmu), IORESOURCE_MEM, 0);
	if (!res || resource_size(res) < 8)
		return;
	base = ioremap(res->start, 8);
	if (!base)
		return;
	sbd->idr0 = readl_relaxed(base);
	sbd->idr1 = readl_relaxed(base + 4);
	iounmap(base);
	sbd->smmuv3 = true;
}

static int sb_count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* Returns -ENODEV if @dev has no IOMMU group. */
int sb_group_info(struct device *dev, int *id, unsigned int *nr_devs)
{
	struct iommu_group *group = iommu_group_get(dev);

	*id = -1;
	*nr_devs = 0;
	if (!group)
		return -ENODEV;
	*id = iommu_group_id(group);
	iommu_group_for_each_dev(group, nr_devs, sb_count_dev);
	iommu_group_put(group);
	return 0;
}

bool sb_has_pasid_cap(struct device *dev)
{
	return dev_is_pci(dev) &&
	       pci_find_ext_capability(to_pci_dev(dev), PCI_EXT_CAP_ID_PASID);
}

/* Appends a reason; several reasons are joined with "; ". */
void sb_reason(char *buf, const char *fmt, ...)
{
	size_t len = strnlen(buf, SMMUBENCH_REASON_LEN);
	va_list ap;

	if (len && len + 2 < SMMUBENCH_REASON_LEN)
		len += strscpy(buf + len, "; ", SMMUBENCH_REASON_LEN - len);
	if (len >= SMMUBENCH_REASON_LEN - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, SMMUBENCH_REASON_LEN - len, fmt, ap);
	va_end(ap);
}

/* Can the module attach its own domains to this device at all? */
int sb_check_device(struct sb_dev *sbd, char *reason)
{
	const char *name = dev_name(sbd->dev);
	unsigned int nr;
	int id;

	if (sb_group_info(sbd->dev, &id, &nr)) {
		sb_reason(reason, "device %s has no IOMMU group: it is not behind an IOMMU",
			  name);
		return -ENODEV;
	}
	if (!sbd->smmuv3) {
		sb_reason(reason, "device %s is behind IOMMU %s, not an arm-smmu-v3 SMMU",
			  name, sbd->smmu_name[0] ? sbd->smmu_name : "(unknown)");
		return -ENODEV;
	}
	if (nr != 1) {
		sb_reason(reason, "device %s shares IOMMU group %d with %u other device(s)",
			  name, id, nr - 1);
		return -EBUSY;
	}
	return 0;
}

/*
 * Every reason why @workload (bind or pasid-attach) cannot run on the
 * device, all of them, so that users fix them in one go.
 */
int sb_check_pasid(struct sb_dev *sbd, u32 workload, u32 pasid, char *reason)
{
	u32 ssid_bits = SB_IDR1_SSIDSIZE(sbd->idr1);
	u32 max_pasids = sb_max_pasids(sbd->dev);
	/*
	 * The project's test-only kernel patch (CONFIG_ARM_SMMU_V3_EMULATED_SSID)
	 * gives devices without a PASID capability substream bits: there the
	 * capability is not a gate, the driver decides.
	 */
	bool emulated = IS_ENABLED(CONFIG_ARM_SMMU_V3_EMULATED_SSID);
	bool bad = false;

	if (workload == SMMUBENCH_WL_BIND) {
		if (!IS_ENABLED(CONFIG_ARM_SMMU_V3_SVA)) {
			sb_reason(reason, "kernel built without CONFIG_ARM_SMMU_V3_SVA");
			bad = true;
		}
		if (SB_HAS_CORE_PASID && !IS_ENABLED(CONFIG_IOMMU_SVA)) {
			sb_reason(reason, "kernel built without CONFIG_IOMMU_SVA");
			bad = true;
		}
	} else if (!SB_HAS_CORE_PASID) {
		sb_reason(reason, "kernel has no iommu_attach_device_pasid (before 6.2)");
		bad = true;
	}
	if (sbd->smmuv3 && !ssid_bits && sb_iommu_dev_pasids(sbd->dev) <= 1) {
		sb_reason(reason, "SMMU %s has no substream support (IDR1.SSIDSIZE=0)",
			  sbd->smmu_name);
		bad = true;
	}
	if (!emulated && dev_is_pci(sbd->dev) && !sb_has_pasid_cap(sbd->dev)) {
		sb_reason(reason, "device %s has no PASID capability",
			  dev_name(sbd->dev));
		bad = true;
	}
	/*
	 * With emulation the core's count appears once SVA is enabled, which
	 * bind does and pasid-attach does for it (sb_pasid_setup).
	 */
	if (SB_HAS_CORE_PASID && !max_pasids && !emulated) {
		sb_reason(reason, "IOMMU core gives device %s no PASIDs (max_pasids=0)",
			  dev_name(sbd->dev));
		bad = true;
	} else if (workload == SMMUBENCH_WL_PASID_ATTACH && max_pasids &&
		   pasid >= max_pasids) {
		sb_reason(reason, "PASID %u out of range: device %s has %u PASIDs",
			  pasid, dev_name(sbd->dev), max_pasids);
		bad = true;
	}
	return bad ? -EOPNOTSUPP : 0;
}

u32 sb_kernel_flags(void)
{
	u32 flags = 0;

	if (IS_ENABLED(CONFIG_ARM_SMMU_V3_SVA))
		flags |= SMMUBENCH_KERNEL_ARM_SMMU_V3_SVA;
	if (IS_ENABLED(CONFIG_IOMMU_SVA))
		flags |= SMMUBENCH_KERNEL_IOMMU_SVA;
	if (SB_HAS_CORE_PASID)
		flags |= SMMUBENCH_KERNEL_PASID_ATTACH;
	return flags;
}

/* Counted so that tests can prove no domain outlives a run. */
atomic64_t sb_live_domains = ATOMIC64_INIT(0);

/* Returns a paging domain for @dev or an ERR_PTR, on every kernel. */
struct iommu_domain *sb_domain_alloc(struct device *dev)
{
	struct iommu_domain *domain = sb_paging_domain_alloc(dev);

	if (!IS_ERR(domain))
		atomic64_inc(&sb_live_domains);
	return domain;
}

void sb_domain_free(struct iommu_domain *domain)
{
	iommu_domain_free(domain);
	WARN_ON_ONCE(atomic64_dec_return(&sb_live_domains) < 0);
}

/*
 * The resolution of sb_now() is the period of the counter behind it;
 * the smallest step actually seen can be larger (e.g. under emulation).
 */
void sb_clock(u32 *hz, u64 *resolution_ns, u64 *step_ns)
{
	u64 t0, t1, step = U64_MAX;
	int i;

	*hz = 0;
	*resolution_ns = hrtimer_resolution;
#ifdef CONFIG_ARM64
	*hz = arch_timer_get_cntfrq();
	if (*hz)
		*resolution_ns = DIV_ROUND_UP(NSEC_PER_SEC, *hz);
#endif
	for (i = 0; i < 64; i++) {
		t0 = sb_now();
		do {
			t1 = sb_now();
		} while (t1 == t0);
		step = min(step, t1 - t0);
	}
	*step_ns = step;
}
