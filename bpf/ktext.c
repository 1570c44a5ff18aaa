// SPDX-License-Identifier: GPL-2.0
/* The kernel-text reader's user side (see ktext.bpf.c and tracer.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "ktext.h"
#include "ktext.skel.h"
#include "tracer.h"

int ktext__read(struct ktext *kt, uint64_t addr, void *buf, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int map_fd = bpf_map__fd(kt->maps.ktext_buf);
	int prog_fd = bpf_program__fd(kt->progs.ktext_read);
	static struct ktext_val v;
	__u32 key = 0;
	size_t n;

	while (len) {
		n = len < KTEXT_CHUNK ? len : KTEXT_CHUNK;
		v.addr_ret = addr;
		v.len = n;
		if (bpf_map_update_elem(map_fd, &key, &v, BPF_ANY))
			return -errno;
		if (bpf_prog_test_run_opts(prog_fd, &topts))
			return -errno;
		if (bpf_map_lookup_elem(map_fd, &key, &v))
			return -errno;
		/* bpf_probe_read_kernel()'s result: 0 or -EFAULT */
		if (v.addr_ret)
			return (int)(int64_t)v.addr_ret;
		memcpy(buf, v.buf, n);
		buf = (uint8_t *)buf + n;
		addr += n;
		len -= n;
	}
	return 0;
}
