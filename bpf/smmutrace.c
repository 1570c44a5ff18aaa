// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench trace: latency of arm-smmu-v3 driver functions, the commands
 * each arm_smmu_cmdq_issue_cmdlist() call sends (and whether it waited for
 * a CMD_SYNC), and hold times of the driver's mutexes with the CMD_SYNC
 * time spent under them. See docs/tracer.md.
 *
 * The trace from start to end (its options are cli/cmd_trace.c's): it
 * resolves a version-aware catalogue against the running kernel
 * (catalogue.c), picks fentry/fexit where the kernel can attach them and
 * kprobe/kretprobe where it cannot, attaches (attach.c), polls the ring
 * buffer while COMMAND runs, and reports (records.c, summary.c); it
 * reports, never aborts on, functions it cannot trace.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "smmubench/results.h"
#include "trace_helpers.h"
#include "tracer.h"
/* after tracer.h: the skeleton names smmutrace.h's types */
#include "smmutrace.skel.h"

/* A trace under way: the tracer, its BPF object, COMMAND. */
struct trace {
	struct tracer *t;
	struct smmutrace *skel;
	struct ring_buffer *rb;
	pid_t child;
	int go_fd;		/* COMMAND waits for a byte on it */
	int child_rc;		/* -1 while it runs */
};

static volatile sig_atomic_t exiting;
static bool verbose;

static void sig_handler(int sig)
{
	exiting = 1;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list args)
{
	if (!verbose)	/* failures are reported by the caller */
		return 0;
	return vfprintf(stderr, fmt, args);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int check_environment(void)
{
	if (geteuid()) {
		fprintf(stderr, "smmubench trace: needs root (BPF and kprobes)\n");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "smmubench trace: no kernel BTF (/sys/kernel/btf/vmlinux): the kernel needs CONFIG_DEBUG_INFO_BTF=y\n");
		return -ENOENT;
	}
	if (access("/proc/kallsyms", R_OK)) {
		fprintf(stderr, "smmubench trace: /proc/kallsyms not readable\n");
		return -ENOENT;
	}
	return 0;
}

/* Forks COMMAND stopped on a pipe; a byte on *@go_fd lets it go. */
static pid_t fork_command(char **command, int *go_fd)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1)
			_exit(127);
		close(pfd[0]);
		execvp(command[0], command);
		fprintf(stderr, "smmubench trace: cannot run %s: %s\n",
			command[0], strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	*go_fd = pfd[1];
	return pid;
}

/* The running kernel as the tracer needs it: symbols, BTF, the v3 driver. */
static int load_kernel(struct tracer *t)
{
	int err;

	t->kver = kernel_version();
	t->ks = ksyms__load();
	if (!t->ks || ksyms__addrs_hidden(t->ks)) {
		fprintf(stderr, "smmubench trace: cannot read kernel addresses from /proc/kallsyms (kptr_restrict?)\n");
		return -EPERM;
	}
	t->btf = btf__load_vmlinux_btf();
	err = libbpf_get_error(t->btf);
	if (err) {
		t->btf = NULL;
		fprintf(stderr, "smmubench trace: cannot load kernel BTF: %s\n",
			strerror(-err));
		return err;
	}
	v3_span(t);
	if (!t->v3_hi) {
		fprintf(stderr, "smmubench trace: no arm-smmu-v3 symbol in the kernel image: the driver is not built in (a module build is not supported yet)\n");
		return -ENOENT;
	}
	t->ftrace_funcs = ftrace_funcs__load();
	t->issuer = cmdq_issuer(t->btf);
	t->cmdq_has_cmdq = cmdq_nr_args(t->btf, t->issuer->name) == 5;
	return 0;
}

/* The probe family, then the functions to trace, resolved. */
static int resolve(struct tracer *t)
{
	int i, err;

	/* Probe, do not compare versions: fentry must really attach. */
	t->fentry_err = fentry_try_attach(t->btf, t->issuer->name);
	t->fentry_ok = !t->fentry_err;
	if (t->o->probe == PROBE_FENTRY && !t->fentry_ok) {
		fprintf(stderr, "smmubench trace: --probe fentry: fentry cannot attach on this kernel (%s)\n",
			errstr(t->fentry_err));
		return t->fentry_err;
	}
	printf("Probe family: %s (fentry %s%s%s)\n",
	       use_fentry(t) ? "fentry/fexit" : "kprobe/kretprobe",
	       t->fentry_ok ? "attaches" : "does not attach: ",
	       t->fentry_ok ? "" : errstr(t->fentry_err),
	       t->o->probe == PROBE_KPROBE ? ", --probe kprobe" : "");
	err = select_funcs(t);
	if (err)
		return err;
	for (i = 0; i < t->nr_funcs; i++)
		resolve_func(t, &t->funcs[i]);
	if (t->funcs[0].state != RES_ATTACHED) {
		fprintf(stderr, "smmubench trace: %s: %s: is arm-smmu-v3 built in?\n",
			t->funcs[0].def->name, t->funcs[0].note);
		return -ENOENT;
	}
	return 0;
}

