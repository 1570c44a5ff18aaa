// SPDX-License-Identifier: GPL-2.0
/*
 * sbinfo: prints what SMMUBENCH_IOC_INFO reports, one fact per line, for
 * guest test scripts:
 *   live_domains N
 *   device NAME group G flags 0xF busy B unmanaged U domain_type T
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/smmubench.h"

int main(void)
{
	static struct smmubench_info info;
	uint32_t i;
	int fd;

	fd = open(SMMUBENCH_DEVICE_PATH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "sbinfo: %s: %s\n", SMMUBENCH_DEVICE_PATH,
			strerror(errno));
		return 1;
	}
	info.abi_version = SMMUBENCH_ABI_VERSION;
	if (ioctl(fd, SMMUBENCH_IOC_INFO, &info)) {
		fprintf(stderr, "sbinfo: INFO: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	printf("abi_version %u\n", info.abi_version);
	printf("kernel_flags 0x%x\n", info.kernel_flags);
	printf("clock_hz %u\n", info.clock_hz);
	printf("clock_resolution_ns %llu\n",
	       (unsigned long long)info.clock_resolution_ns);
	printf("live_domains %llu\n", (unsigned long long)info.live_domains);
	for (i = 0; i < info.nr_devices; i++) {
		const struct smmubench_device_info *d = &info.devices[i];

		printf("device %s group %d flags 0x%x busy %d unmanaged %d domain_type %u smmu %s idr1 0x%08x\n",
		       d->name, d->iommu_group_id, d->flags,
		       !!(d->flags & SMMUBENCH_DEV_BUSY),
		       !!(d->flags & SMMUBENCH_DEV_UNMANAGED_DOMAIN),
		       d->domain_type, d->smmu_name[0] ? d->smmu_name : "-",
		       d->smmu_idr1);
	}
	close(fd);
	return 0;
}
