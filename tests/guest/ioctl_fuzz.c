// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: checks that /dev/smmubench refuses bad input with the right
 * error, then throws seeded garbage at it.
 *
 *   ioctl_fuzz [-s SEED] [-n CALLS] DEVICE [DEVICE2]
 *
 * DEVICE (and DEVICE2) must be bound to smmubench. Phase 1 sends known-bad
 * requests and checks errno and the reason string; it also starts two runs
 * at once. Phase 2 sends CALLS ioctls: mutated valid requests, random
 * bytes, random command numbers and bad pointers. A helper thread keeps
 * issuing SMMUBENCH_IOC_STOP so that a request that happens to be valid
 * ends at once. Any errno outside the documented set fails the test; the
 * caller checks dmesg. Exit 0 when every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "uapi/smmubench.h"

static int failures;
static const char *dev1, *dev2;
static volatile bool done;

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: seeded, so a failure can be replayed. */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void check(bool cond, const char *what)
{
	printf("%s - %s\n", cond ? "pass" : "FAIL", what);
	if (!cond)
		failures++;
}

static void run_template(struct smmubench_run *p, const char *dev)
{
	memset(p, 0, sizeof(*p));
	p->abi_version = SMMUBENCH_ABI_VERSION;
	p->workload = SMMUBENCH_WL_ATTACH;
	p->nr_devices = 1;
	p->threads = 1;
	p->masters = 1;
	p->iterations = 2;
	snprintf(p->devices[0], SMMUBENCH_NAME_LEN, "%s", dev);
}

/* Sends @p and checks the errno and that the reason names @needle. */
static void expect_run(int fd, struct smmubench_run *p, int want,
		       const char *needle, const char *what)
{
	int ret = ioctl(fd, SMMUBENCH_IOC_RUN, p) ? errno : 0;
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: errno %d (want %d), reason '%s'", what,
		 ret, want, p->reason);
	check(ret == want && (!needle || strstr(p->reason, needle)), msg);
}

struct bg_run {
	int fd;
	struct smmubench_run p;
	int ret;
};

static void *bg_run(void *arg)
{
	struct bg_run *b = arg;

	b->ret = ioctl(b->fd, SMMUBENCH_IOC_RUN, &b->p) ? errno : 0;
	return NULL;
}

static void two_runs(void)
{
	struct smmubench_run p;
	struct bg_run b;
	pthread_t t;
	int fd2, ret;

	b.fd = open(SMMUBENCH_DEVICE_PATH, O_RDWR);
	fd2 = open(SMMUBENCH_DEVICE_PATH, O_RDWR);
	run_template(&b.p, dev1);
	b.p.iterations = 0;
	b.p.duration_ns = 30ULL * 1000000000ULL;
	pthread_create(&t, NULL, bg_run, &b);
	usleep(500000);
	run_template(&p, dev1);
	expect_run(fd2, &p, EBUSY, "busy", "second run on a busy device");
	run_template(&p, dev2 ? dev2 : dev1);
	expect_run(b.fd, &p, EBUSY, "already in progress",
		   "second run on the same file");
	ret = ioctl(b.fd, SMMUBENCH_IOC_STOP);
	pthread_join(t, NULL);
	check(!ret && !b.ret && b.p.stop_reason == SMMUBENCH_STOP_REQUESTED,
	      "STOP ends the first run early, results kept");
	close(fd2);
	close(b.fd);
}