/* Opens and prepares the BPF object; with -l, prints and stops (1). */
static int open_bpf(struct trace *tr)
{
	struct tracer *t = tr->t;
	int err;

	tr->skel = smmutrace__open();
	if (!tr->skel) {
		err = -errno;
		fprintf(stderr, "smmubench trace: cannot open the BPF object: %s\n",
			strerror(-err));
		return err;
	}
	err = prepare(t, tr->skel);
	if (err) {
		fprintf(stderr, "smmubench trace: cannot set up BPF programs: %s\n",
			strerror(-err));
		return err;
	}
	if (!t->o->list_only)
		return 0;
	print_resolution(t, stdout);
	if (t->o->locks) {
		print_lock_methods(t);
		print_lock_probes(t);
	}
	return 1;
}

static int load_and_attach(struct trace *tr)
{
	struct tracer *t = tr->t;
	int i, err, nr_attached = 0;

	err = smmutrace__load(tr->skel);
	if (err) {
		fprintf(stderr, "smmubench trace: cannot load BPF programs (%s): is BPF supported? rerun with -v\n",
			strerror(-err));
		return err;
	}
	for (i = 0; i < t->nr_funcs; i++) {
		if (t->funcs[i].state != RES_ATTACHED)
			continue;
		if (!attach_func(tr->skel, &t->funcs[i]))
			nr_attached++;
	}
	if (t->locks_attached && attach_locks(t, tr->skel))
		t->locks_attached = false;
	if (t->lock_traced[SMMUTRACE_LOCK_CMDQ])
		attach_cmdq_lock(t, tr->skel);	/* says why in the method if it fails */
	print_resolution(t, stdout);
	if (!nr_attached) {
		fprintf(stderr, "smmubench trace: nothing attached\n");
		return -ENOENT;
	}
	return 0;
}

/* The ring buffer, the signals, COMMAND (held), /proc/lock_stat cleared. */
static int set_up_run(struct trace *tr)
{
	struct tracer *t = tr->t;
	int err;

	tr->rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.events),
				  handle_event, t, NULL);
	if (!tr->rb) {
		err = -errno;
		fprintf(stderr, "smmubench trace: cannot create ring buffer: %s\n",
			strerror(-err));
		return err;
	}
	if (signal(SIGINT, sig_handler) == SIG_ERR ||
	    signal(SIGTERM, sig_handler) == SIG_ERR)
		return -errno;
	if (t->o->command) {
		tr->child = fork_command(t->o->command, &tr->go_fd);
		if (tr->child < 0) {
			err = tr->child;
			tr->child = 0;
			fprintf(stderr, "smmubench trace: fork: %s\n", strerror(-err));
			return err;
		}
	}
	if (t->o->lock_stat) {
		err = lock_stat_clear();
		if (err) {
			fprintf(stderr, "smmubench trace: --lock-stat: cannot clear %s: %s (needs CONFIG_LOCK_STAT)\n",
				LOCK_STAT_PATH, strerror(-err));
			return err;
		}
		t->lock_stat = true;
	}
	return 0;
}

/* Traces until COMMAND ends, the duration is up or a signal comes. */
static int poll_events(struct trace *tr)
{
	struct tracer *t = tr->t;
	uint64_t deadline = 0;
	int status, err = 0;

	fflush(stdout);
	t->t_start = now_ns();
	if (t->o->duration)
		deadline = t->t_start + t->o->duration * 1000000000ULL;
	if (tr->child) {
		if (write(tr->go_fd, "g", 1) != 1)
			fprintf(stderr, "smmubench trace: cannot start COMMAND\n");
		close(tr->go_fd);
		tr->go_fd = -1;
	} else {
		fprintf(stderr, "Tracing%s... Hit Ctrl-C to end.\n",
			t->o->duration ? " for the duration" : "");
	}
	while (!exiting) {
		/*
		 * Records wake the reader only when the buffer fills up
		 * (smmutrace.bpf.c, rb_wakeup_flags()): drain it every 100 ms.
		 */
		err = ring_buffer__poll(tr->rb, 100);
		if (err >= 0)
			err = ring_buffer__consume(tr->rb);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0) {
			fprintf(stderr, "smmubench trace: polling the ring buffer: %s\n",
				strerror(-err));
			break;
		}
		err = 0;
		if (tr->child && waitpid(tr->child, &status, WNOHANG) == tr->child) {
			tr->child_rc = WIFEXITED(status) ? WEXITSTATUS(status) :
				       128 + WTERMSIG(status);
			tr->child = 0;
			break;
		}
		if (deadline && now_ns() >= deadline)
			break;
	}
	t->t_end = now_ns();
	return err;
}

