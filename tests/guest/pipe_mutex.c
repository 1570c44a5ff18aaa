// SPDX-License-Identifier: GPL-2.0
/*
 * pipe_mutex: a workload that takes kernel mutexes and nothing of the SMMU,
 * for the tracer's overhead on the rest of the system (scripts/bench.d/
 * trace.sh). Each iteration writes one byte into a pipe and reads it back:
 * pipe_write() and pipe_read() each lock the pipe's mutex (__pipe_lock(),
 * a mutex_lock() call), so an iteration is two mutex_lock()/mutex_unlock()
 * pairs and two syscalls.
 *
 *   pipe_mutex ITERATIONS
 *
 * prints "ns_per_iter N": the median over 21 equal batches, so that a
 * batch disturbed by the rest of the machine does not move the figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 21

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned long long batch[BATCHES], t0;
	unsigned long n, per, i, b;
	char *end, c = 'x';
	int fd[2];

	if (argc != 2) {
		fprintf(stderr, "usage: pipe_mutex ITERATIONS\n");
		return 2;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || *end || n < BATCHES || n > 100000000UL) {
		fprintf(stderr, "pipe_mutex: '%s' is not a number of iterations in [%d, 100000000]\n",
			argv[1], BATCHES);
		return 2;
	}
	if (pipe(fd)) {
		fprintf(stderr, "pipe_mutex: pipe: %s\n", strerror(errno));
		return 1;
	}
	per = n / BATCHES;
	for (b = 0; b < BATCHES; b++) {
		t0 = now_ns();
		for (i = 0; i < per; i++) {
			if (write(fd[1], &c, 1) != 1 || read(fd[0], &c, 1) != 1) {
				fprintf(stderr, "pipe_mutex: pipe I/O: %s\n",
					strerror(errno));
				return 1;
			}
		}
		batch[b] = (now_ns() - t0) / per;
	}
	qsort(batch, BATCHES, sizeof(batch[0]), cmp_ull);
	printf("ns_per_iter %llu\n", batch[BATCHES / 2]);
	return 0;
}