static void directed(int fd)
{
	struct smmubench_read_samples rs;
	struct smmubench_bind bd;
	struct smmubench_run p;

	run_template(&p, dev1);
	p.threads = 1000;
	expect_run(fd, &p, EINVAL, "threads", "1000 threads");
	run_template(&p, dev1);
	p.iterations = SMMUBENCH_MAX_ITERATIONS + 1ULL;
	expect_run(fd, &p, EINVAL, "iterations", "too many iterations");
	run_template(&p, dev1);
	p.iterations = 1ULL << 62;
	expect_run(fd, &p, EINVAL, "iterations", "2^62 iterations");
	run_template(&p, dev1);
	p.iterations = 0;
	expect_run(fd, &p, EINVAL, "iterations", "no iterations, no duration");
	run_template(&p, dev1);
	p.iterations = 0;
	p.duration_ns = ~0ULL;
	expect_run(fd, &p, EINVAL, "duration", "absurd duration");
	run_template(&p, dev1);
	p.nr_devices = 0;
	expect_run(fd, &p, EINVAL, "nr_devices", "no device");
	run_template(&p, dev1);
	p.workload = 99;
	expect_run(fd, &p, EINVAL, "unknown workload", "workload 99");
	run_template(&p, dev1);
	p.abi_version = 2;
	expect_run(fd, &p, EINVAL, "ABI", "ABI version 2");
	run_template(&p, dev1);
	p.reserved_in[3] = 1;
	expect_run(fd, &p, EINVAL, "reserved", "reserved field set");
	run_template(&p, dev1);
	memset(p.devices[0], 'x', SMMUBENCH_NAME_LEN);
	expect_run(fd, &p, EINVAL, "NUL", "unterminated device name");
	run_template(&p, "0000:00:1f.7");
	expect_run(fd, &p, ENODEV, "not bound to smmubench", "unknown device");
	run_template(&p, dev1);
	p.threads = 2;
	expect_run(fd, &p, EINVAL, "need 2 devices", "2 threads, 1 device");
	run_template(&p, dev1);
	p.masters = 0;
	expect_run(fd, &p, EINVAL, "masters", "0 masters");
	run_template(&p, dev1);
	p.workload = SMMUBENCH_WL_MAP;
	p.masters = 1;
	p.granule_bytes = 3000;
	p.size_bytes = 3000;
	expect_run(fd, &p, EINVAL, "granule", "granule 3000");
	p.granule_bytes = 4096;
	p.size_bytes = 4096 * 3 + 1;
	expect_run(fd, &p, EINVAL, "size", "size not a multiple");
	p.size_bytes = 1ULL << 40;
	expect_run(fd, &p, EINVAL, "size", "size 1 TiB");
	run_template(&p, dev1);
	p.cpu_mask[3] = 1ULL << 63;
	expect_run(fd, &p, EINVAL, "not online", "CPU 255");
	run_template(&p, dev1);
	p.pasid = 5;
	expect_run(fd, &p, EINVAL, "pasid", "pasid on attach");
	run_template(&p, dev1);
	p.workload = SMMUBENCH_WL_BIND;
	expect_run(fd, &p, EINVAL, "SMMUBENCH_IOC_BIND", "bind through RUN");
	run_template(&p, dev1);
	p.workload = SMMUBENCH_WL_SVA_MUNMAP;
	expect_run(fd, &p, EINVAL, "SMMUBENCH_IOC_BIND", "sva-munmap through RUN");
	run_template(&p, dev1);
	p.workload = SMMUBENCH_WL_PASID_ATTACH;
	p.pasid = 1;
	p.masters = 2;
	expect_run(fd, &p, EINVAL, "attach and map workloads only",
		   "pasid-attach with 2 masters");
	run_template(&p, dev1);
	p.workload = SMMUBENCH_WL_PASID_ATTACH;
	p.pasid = 1;
	expect_run(fd, &p, EOPNOTSUPP, "SSIDSIZE=0", "pasid-attach up front");

	memset(&rs, 0, sizeof(rs));
	rs.abi_version = SMMUBENCH_ABI_VERSION;
	rs.offset = ~0ULL;
	check(ioctl(fd, SMMUBENCH_IOC_READ_SAMPLES, &rs) && errno == EINVAL,
	      "READ_SAMPLES beyond the end");
	rs.offset = 0;
	rs.count = 10;
	rs.samples_ptr = 0;
	check(ioctl(fd, SMMUBENCH_IOC_READ_SAMPLES, &rs) && errno == EINVAL,
	      "READ_SAMPLES without a buffer");
	memset(&bd, 0, sizeof(bd));
	bd.abi_version = SMMUBENCH_ABI_VERSION;
	snprintf(bd.device, sizeof(bd.device), "%s", dev1);
	check(ioctl(fd, SMMUBENCH_IOC_BIND, &bd) && errno == EINVAL,
	      "BIND with 0 iterations");
	/* Refused before the claim: the sample buffer is never written. */
	bd.iterations = 1;
	bd.samples_ptr = 1;
	bd.munmap_bytes = 4096 + 1;
	check(ioctl(fd, SMMUBENCH_IOC_BIND, &bd) && errno == EINVAL &&
	      strstr(bd.reason, "munmap_bytes"),
	      "BIND munmap_bytes not a multiple of the page size");
	bd.munmap_bytes = SMMUBENCH_MAX_SIZE_BYTES + 4096;
	check(ioctl(fd, SMMUBENCH_IOC_BIND, &bd) && errno == EINVAL &&
	      strstr(bd.reason, "munmap_bytes"),
	      "BIND munmap_bytes above SMMUBENCH_MAX_SIZE_BYTES");
	check(ioctl(fd, _IO(SMMUBENCH_IOC_MAGIC, 77)) && errno == ENOTTY,
	      "unknown ioctl");
	check(ioctl(fd, SMMUBENCH_IOC_RUN, NULL) && errno == EFAULT,
	      "RUN with a NULL argument");
	check(ioctl(fd, SMMUBENCH_IOC_STOP, 1UL) && errno == EINVAL,
	      "STOP with an argument");
	two_runs();
}