/* After the probes are gone: what only the end can tell. */
static void collect(struct trace *tr)
{
	const struct smmutrace *skel = tr->skel;
	struct tracer *t = tr->t;
	char *m = t->lock_method[0];
	size_t len = sizeof(t->lock_method[0]);

	detach_all(t);
	if (t->lock_stat && lock_stat_read(t)) {
		fprintf(stderr, "smmubench trace: cannot read %s\n", LOCK_STAT_PATH);
		t->lock_stat = false;
	}
	if (skel->rodata->cfg.learn_asid_slot >= 0) {
		if (skel->bss->learned_asid_lock)
			snprintf(m, len, "%s, address 0x%llx learned: first mutex of arm_smmu_domain_finalise_s1",
				 t->lk[LK_MUTEX].via,
				 (unsigned long long)skel->bss->learned_asid_lock);
		else
			snprintf(m, len, "not traced: address not learned (%s)",
				 skel->bss->learn_rejected ?
				 "first mutex of finalise_s1 not in the kernel's data" :
				 "no domain finalised while tracing");
	}
	/* Drain what the programs wrote before they were detached. */
	ring_buffer__consume(tr->rb);
}

/* The summary, read from the results this trace writes; the join. */
static int report(struct trace *tr)
{
	struct tracer *t = tr->t;
	struct sb_results *r = NULL;
	int err;

	if (t->o->events)
		print_events(t);
	err = trace_results(t, tr->skel, &r);
	if (err) {
		fprintf(stderr, "smmubench trace: the results: %s\n",
			strerror(-err));
		return err;
	}
	print_summary(t, tr->skel, r);
	if (t->o->output) {
		err = sb_results__write(r, t->o->output);
		if (err)
			fprintf(stderr, "smmubench trace: writing %s: %s\n",
				t->o->output, strerror(-err));
	}
	sb_results__free(r);
	if (t->o->join && tr->child_rc > 0)
		fprintf(stderr, "smmubench trace: COMMAND failed: nothing joined to %s\n",
			t->o->join);
	else if (t->o->join && join_results(t, tr->skel))
		err = err ?: -EIO;
	if (tr->child_rc > 0)
		fprintf(stderr, "smmubench trace: COMMAND exited %d\n",
			tr->child_rc);
	return err;
}

static void trace_free(struct trace *tr)
{
	struct tracer *t = tr->t;
	int i;

	if (tr->go_fd >= 0)
		close(tr->go_fd);
	if (tr->child > 0) {
		kill(tr->child, SIGTERM);
		waitpid(tr->child, NULL, 0);
	}
	ring_buffer__free(tr->rb);
	if (t)
		detach_all(t);
	smmutrace__destroy(tr->skel);
	if (!t)
		return;
	for (i = 0; i < t->nr_funcs; i++)
		free(t->funcs[i].raw.ev);
	free(t->cmdq_raw.ev);
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
		free(t->lock_raw[i].ev);
	btf__free(t->btf);
	ksyms__free(t->ks);
	ksyms__free(t->module_ks);
	free(t->ftrace_funcs);
	free(t);
}

int smmutrace_run(const struct trace_opts *o)
{
	struct trace tr = { .go_fd = -1, .child_rc = -1 };
	int err;

	err = check_environment();
	if (err)
		return 1;
	verbose = o->verbose;
	libbpf_set_print(libbpf_print_fn);
	tr.t = calloc(1, sizeof(*tr.t));
	if (!tr.t)
		return 1;
	tr.t->o = o;
	err = load_kernel(tr.t);
	err = err ?: resolve(tr.t);
	err = err ?: open_bpf(&tr);
	if (err == 1) {		/* -l: listed */
		err = 0;
		goto out;
	}
	err = err ?: load_and_attach(&tr);
	err = err ?: set_up_run(&tr);
	if (!err) {
		/* a failed poll still reports what was traced until then */
		err = poll_events(&tr);
		collect(&tr);
		if (report(&tr))
			err = -EIO;
	}
out:
	trace_free(&tr);
	if (err)
		return 1;
	return tr.child_rc > 0 ? tr.child_rc : 0;
}
