/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smmubench.ko: every difference between the test bed kernels (6.1, 6.12,
 * 7.x) in the kernel APIs the module calls, in one place. The rest of the
 * module calls the forms below and tests the SB_* flags, never the kernel
 * version.
 *
 * 6.12 -> 7.x (checked against linux-source-7.3's include/linux/iommu.h
 * and platform_device.h): none of these calls changed shape again; what
 * 7.x still differs in from 6.12 is the removal of the SVA device feature
 * (6.16, below).
 */
#ifndef SMMUBENCH_COMPAT_H
#define SMMUBENCH_COMPAT_H

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/platform_device.h>
#include <linux/types.h>
#include <linux/version.h>

/*
 * 6.2 moved PASIDs into the IOMMU core: iommu_attach_device_pasid() and
 * iommu_detach_device_pasid() appeared, dev_iommu::max_pasids holds the
 * PASIDs the core lets a device use (a bind fails without them), SVA
 * binds need CONFIG_IOMMU_SVA and iommu_sva_bind_device() lost its
 * drvdata argument. 6.1 has none of it.
 */
#define SB_HAS_CORE_PASID	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))

static inline u32 sb_max_pasids(struct device *dev)
{
#if SB_HAS_CORE_PASID
	return dev->iommu ? dev->iommu->max_pasids : 0;
#else
	return 0;
#endif
}

/*
 * iommu_device::max_pasids, the PASIDs the IOMMU driver supports, came
 * with 6.2's core PASIDs, and to some 6.1 stable kernels as a backport
 * (Debian's 6.1.192 has it, its 6.1.176 not), so the version cannot tell:
 * bench/Kbuild looks in the kernel's iommu.h and defines
 * SB_HAS_IOMMU_DEV_PASIDS; without it, the version decides.
 */
#ifndef SB_HAS_IOMMU_DEV_PASIDS
#define SB_HAS_IOMMU_DEV_PASIDS	SB_HAS_CORE_PASID
#endif

static inline u32 sb_iommu_dev_pasids(struct device *dev)
{
#if SB_HAS_IOMMU_DEV_PASIDS
	struct dev_iommu *param = dev->iommu;

	return param && param->iommu_dev ? param->iommu_dev->max_pasids : 0;
#else
	return 0;
#endif
}

static inline struct iommu_sva *sb_sva_bind(struct device *dev,
					    struct mm_struct *mm)
{
#if SB_HAS_CORE_PASID
	return iommu_sva_bind_device(dev, mm);
#else
	return iommu_sva_bind_device(dev, mm, NULL);
#endif
}

/*
 * 6.11 gave iommu_attach_device_pasid() an attach handle (NULL: none, the
 * module handles no page faults).
 */
static inline int sb_attach_device_pasid(struct iommu_domain *domain,
					 struct device *dev, u32 pasid)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	return iommu_attach_device_pasid(domain, dev, pasid, NULL);
#elif SB_HAS_CORE_PASID
	return iommu_attach_device_pasid(domain, dev, pasid);
#else
	return -EOPNOTSUPP;
#endif
}

static inline void sb_detach_device_pasid(struct iommu_domain *domain,
					  struct device *dev, u32 pasid)
{
#if SB_HAS_CORE_PASID
	iommu_detach_device_pasid(domain, dev, pasid);
#endif
}

/*
 * Up to 6.15 a driver enabled IOMMU_DEV_FEAT_SVA before binding; 6.16
 * removed the device features (the SMMU driver enables what SVA needs
 * when an SVA domain is attached), so from then on there is nothing to
 * turn on or off.
 */
#define SB_HAS_SVA_FEATURE	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0))

static inline int sb_sva_feature(struct device *dev, bool on)
{
#if SB_HAS_SVA_FEATURE
	return on ? iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA) :
		    iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_SVA);
#else
	return 0;
#endif
}

/*
 * 6.11 added iommu_paging_domain_alloc(dev), which returns an ERR_PTR;
 * before it, iommu_domain_alloc(bus) returned NULL on failure (and was
 * removed in 6.13).
 */
static inline struct iommu_domain *sb_paging_domain_alloc(struct device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	return iommu_paging_domain_alloc(dev);
#else
	struct iommu_domain *domain = iommu_domain_alloc(dev->bus);

	return domain ?: ERR_PTR(-ENOMEM);
#endif
}

/* 6.3 gave iommu_map() a gfp argument (for page-table allocations). */
static inline int sb_map(struct iommu_domain *domain, unsigned long iova,
			 phys_addr_t paddr, size_t size)
{
	int prot = IOMMU_READ | IOMMU_WRITE;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return iommu_map(domain, iova, paddr, size, prot, GFP_KERNEL);
#else
	return iommu_map(domain, iova, paddr, size, prot);
#endif
}

/*
 * 6.11 made platform_driver::remove() return void: a remove callback is
 * declared "static SB_PLAT_REMOVE_RET f(struct platform_device *)" and ends
 * with "return SB_PLAT_REMOVED;".
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define SB_PLAT_REMOVE_RET	void
#define SB_PLAT_REMOVED
#else
#define SB_PLAT_REMOVE_RET	int
#define SB_PLAT_REMOVED	0
#endif

#endif /* SMMUBENCH_COMPAT_H */
