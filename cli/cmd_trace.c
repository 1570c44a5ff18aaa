// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench trace: the front end of the tracer (bpf/): its options, their
 * checks and messages; bpf/smmutrace.c does the trace. Also the front end
 * of smmubench run --trace, which runs the run as the trace's COMMAND.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/tracer.h"
#include "cmd_util.h"
#include "smmubench/cmds.h"

static struct trace_opts env = {
	.probe = PROBE_AUTO,
	.raw = -1,
	.locks = true,
};

static const char argp_doc[] =
"Trace the arm-smmu-v3 driver: function latency, commands per\n"
"arm_smmu_cmdq_issue_cmdlist() call and CMD_SYNCs, and driver mutex holds.\n"
"\n"
"USAGE: smmubench trace [-d SECONDS] [-f NAME,...] [-L LOCK,...] [-p PID]\n"
"                       [-m TIME] [-o FILE] [--probe auto|kprobe|fentry] [-v]\n"
"                       [-- COMMAND...]\n"
"\v"
"EXAMPLES:\n"
"    smmubench trace -d 10               # trace for 10 s\n"
"    smmubench trace -- dd if=/mnt/x of=/dev/null\n"
"                                        # trace while a command runs\n"
"    smmubench trace -f arm_smmu_attach_dev,arm_smmu_sync_cd -d 5\n"
"                                        # only these (plus the cmdq)\n"
"    smmubench trace --probe kprobe -d 5 # force kprobe/kretprobe\n"
"    smmubench trace -o trace.sbr -- smmubench run -w map\n"
"                                        # also write a results file\n"
"    smmubench trace -L init_mutex,arm_smmu_asid_lock -- CMD\n"
"                                        # only these two locks\n"
"    smmubench trace -m 100us -d 5       # only calls lasting >= 100 us\n"
"    smmubench trace --all-tasks -- CMD  # klockstat-style baseline (bench)\n"
"    smmubench trace -l                  # list the catalogue as resolved\n"
"\n"
"Functions a kernel lacks or inlined are reported and skipped; names the\n"
"SMMUv2 driver also defines are attached to the v3 copy by address.\n"
"Needs root, BPF and /sys/kernel/btf/vmlinux.\n";

enum {
	OPT_PROBE = 0x100,
	OPT_RAW,
	OPT_NO_RAW,
	OPT_NO_LOCKS,
	OPT_LOCK_STAT,
	OPT_JOIN,
	OPT_ALL_TASKS,
	OPT_LOCK_AT,
	OPT_LOCK_PROBES,
	OPT_EMPTY,
};