static void *stopper(void *arg)
{
	int fd = *(int *)arg;

	while (!done) {
		ioctl(fd, SMMUBENCH_IOC_STOP);
		usleep(2000);
	}
	return NULL;
}

static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 16, 63, 64, 65, 4096, 4097, 65536, 1 << 20,
		(1 << 20) + 1, 1 << 21, 2 << 20, 0x7fffffff, 0x80000000,
		0xffffffff, 1ULL << 32, ~0ULL, ~0ULL >> 1,
	};

	return rnd() % 4 ? v[rnd() % (sizeof(v) / sizeof(v[0]))] : rnd();
}

/* Overwrites a random aligned field of @buf with an interesting value. */
static void mutate(void *buf, size_t len)
{
	int n = 1 + rnd() % 3;

	while (n--) {
		uint64_t v = interesting();

		switch (rnd() % 4) {
		case 0:
			((uint8_t *)buf)[rnd() % len] = v;
			break;
		case 1: {
			size_t off = (rnd() % (len / 4)) * 4;

			memcpy((char *)buf + off, &v, 4);
			break;
		}
		default: {
			size_t off = (rnd() % (len / 8)) * 8;

			memcpy((char *)buf + off, &v, 8);
			break;
		}
		}
	}
}

/*
 * Where READ_SAMPLES and BIND write: two pages before a PROT_NONE page, so
 * that a mutated count makes the kernel fault (EFAULT) instead of writing
 * over this program's memory.
 */
static struct smmubench_sample *sample_buf;

static int map_sample_buf(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + 2 * page, page, PROT_NONE))
		return -1;
	sample_buf = (struct smmubench_sample *)p;
	return 0;
}

static const unsigned long cmds[] = {
	SMMUBENCH_IOC_INFO, SMMUBENCH_IOC_RUN, SMMUBENCH_IOC_READ_SAMPLES,
	SMMUBENCH_IOC_BIND, SMMUBENCH_IOC_PROGRESS, SMMUBENCH_IOC_STOP,
	SMMUBENCH_IOC_SHARE_DOMAIN, SMMUBENCH_IOC_UNSHARE_DOMAIN,
	SMMUBENCH_IOC_SHARE_MEMBER,
};

static bool allowed(int e)
{
	switch (e) {
	case 0: case EINVAL: case EFAULT: case ENOTTY: case ENODEV:
	case EBUSY: case EOPNOTSUPP: case ENOMEM: case EINTR:
	case ENOENT: case ENOSPC:	/* the share ioctls */
		return true;
	default:
		return false;
	}
}

