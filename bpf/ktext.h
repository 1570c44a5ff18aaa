/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktext: what the kernel-text reader's BPF side (ktext.bpf.c) and its user
 * side (ktext.c) share: the one value of its array map.
 */
#ifndef KTEXT_H
#define KTEXT_H

#define KTEXT_CHUNK	4096

/* Address and length in, bpf_probe_read_kernel()'s result out. */
struct ktext_val {
	__u64 addr_ret;
	__u64 len;
	__u8 buf[KTEXT_CHUNK];
};

#endif /* KTEXT_H */
