/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tracer in the style of bcc libbpf-tools/trace_helpers.h,
 * under bcc's names where a function does what bcc's does (ksyms__load,
 * ksyms__map_addr, ksyms__get_symbol, ksyms__free): a kallsyms reader that
 * keeps every copy of a name (two drivers may define the same static
 * function) and its type letter, and feature probes that try instead of
 * comparing kernel versions. The rest are this tracer's own.
 */
#ifndef SMMUBENCH_TRACE_HELPERS_H
#define SMMUBENCH_TRACE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

struct ksym {
	uint64_t addr;
	char *name;
	char type;		/* kallsyms type letter: t, T, d, D, ... */
};

/* Symbols of the kernel image (module symbols are skipped), by address. */
struct ksyms {
	struct ksym *syms;
	size_t nr, cap;
	char *strs;
	size_t strs_len, strs_cap;
};

struct ksyms *ksyms__load(void);
struct ksyms *ksyms__load_file(const char *path);
/* The symbols of loaded modules instead (module names dropped). */
struct ksyms *ksyms__load_modules(void);
void ksyms__free(struct ksyms *ks);	/* accepts NULL */
/* Every text symbol named @name or a compiler clone of it (name.isra.0,
 * name.constprop.1, name.part.0, ...), in address order. */
size_t ksyms__find_all(const struct ksyms *ks, const char *name,
		       const struct ksym **out, size_t max);
/* The first data or text symbol named exactly @name. */
const struct ksym *ksyms__get_symbol(const struct ksyms *ks, const char *name);
/*
 * The symbol @addr lies in (the last one at or below it), or NULL below
 * the first; the caller decides whether the offset is plausible.
 */
const struct ksym *ksyms__map_addr(const struct ksyms *ks, uint64_t addr);
/* True when every address in the list of all-zero addresses (kptr_restrict). */
bool ksyms__addrs_hidden(const struct ksyms *ks);

/* Loads and attaches a minimal fentry program to @func of @btf (vmlinux): 0 or -errno. */
int fentry_try_attach(const struct btf *btf, const char *func);
/*
 * ftrace's available_filter_functions, read once (NULL if tracefs is not
 * there): fentry needs its target there; a function missing from it is
 * notrace (e.g. an out-of-line copy of a header's static inline).
 */
char *ftrace_funcs__load(void);
bool ftrace_funcs__has(const char *funcs, const char *sym);
/* @addr lies in a range of the kprobe blacklist (debugfs; false if unknown). */
bool kprobe_blacklisted(uint64_t addr);

#endif /* SMMUBENCH_TRACE_HELPERS_H */
