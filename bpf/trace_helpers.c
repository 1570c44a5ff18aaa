// SPDX-License-Identifier: GPL-2.0
/* Kallsyms reader and feature probes for the tracer (see trace_helpers.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace_helpers.h"

static int ksyms__add(struct ksyms *ks, uint64_t addr, char type,
		      const char *name)
{
	size_t len = strlen(name) + 1;
	struct ksym *syms;
	char *strs;

	if (ks->nr == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;

		syms = realloc(ks->syms, cap * sizeof(*syms));
		if (!syms)
			return -ENOMEM;
		ks->syms = syms;
		ks->cap = cap;
	}
	if (ks->strs_len + len > ks->strs_cap) {
		size_t cap = ks->strs_cap ? ks->strs_cap * 2 : 256 * 1024;

		while (cap < ks->strs_len + len)
			cap *= 2;
		strs = realloc(ks->strs, cap);
		if (!strs)
			return -ENOMEM;
		ks->strs = strs;
		ks->strs_cap = cap;
	}
	memcpy(ks->strs + ks->strs_len, name, len);
	/* Names are offsets until loading ends: strs may still move. */
	ks->syms[ks->nr].name = (char *)(uintptr_t)ks->strs_len;
	ks->syms[ks->nr].addr = addr;
	ks->syms[ks->nr].type = type;
	ks->nr++;
	ks->strs_len += len;
	return 0;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/*
 * One line of kallsyms, "addr type name[\t[module]]", parsed by hand: a
 * 7.x image has 250,000 lines and sscanf() costs seconds of them under
 * emulation. Returns the name's length, 0 for a line to skip.
 */
static size_t ksym_parse(char *line, unsigned long long *addr, char *type,
			 bool *in_module)
{
	char *p, *name;
	size_t len;

	*addr = strtoull(line, &p, 16);
	if (p == line || *p != ' ' || !p[1] || p[2] != ' ')
		return 0;
	*type = p[1];
	name = p + 3;
	len = strcspn(name, " \t\n");
	if (!len)
		return 0;
	*in_module = name[len] == '\t' || name[len] == ' ';
	name[len] = '\0';
	memmove(line, name, len + 1);
	return len;
}

/* @modules: the symbols of loaded modules ("[module]") instead. */
static struct ksyms *ksyms__load_part(const char *path, bool modules)
{
	unsigned long long addr;
	bool in_module, sorted = true;
	char line[1024];	/* KSYM_NAME_LEN is 512 */
	struct ksyms *ks;
	FILE *f;
	size_t i;
	char type;

	f = fopen(path, "r");
	if (!f)
		return NULL;
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		goto err;
	while (fgets(line, sizeof(line), f)) {
		if (!ksym_parse(line, &addr, &type, &in_module))
			continue;
		if (in_module != modules)	/* "[module]": not the image */
			continue;
		if (ks->nr && addr < ks->syms[ks->nr - 1].addr)
			sorted = false;
		if (ksyms__add(ks, addr, type, line))
			goto err;
	}
	fclose(f);
	f = NULL;
	for (i = 0; i < ks->nr; i++)
		ks->syms[i].name = ks->strs + (uintptr_t)ks->syms[i].name;
	/* The image's part is in address order already; a stable order is enough. */
	if (!sorted)
		qsort(ks->syms, ks->nr, sizeof(*ks->syms), ksym_cmp);
	return ks;
err:
	if (f)
		fclose(f);
	if (ks) {
		free(ks->syms);
		free(ks->strs);
		free(ks);
	}
	return NULL;
}

const struct ksym *ksyms__map_addr(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->nr;

	/* the first symbol above @addr, then the one before it */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ks->syms[lo - 1] : NULL;
}

struct ksyms *ksyms__load_file(const char *path)
{
	return ksyms__load_part(path, false);
}

struct ksyms *ksyms__load(void)
{
	return ksyms__load_file("/proc/kallsyms");
}

