// SPDX-License-Identifier: GPL-2.0
/*
 * atomicity: the workload of the CD-update atomicity test
 * (tests/testbed/atomicity.t). Device A is put in a shared domain of
 * smmubench.ko; one thread makes device B join and leave that domain
 * (SMMUBENCH_IOC_SHARE_MEMBER) as fast as it can, while processes bind and
 * unbind their mm on A (SMMUBENCH_IOC_BIND, one bind+unbind per call),
 * N binds in all. On the test kernels with a domain-wide SVA CD write
 * (kernel/placements/VERSION/), every bind writes the CD into B too while B is
 * in the domain, and injected faults make some binds fail.
 *
 * A process whose bind failed stops and stays alive until the end, so that
 * its PASID (the core gives each mm one, freed with the mm) is not given
 * to a later process: a CD that a failed bind left in B's table is then
 * not overwritten and cleared by a later bind of the same PASID, and the
 * CD dump after the run still shows it. The next binds run in a new
 * process. At the end B leaves, the processes exit, the domain is
 * unshared; the caller then reads the CD tables.
 *
 * Prints "key value" lines: binds, bind_failures (-ENOMEM, the injected
 * fault's error), other_errors, processes, unparked (failed processes not
 * kept alive: at most MAX_PARKED are), joins, leaves, member_errors.
 * Exit status 0 if the workload ran to the end, 1 if not, 2 on usage.
 *
 * Usage: atomicity -a DEV_A -b DEV_B -n BINDS
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/smmubench.h"

/* PASIDs parked at most: the test bed's masters have 5 substream bits. */
#define MAX_PARKED	28

static const char *dev_a, *dev_b;
static int fd;
static volatile bool stop;
static unsigned long joins, leaves, member_errors;

struct child_result {
	unsigned long done;	/* binds tried, the failed one included */
	int err;		/* errno of the failed bind, 0 if none */
	char reason[SMMUBENCH_REASON_LEN];
};

static int member(uint32_t op)
{
	struct smmubench_share_member m;

	memset(&m, 0, sizeof(m));
	m.abi_version = SMMUBENCH_ABI_VERSION;
	m.op = op;
	snprintf(m.device, sizeof(m.device), "%s", dev_b);
	if (!ioctl(fd, SMMUBENCH_IOC_SHARE_MEMBER, &m))
		return 0;
	if (member_errors++ < 3)
		fprintf(stderr, "atomicity: %s %s: %s (%s)\n",
			op == SMMUBENCH_SHARE_JOIN ? "join" : "leave", dev_b,
			strerror(errno), m.reason);
	return -1;
}

/* B joins and leaves A's domain until told to stop; B ends outside. */
static void *attacher(void *arg)
{
	(void)arg;
	while (!stop && member_errors < 100) {
		if (member(SMMUBENCH_SHARE_JOIN))
			continue;
		joins++;
		while (member(SMMUBENCH_SHARE_LEAVE) && member_errors < 100)
			;
		leaves++;
	}
	return NULL;
}

/*
 * In a child: up to @budget binds of this process's mm on A, one per
 * BIND call. Reports to @res; after a failed bind waits for EOF on
 * @release before exiting, so that its mm and PASID live until the end.
 */