static const struct argp_option opts[] = {
	{ NULL, 0, NULL, 0, "What to trace:", 1 },
	{ "func", 'f', "NAME,...", 0,
	  "Catalogue functions to trace (default: all but the DMA map path); a name not in the catalogue may be a function of a loaded module (kprobe by address)", 1 },
	{ "pid", 'p', "PID", 0, "Only calls made by this process", 1 },
	{ "lock", 'L', "LOCK,...", 0,
	  "Trace only these locks (names as in -l; default: all)", 1 },
	{ "min-duration", 'm', "TIME", 0,
	  "Keep only calls lasting at least TIME (e.g. 50us, 1.5ms; a bare number is ms, as in perf trace --duration); lock holds are not filtered", 1 },
	{ "no-locks", OPT_NO_LOCKS, NULL, 0, "Do not follow the locks", 1 },
	{ "all-tasks", OPT_ALL_TASKS, NULL, 0,
	  "klockstat-style baseline for overhead comparisons: hook every mutex_lock/unlock of every task, with no per-task gate, and report holds per mutex address (the driver lock tables stay empty)", 1 },
	{ "lock-probes", OPT_LOCK_PROBES, "sites|functions", 0,
	  "Follow the locks by kprobes on the calls of the lock functions in the traced functions and their driver and iommu core callees (sites, the default), or by hooks on the lock functions themselves, paid by every caller in the system (functions; always with --all-tasks)", 1 },
	{ "lock-stat", OPT_LOCK_STAT, NULL, 0,
	  "Clear /proc/lock_stat when tracing begins, read it at the end and cross-check the lock holds", 1 },
	{ "lock-at", OPT_LOCK_AT, "FUNC:ARG+OFF=LOCK", 0,
	  "Also follow as LOCK (a name as in -l) the lock at argument ARG (0-based) of FUNC plus OFF bytes, learned at FUNC's entry; FUNC must be traced (-f). Repeatable. E.g. smmubench.ko's model: /sys/module/smmubench/parameters/model_locks", 1 },
	{ "list", 'l', NULL, 0, "Resolve and print the catalogue, then exit", 1 },
	{ NULL, 0, NULL, 0, "How:", 2 },
	{ "duration", 'd', "SECONDS", 0,
	  "Trace this long (default: until COMMAND ends or Ctrl-C)", 2 },
	{ "probe", OPT_PROBE, "auto|kprobe|fentry", 0,
	  "Probe family (default auto: fentry if it attaches)", 2 },
	{ "raw", OPT_RAW, NULL, 0, "Keep every call (ring buffer)", 2 },
	{ "no-raw", OPT_NO_RAW, NULL, 0,
	  "In-kernel histograms only (default for -d over 10 s)", 2 },
	{ "empty", OPT_EMPTY, NULL, 0,
	  "Attach the same probes with empty programs: the cost floor of the probes, for overhead measurements (make bench); nothing is recorded", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "output", 'o', "FILE", 0, "Write a results file too", 3 },
	{ "join", OPT_JOIN, "RUN.results", 0,
	  "After tracing, add per-op breakdown series (CD write, CMD_SYNC, TLBI time and syncs per op) to this smmubench run results file (implies --raw)", 3 },
	{ "events", 'e', NULL, 0,
	  "List every cmdlist call: commands, sync, caller (implies --raw)", 3 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 3 },
	{ NULL, 0, NULL, 0, "Help:", -1 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{},
};

static long parse_long(const char *arg, long min, long max,
		       struct argp_state *state, const char *what)
{
	uint64_t v;

	if (sb_parse_u64(arg, 0, &v) || v < (uint64_t)min || v > (uint64_t)max)
		argp_error(state, "invalid %s: '%s' (%ld..%ld)", what, arg,
			   min, max);
	return v;
}

/*
 * --lock-at FUNC:ARG+OFF=LOCK: a learning rule of the user's (the kind the
 * tracer derives from BTF for the driver's own functions), for code the
 * catalogue does not know that takes the same kinds of locks.
 */
static void parse_lock_at(const char *arg, struct argp_state *state)
{
	struct lock_at_rule *a = &env.lock_at[env.nr_lock_at];
	char lock[64];
	int n = 0, i;

	if (env.nr_lock_at == MAX_LOCK_AT)
		argp_error(state, "--lock-at: at most %d rules", MAX_LOCK_AT);
	if (sscanf(arg, "%127[^:]:%u+%li=%63s%n", a->func, &a->arg, &a->off,
		   lock, &n) != 4 || arg[n] || a->arg > 4 || a->off < 0)
		argp_error(state, "--lock-at: '%s' is not FUNC:ARG+OFF=LOCK (ARG 0..4, OFF >= 0, e.g. sbm_bind_op:0+64=sva_lock)",
			   arg);
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
		if (i != SMMUTRACE_LOCK_CMDQ && !strcmp(lock, lock_names[i]))
			break;
	if (i == SMMUTRACE_MAX_LOCKS)	/* argp_error() exits */
		argp_error(state, "--lock-at: '%s' is not a mutex or spinlock the tracer names (see -l)",
			   lock);
	a->idx = i;
	a->spec = arg;
	env.nr_lock_at++;
}

/* --lock NAME,...: a bit per lock index. */
static unsigned int parse_locks(const char *arg, struct argp_state *state)
{
	char *list = strdup(arg), *tok, *save = NULL;
	unsigned int mask = 0;
	char names[256] = "";
	size_t len = 0;
	int i;

	if (!list)
		argp_failure(state, 1, ENOMEM, "--lock");
	for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
		if (lock_names[i])
			len += snprintf(names + len, sizeof(names) - len, "%s%s",
					len ? ", " : "", lock_names[i]);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < SMMUTRACE_MAX_LOCKS; i++)
			if (lock_names[i] && !strcmp(tok, lock_names[i]))
				break;
		if (i == SMMUTRACE_MAX_LOCKS)	/* argp_error() exits */
			argp_error(state, "--lock: '%s' is not a lock traced here (%s)",
				   tok, names);
		mask |= 1U << i;
	}
	free(list);
	if (!mask)
		argp_error(state, "--lock: no lock given (%s)", names);
	return mask;
}

