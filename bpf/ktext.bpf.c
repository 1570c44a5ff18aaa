// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-text reader: the call-site scan (callsites.c) reads the
 * machine code of driver functions through it, on kernels with or without
 * /proc/kcore. Not attached anywhere: ktext.c runs it with
 * BPF_PROG_TEST_RUN (raw_tp, 5.10+) after writing an address and a length
 * into the map.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "ktext.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ktext_val);
} ktext_buf SEC(".maps");

/*
 * Only what is asked is read: a chunk past the end of a module's text
 * would fault.
 */
SEC("raw_tp")
int ktext_read(void *ctx)
{
	struct ktext_val *v;
	__u32 key = 0;
	__u64 len;

	v = bpf_map_lookup_elem(&ktext_buf, &key);
	if (!v)
		return 0;
	len = v->len;
	if (len > KTEXT_CHUNK)
		return 0;
	v->addr_ret = bpf_probe_read_kernel(v->buf, len,
					    (const void *)v->addr_ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