static void one_call(int fd, unsigned long *counts)
{
	static union {
		struct smmubench_run run;
		struct smmubench_info info;
		struct smmubench_read_samples rs;
		struct smmubench_bind bind;
		struct smmubench_progress prog;
		uint8_t raw[8192];
	} u;
	struct smmubench_sample *samples = sample_buf;
	unsigned long cmd = cmds[rnd() % (sizeof(cmds) / sizeof(cmds[0]))];
	void *arg = &u;
	int kind = rnd() % 10, e;

	memset(&u, 0, sizeof(u));
	if (cmd == SMMUBENCH_IOC_RUN) {
		run_template(&u.run, rnd() % 2 || !dev2 ? dev1 : dev2);
		u.run.workload = 1 + rnd() % 4;
		if (u.run.workload == SMMUBENCH_WL_MAP) {
			u.run.size_bytes = 4096 << (rnd() % 3);
			u.run.granule_bytes = 4096;
		}
	} else if (cmd == SMMUBENCH_IOC_READ_SAMPLES) {
		u.rs.abi_version = SMMUBENCH_ABI_VERSION;
		u.rs.count = 16;
		u.rs.samples_ptr = (uintptr_t)samples;
	} else if (cmd == SMMUBENCH_IOC_BIND) {
		u.bind.abi_version = SMMUBENCH_ABI_VERSION;
		u.bind.iterations = 1;
		u.bind.samples_ptr = (uintptr_t)samples;
		snprintf(u.bind.device, sizeof(u.bind.device), "%s", dev1);
	} else {
		u.info.abi_version = SMMUBENCH_ABI_VERSION;
	}
	if (kind < 6) {
		mutate(&u, _IOC_SIZE(cmd) ? _IOC_SIZE(cmd) : 8);
	} else if (kind < 8) {
		for (size_t i = 0; i < sizeof(u.raw); i += 8) {
			uint64_t v = rnd();

			memcpy(u.raw + i, &v, 8);
		}
	} else if (kind == 8) {
		cmd = rnd() % 2 ? _IOC(rnd() % 4, SMMUBENCH_IOC_MAGIC, rnd() % 16,
				       rnd() % 4096) : (unsigned long)rnd();
	} else {
		static const uintptr_t bad[] = {
			0, 1, 0xdead0000, 0xffff000000000000ULL, ~0UL - 4095,
		};
		arg = (void *)bad[rnd() % (sizeof(bad) / sizeof(bad[0]))];
	}
	e = ioctl(fd, (unsigned int)cmd, arg) ? errno : 0;
	if (!allowed(e)) {
		printf("FAIL - cmd %#lx kind %d: unexpected errno %d (%s)\n",
		       cmd, kind, e, strerror(e));
		failures++;
	}
	counts[e < 128 ? e : 127]++;
}

int main(int argc, char **argv)
{
	unsigned long seed = 1, calls = 10000, i, counts[128] = { 0 };
	pthread_t t;
	int opt, fd;

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else if (opt == 'n')
			calls = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: ioctl_fuzz [-s SEED] [-n CALLS] DEVICE [DEVICE2]\n");
		return 2;
	}
	dev1 = argv[optind];
	dev2 = optind + 1 < argc ? argv[optind + 1] : NULL;
	rng_state = seed;
	fd = open(SMMUBENCH_DEVICE_PATH, O_RDWR);
	if (fd < 0 || map_sample_buf()) {
		perror(SMMUBENCH_DEVICE_PATH);
		return 1;
	}
	directed(fd);

	pthread_create(&t, NULL, stopper, &fd);
	for (i = 0; i < calls; i++)
		one_call(fd, counts);
	done = true;
	pthread_join(t, NULL);
	close(fd);
	printf("fuzz: seed %lu, %lu calls:", seed, calls);
	for (i = 0; i < 128; i++)
		if (counts[i])
			printf(" %s=%lu", i ? strerror(i) : "ok", counts[i]);
	printf("\nfuzz: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