/* Options that exclude each other, once all are known. */
static void check_opts(struct argp_state *state)
{
	if (env.command && env.pid)
		argp_error(state, "--pid and COMMAND exclude each other");
	if (!env.locks && (env.lock_mask || env.all_tasks || env.lock_stat))
		argp_error(state, "--no-locks excludes --lock, --all-tasks and --lock-stat");
	if (env.lock_probes && !env.locks)
		argp_error(state, "--no-locks excludes --lock-probes");
	if (env.all_tasks && env.lock_probes && !strcmp(env.lock_probes, "sites"))
		argp_error(state, "--all-tasks hooks the lock functions: it excludes --lock-probes=sites");
	if (env.nr_lock_at && (!env.locks || env.all_tasks))
		argp_error(state, "--lock-at does not go with --no-locks or --all-tasks");
	if (env.all_tasks && (env.lock_mask || env.lock_stat))
		argp_error(state, "--all-tasks excludes --lock and --lock-stat: it traces every mutex, not the driver's");
	if (env.join && env.output && !strcmp(env.join, env.output))
		argp_error(state, "-o and --join name the same file (%s)", env.output);
	if (env.from_run && (env.pid || env.duration || env.list_only))
		argp_error(state, "--pid, --duration and --list do not go with smmubench run --trace: it traces the run, all of it");
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int err;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'd':
		env.duration = parse_long(arg, 1, 24 * 3600, state, "duration");
		break;
	case 'p':
		env.pid = parse_long(arg, 1, INT_MAX, state, "pid");
		if (kill(env.pid, 0) && errno == ESRCH)
			argp_error(state, "--pid: no process %d", env.pid);
		break;
	case 'L':
		env.lock_mask = parse_locks(arg, state);
		break;
	case 'm':
		err = sb_parse_time_ns(arg, &env.min_dur_ns);
		if (err == -ERANGE)
			argp_error(state, "--min-duration: '%s' is above an hour", arg);
		else if (err)
			argp_error(state, "--min-duration: '%s' is not a time (e.g. 800ns, 50us, 1.5ms, 2s; a bare number is ms)",
				   arg);
		break;
	case OPT_ALL_TASKS:
		env.all_tasks = true;
		break;
	case OPT_LOCK_AT:
		parse_lock_at(arg, state);
		break;
	case OPT_LOCK_PROBES:
		if (strcmp(arg, "sites") && strcmp(arg, "functions"))
			argp_error(state, "--lock-probes: 'sites' or 'functions', not '%s'",
				   arg);
		env.lock_probes = arg;
		break;
	case 'f':
		env.funcs = arg;
		break;
	case 'o':
		env.output = arg;
		break;
	case 'l':
		env.list_only = true;
		break;
	case 'v':
		env.verbose = true;
		break;
	case 'e':
		env.events = true;
		break;
	case OPT_PROBE:
		if (!strcmp(arg, "auto"))
			env.probe = PROBE_AUTO;
		else if (!strcmp(arg, "kprobe"))
			env.probe = PROBE_KPROBE;
		else if (!strcmp(arg, "fentry"))
			env.probe = PROBE_FENTRY;
		else
			argp_error(state, "--probe: 'auto', 'kprobe' or 'fentry', not '%s'",
				   arg);
		break;
	case OPT_RAW:
		env.raw = 1;
		break;
	case OPT_NO_RAW:
		env.raw = 0;
		break;
	case OPT_EMPTY:
		env.empty = true;
		break;
	case OPT_NO_LOCKS:
		env.locks = false;
		break;
	case OPT_LOCK_STAT:
		env.lock_stat = true;
		break;
	case OPT_JOIN:
		if (env.join)
			argp_error(state, "--join given twice%s",
				   env.from_run ? " (smmubench run --trace joins its own results)" : "");
		env.join = arg;
		break;
	case ARGP_KEY_ARGS:
		env.command = state->argv + state->next;
		break;
	case ARGP_KEY_ARG:
		return ARGP_ERR_UNKNOWN;	/* the rest is COMMAND: ARGP_KEY_ARGS */
	case ARGP_KEY_END:
		check_opts(state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = argp_doc,
	};

	argv[0] = (char *)"smmubench trace";	/* for argp's messages */
	argp_err_exit_status = SB_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, ARGP_NO_HELP, NULL, NULL))
		return SB_EXIT_USAGE;
	if (env.events || env.join)
		env.raw = 1;
	if (env.raw < 0)
		env.raw = !env.duration || env.duration <= 10;
	return smmutrace_run(&env);
}

/*
 * smmubench run --trace[=OPTIONS]: the run, as COMMAND of a trace that
 * joins its records to the run's results file. @argv is run's own, minus
 * its --trace element at @trace_argi; OPTIONS are trace options split at
 * blanks. The run is this same program (/proc/self/exe), so that tracer
 * and run are one version.
 */
int cmd_trace_run(int argc, char **argv, int trace_argi, const char *results,
		  const char *opts)
{
	char *copy = strdup(opts ? opts : ""), *tok, *save = NULL;
	char **av = calloc(argc + strlen(opts ? opts : "") + 16, sizeof(*av));
	int n = 0, i, ret;

	if (!copy || !av) {
		fprintf(stderr, "smmubench run: --trace: out of memory\n");
		free(copy);
		free(av);
		return SB_EXIT_RUNTIME;
	}
	av[n++] = (char *)"trace";
	av[n++] = (char *)"--join";
	av[n++] = (char *)results;
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(tok, "--")) {
			fprintf(stderr, "smmubench run: --trace: no '--' or COMMAND in the trace options: the run is the command\n");
			free(copy);
			free(av);
			return SB_EXIT_USAGE;
		}
		av[n++] = tok;
	}
	av[n++] = (char *)"--";
	av[n++] = (char *)"/proc/self/exe";
	av[n++] = (char *)"run";
	for (i = 1; i < argc; i++)
		if (i != trace_argi)
			av[n++] = argv[i];
	av[n++] = (char *)"-o";		/* the file both sides agree on */
	av[n++] = (char *)results;
	av[n] = NULL;
	env.from_run = true;
	ret = cmd_trace(n, av);
	free(copy);
	free(av);
	return ret;
}
