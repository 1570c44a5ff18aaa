// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench run: the module's samples into the results, one series per op,
 * and the module's own cost (the empty op) beside them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "run_samples.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"
#include "uapi/smmubench.h"

/* Samples per SMMUBENCH_IOC_READ_SAMPLES call (2.5 MiB of buffer). */
#define READ_CHUNK 65536

/* Series names by enum smmubench_op. */
static const char *const op_series[SMMUBENCH_OP__MAX] = {
	[SMMUBENCH_OP_EMPTY] = "op.empty",
	[SMMUBENCH_OP_ATTACH] = "op.attach",
	[SMMUBENCH_OP_DETACH] = "op.detach",
	[SMMUBENCH_OP_MAP] = "op.map",
	[SMMUBENCH_OP_UNMAP] = "op.unmap",
	[SMMUBENCH_OP_IOTLB_SYNC] = "op.iotlb_sync",
	[SMMUBENCH_OP_BIND] = "op.bind",
	[SMMUBENCH_OP_UNBIND] = "op.unbind",
	[SMMUBENCH_OP_PASID_ATTACH] = "op.pasid_attach",
	[SMMUBENCH_OP_PASID_DETACH] = "op.pasid_detach",
	[SMMUBENCH_OP_MUNMAP] = "op.munmap",
};

int sb_run_add_samples(struct sb_results *r, const struct smmubench_sample *s,
		       size_t n)
{
	struct sb_series *series[SMMUBENCH_OP__MAX] = { NULL };
	struct sb_sample out;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		uint32_t op = s[i].op;

		if (op >= SMMUBENCH_OP__MAX || !op_series[op])
			return -EPROTO;
		if (!series[op]) {
			series[op] = sb_results__series(r, op_series[op], "ns",
							SB_KIND_OP);
			if (!series[op])
				return -ENOMEM;
		}
		out.value = s[i].latency_ns;
		out.op_id = s[i].op_id;
		out.start_ns = s[i].start_ns;
		out.thread = s[i].thread;
		err = sb_series__add(series[op], &out);
		if (err)
			return err;
	}
	return 0;
}

int sb_run_read_samples(int fd, struct sb_results *r, uint64_t total)
{
	struct smmubench_read_samples rs;
	struct smmubench_sample *buf;
	uint64_t off = 0;
	int err = 0;

	buf = calloc(READ_CHUNK, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	while (off < total) {
		memset(&rs, 0, sizeof(rs));
		rs.abi_version = SMMUBENCH_ABI_VERSION;
		rs.offset = off;
		rs.count = READ_CHUNK;
		rs.samples_ptr = (uintptr_t)buf;
		if (ioctl(fd, SMMUBENCH_IOC_READ_SAMPLES, &rs)) {
			err = -errno;
			break;
		}
		if (!rs.count) {
			err = -EPROTO;
			break;
		}
		err = sb_run_add_samples(r, buf, rs.count);
		if (err)
			break;
		off += rs.count;
	}
	free(buf);
	return err;
}

int sb_run_set_overhead(struct sb_results *r, const char *main_op)
{
	struct sb_series *e = sb_results__find_series(r, "op.empty");
	struct sb_series *m = main_op ? sb_results__find_series(r, main_op) : NULL;
	uint64_t *ev, *mv;
	double em, mm;
	int err = 0;

	if (!e || !e->nr_samples)
		return 0;
	ev = sb_series__sorted_values(e);
	if (!ev)
		return -errno;
	em = sb_stats__median(ev, e->nr_samples);
	free(ev);
	err = sb_results__set_counter(r, "overhead_ns", (uint64_t)(em + 0.5));
	if (err || !m || !m->nr_samples)
		return err;
	mv = sb_series__sorted_values(m);
	if (!mv)
		return -errno;
	mm = sb_stats__median(mv, m->nr_samples);
	free(mv);
	if (mm > 0)
		err = sb_results__set_meta(r, "overhead_ratio", "%.6f", em / mm);
	return err;
}