static void binder(unsigned long budget, int res, int release)
{
	struct smmubench_sample samples[2];
	struct smmubench_bind b;
	struct child_result r;
	char c;

	memset(&r, 0, sizeof(r));
	for (r.done = 0; r.done < budget;) {
		memset(&b, 0, sizeof(b));
		b.abi_version = SMMUBENCH_ABI_VERSION;
		b.iterations = 1;
		b.samples_ptr = (uintptr_t)samples;
		snprintf(b.device, sizeof(b.device), "%s", dev_a);
		r.done++;
		if (ioctl(fd, SMMUBENCH_IOC_BIND, &b)) {
			r.err = errno;
			memcpy(r.reason, b.reason, sizeof(r.reason));
			break;
		}
	}
	if (write(res, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	if (r.err)
		while (read(release, &c, 1) > 0)
			;
	_exit(0);
}

static int share_a(void)
{
	struct smmubench_share_domain sd;

	memset(&sd, 0, sizeof(sd));
	sd.abi_version = SMMUBENCH_ABI_VERSION;
	sd.nr_devices = 1;
	snprintf(sd.devices[0], sizeof(sd.devices[0]), "%s", dev_a);
	if (!ioctl(fd, SMMUBENCH_IOC_SHARE_DOMAIN, &sd))
		return 0;
	fprintf(stderr, "atomicity: share %s: %s (%s)\n", dev_a,
		strerror(errno), sd.reason);
	return -1;
}

int main(int argc, char **argv)
{
	unsigned long n = 0, binds = 0, failures = 0, other = 0, procs = 0;
	unsigned long unparked = 0;
	pid_t parked[MAX_PARKED];
	unsigned int nr_parked = 0, i;
	int res[2], release[2], opt, status = 0;
	pthread_t thread;

	while ((opt = getopt(argc, argv, "a:b:n:")) != -1) {
		switch (opt) {
		case 'a':
			dev_a = optarg;
			break;
		case 'b':
			dev_b = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (!dev_a || !dev_b || !n || optind != argc)
		goto usage;

	fd = open(SMMUBENCH_DEVICE_PATH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "atomicity: %s: %s\n", SMMUBENCH_DEVICE_PATH,
			strerror(errno));
		return 1;
	}
	if (share_a())
		return 1;
	if (pipe(res) || pipe(release)) {
		perror("atomicity: pipe");
		return 1;
	}
	if (pthread_create(&thread, NULL, attacher, NULL)) {
		fprintf(stderr, "atomicity: cannot start the attacher\n");
		return 1;
	}

	while (binds < n) {
		struct child_result r;
		pid_t pid;

		pid = fork();
		if (pid < 0) {
			perror("atomicity: fork");
			status = 1;
			break;
		}
		if (!pid) {
			close(res[0]);
			close(release[1]);
			binder(n - binds, res[1], release[0]);
		}
		procs++;
		if (read(res[0], &r, sizeof(r)) != sizeof(r)) {
			fprintf(stderr, "atomicity: binder %d died\n", pid);
			status = 1;
			break;
		}
		binds += r.done;
		if (!r.err) {
			waitpid(pid, NULL, 0);
			continue;
		}
		if (r.err == ENOMEM) {
			failures++;
		} else {
			if (other++ < 3)
				fprintf(stderr, "atomicity: bind %lu: %s (%s)\n",
					binds, strerror(r.err), r.reason);
		}
		if (nr_parked < MAX_PARKED) {
			parked[nr_parked++] = pid;
			continue;
		}
		/* No PASID left to park: this one goes, and may be reused. */
		if (unparked++ == 0)
			fprintf(stderr, "atomicity: %u failed binds hold their PASIDs already: not keeping more\n",
				nr_parked);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}

	stop = true;
	pthread_join(thread, NULL);
	/* The parked processes exit on EOF: their mms and PASIDs go. */
	close(release[1]);
	for (i = 0; i < nr_parked; i++)
		waitpid(parked[i], NULL, 0);
	if (ioctl(fd, SMMUBENCH_IOC_UNSHARE_DOMAIN, 0)) {
		perror("atomicity: unshare");
		status = 1;
	}
	close(fd);

	printf("binds %lu\n", binds);
	printf("bind_failures %lu\n", failures);
	printf("other_errors %lu\n", other);
	printf("processes %lu\n", procs);
	printf("unparked %lu\n", unparked);
	printf("joins %lu\n", joins);
	printf("leaves %lu\n", leaves);
	printf("member_errors %lu\n", member_errors);
	if (binds < n || other || member_errors)
		status = 1;
	return status;

usage:
	fprintf(stderr, "usage: atomicity -a DEV_A -b DEV_B -n BINDS\n");
	return 2;
}