struct ksyms *ksyms__load_modules(void)
{
	return ksyms__load_part("/proc/kallsyms", true);
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->strs);
	free(ks);
}

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* "name" itself, or "name.<suffix>" for a clone GCC made of it. */
static bool name_matches(const char *sym, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(sym, name, len))
		return false;
	if (!sym[len])
		return true;
	/* name.cold is a split-off tail, not an entry point */
	return !strncmp(sym + len, ".isra.", 6) ||
	       !strncmp(sym + len, ".constprop.", 11) ||
	       !strncmp(sym + len, ".part.", 6);
}

size_t ksyms__find_all(const struct ksyms *ks, const char *name,
		       const struct ksym **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < ks->nr; i++) {
		if (!is_text(ks->syms[i].type) ||
		    !name_matches(ks->syms[i].name, name))
			continue;
		if (n < max)
			out[n] = &ks->syms[i];
		n++;
	}
	return n;
}

const struct ksym *ksyms__get_symbol(const struct ksyms *ks, const char *name)
{
	size_t i;

	for (i = 0; i < ks->nr; i++) {
		if (!strcmp(ks->syms[i].name, name))
			return &ks->syms[i];
	}
	return NULL;
}

bool ksyms__addrs_hidden(const struct ksyms *ks)
{
	size_t i;

	for (i = 0; i < ks->nr; i++) {
		if (ks->syms[i].addr)
			return false;
	}
	return true;
}

int fentry_try_attach(const struct btf *btf, const char *func)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY);
	int prog_fd = -1, link_fd = -1, id, err;

	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id < 0)
		return id;
	opts.attach_btf_id = id;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL",
				insns, sizeof(insns) / sizeof(insns[0]), &opts);
	if (prog_fd < 0)
		return -errno;
	/* Loading is not enough: arm64 6.1 loads but cannot attach (-524). */
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_FENTRY, NULL);
	err = link_fd < 0 ? -errno : 0;
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
	return err;
}

char *ftrace_funcs__load(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	size_t len = 1, cap = 1 << 20, n;
	char *buf, *tmp;
	FILE *f = NULL;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && !f; i++)
		f = fopen(paths[i], "r");
	if (!f)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto out;
	buf[0] = '\n';		/* every name is then preceded by a newline */
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len > 1)
			continue;
		tmp = realloc(buf, cap * 2);
		if (!tmp) {
			free(buf);
			buf = NULL;
			goto out;
		}
		buf = tmp;
		cap *= 2;
	}
	buf[len] = '\0';
out:
	fclose(f);
	return buf;
}

bool ftrace_funcs__has(const char *funcs, const char *sym)
{
	size_t len = strlen(sym);
	const char *p = funcs;

	while ((p = strstr(p, sym))) {
		if (p > funcs && p[-1] == '\n' &&
		    (p[len] == '\n' || p[len] == ' ' || p[len] == '\0'))
			return true;
		p += len;
	}
	return false;
}

/*
 * The blacklist's ranges, read once: it is asked about every call site,
 * and a read of the file costs a second on 7.x under emulation.
 */
static struct {
	unsigned long long (*range)[2];
	size_t nr;
	bool loaded;
} blacklist;

static void blacklist_load(void)
{
	unsigned long long lo, hi, (*r)[2];
	char line[512];
	size_t cap = 0;
	FILE *f;

	blacklist.loaded = true;
	f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "0x%llx-0x%llx", &lo, &hi) != 2)
			continue;
		if (blacklist.nr == cap) {
			cap = cap ? 2 * cap : 1024;
			r = realloc(blacklist.range, cap * sizeof(*r));
			if (!r)
				break;
			blacklist.range = r;
		}
		blacklist.range[blacklist.nr][0] = lo;
		blacklist.range[blacklist.nr++][1] = hi;
	}
	fclose(f);
}

bool kprobe_blacklisted(uint64_t addr)
{
	size_t i;

	if (!blacklist.loaded)
		blacklist_load();
	for (i = 0; i < blacklist.nr; i++)
		if (addr >= blacklist.range[i][0] && addr < blacklist.range[i][1])
			return true;
	return false;
}
