// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench run: hands devices to smmubench.ko, runs one workload through
 * the SMMU driver, writes one results file and prints its summary.
 * The module measures; this side validates, formats and explains.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd_util.h"
#include "perf_counters.h"
#include "run_machine.h"
#include "run_samples.h"
#include "run_sysfs.h"
#include "smmubench/cmds.h"
#include "smmubench/report.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"
#include "smmubench/sweep.h"
#include "uapi/smmubench.h"

#define DEFAULT_ITERATIONS 1000
#define ERRLEN 512

#define SWEEP_MAX 16

struct run_env {
	const char *workload_name;
	uint32_t workload;
	char *device_arg;
	struct sb_claim claims[SMMUBENCH_MAX_DEVICES];
	uint32_t nr_devices;
	uint32_t threads, masters, pasid;
	/* --threads LIST: a sweep, one run (and results file) per point */
	uint32_t sweep[SWEEP_MAX];
	uint32_t nr_sweep;
	uint32_t processes;	/* bind: processes, each with threads */
	uint64_t iterations;
	double duration_s;
	bool has_iterations, has_duration, has_size, has_granule;
	bool has_masters, has_pasid;
	uint64_t size, granule;
	uint64_t cpu_mask[SMMUBENCH_MAX_CPUS / 64];
	const char *cpus_arg;
	const char *label;
	const char *output;
	int progress;		/* 1 on, 0 off, -1 when stderr is a tty */
	bool no_perf;		/* --no-perf: no perf counters */
	bool unbind_driver;	/* --unbind-driver: may take devices from their driver */
	bool release;		/* --release: give back what killed runs left */
	const char *trace;	/* --trace[=OPTIONS]: trace options, or NULL */
	int trace_argi;		/* argv index of --trace, dropped for the run */
};

static const struct {
	const char *name;
	uint32_t id;
} workloads[] = {
	{ "attach", SMMUBENCH_WL_ATTACH },
	{ "map", SMMUBENCH_WL_MAP },
	{ "bind", SMMUBENCH_WL_BIND },
	{ "pasid-attach", SMMUBENCH_WL_PASID_ATTACH },
	{ "sva-munmap", SMMUBENCH_WL_SVA_MUNMAP },
};

/* Workloads that run in user threads through SMMUBENCH_IOC_BIND. */
static bool binds(uint32_t workload)
{
	return workload == SMMUBENCH_WL_BIND ||
	       workload == SMMUBENCH_WL_SVA_MUNMAP;
}

static const char *const stop_names[] = {
	[SMMUBENCH_STOP_ITERATIONS] = "iterations",
	[SMMUBENCH_STOP_DURATION] = "duration",
	[SMMUBENCH_STOP_REQUESTED] = "interrupted",
	[SMMUBENCH_STOP_ERROR] = "error",
	[SMMUBENCH_STOP_REMOVED] = "device removed",
};

static volatile sig_atomic_t interrupted;

/* ---- options --------------------------------------------------------- */

static const char run_doc[] =
"Run a workload through the Arm SMMUv3 driver with smmubench.ko (root).\n"
"\n"
"Needs -w attach|map|bind|pasid-attach|sva-munmap and -d DEV[,DEV...];\n"
"--iterations and --duration exclude each other.\n"
"\v"
"The devices are bound to smmubench with driver_override for the run and\n"
"given back to their previous driver afterwards. A device that another\n"
"driver holds is taken only with --unbind-driver. Never taken, with or\n"
"without it: bridges, root ports and host bridges, and a device that backs\n"
"a mounted file system, active swap (also through a partition, dm or md),\n"
"a network interface that is up, or the console. A device that another run\n"
"holds is refused untouched, except that bind runs share their device.\n"
"A run that is killed leaves its devices to the next run or to --release,\n"
"which give them back to the driver they were taken from. Thread t uses\n"
"devices [t*M, t*M+M), so threads x masters devices are needed.\n"
"\n"
"EXAMPLES:\n"
"    smmubench run -w attach -d 0000:00:0a.0 -n 1000\n"
"                                  # 1000 attach/detach of a fresh domain\n"
"    smmubench run -w attach -d 0000:00:0a.0,0000:00:0b.0 -m 2 -n 500\n"
"                                  # two masters share each domain\n"
"    smmubench run -w attach -d 0000:00:0a.0,0000:00:0b.0 -t 2 -D 10\n"
"                                  # two threads, one device each, 10 s\n"
"    smmubench run -w map -d 0000:00:0a.0 -s 2M -g 4K -n 100\n"
"                                  # map/unmap 2 MiB of 4 KiB pages\n"
"    smmubench run -w map -d 0000:00:0a.0,0000:00:0b.0 -m 2 -n 100\n"
"                                  # the same with two masters on the\n"
"                                  # domain: each unmap invalidates for both\n"
"    smmubench run -w map -d 0000:00:0a.0 -c 1 -l baseline -o base.results\n"
"                                  # on CPU 1, labelled, named output\n"
"    smmubench run -w bind -d 0000:00:0a.0,0000:00:0b.0 -m 2 -P 2 -n 100\n"
"                                  # two masters share one domain for the\n"
"                                  # run; 2 processes bind the first one\n"
"    smmubench run -w sva-munmap -d 0000:00:0a.0 -s 64K -n 100\n"
"                                  # bind this mm once, then 100 timed\n"
"                                  # munmaps of 64 KiB populated: the SVA\n"
"                                  # mmu notifier's invalidation\n"
"    smmubench run -w map -d 0000:01:00.0 --unbind-driver -n 1000\n"
"                                  # a spare NIC: taken from its driver for\n"
"                                  # the run (refused if it is up)\n"
"    smmubench run -w map -d 0000:00:0a.0,0000:00:0b.0 -t 1,2 -o s.results\n"
"                                  # a sweep: s.t1.results, s.t2.results\n"
"    smmubench run --release       # give back devices a killed run left\n"
"\n"
"The results file defaults to smmubench-WORKLOAD-YYYYmmdd-HHMMSS.results in\n"
"the current folder. Exit status: 0 ok, 1 runtime error, 2 usage error.";

enum {
	OPT_PASID = 0x100,
	OPT_PROGRESS,
	OPT_NO_PERF,
	OPT_TRACE,
	OPT_UNBIND_DRIVER,
	OPT_RELEASE,
};

static const struct argp_option run_opts[] = {
	{ NULL, 0, NULL, 0, "Workload:", 1 },
	{ "workload", 'w', "NAME", 0, "attach, map, bind, pasid-attach or sva-munmap", 1 },
	{ "device", 'd', "DEV[,DEV...]", 0,
	  "PCI BDF (0000:00:0a.0) or platform device names", 1 },
	{ "threads", 't', "N[,N...]", 0,
	  "Threads (default 1); a list sweeps: one run and results file (OUT.tN.results) per point", 1 },
	{ "processes", 'P', "P", 0,
	  "bind, sva-munmap: P processes of --threads threads, each its own mm (default 1)", 1 },
	{ "iterations", 'n', "N", 0,
	  "Iterations per thread (default 1000)", 1 },
	{ "duration", 'D', "S", 0, "Run for S seconds instead", 1 },
	{ "masters", 'm', "M", 0,
	  "attach, map: devices sharing each domain; bind, sva-munmap: the first M devices share one domain for the run and every binder binds the first (default 1)", 1 },
	{ "size", 's', "B", 0, "map: bytes per map; sva-munmap: bytes per munmap (K, M, G suffixes; default 4K)", 1 },
	{ "granule", 'g', "B", 0, "map: page size (default 4K)", 1 },
	{ "pasid", OPT_PASID, "K", 0, "pasid-attach: first PASID (default 1)", 1 },
	{ "cpus", 'c', "LIST", 0, "CPUs for the threads, e.g. 0-3,6 (default: all)", 1 },
	{ NULL, 0, NULL, 0, "Devices:", 2 },
	{ "unbind-driver", OPT_UNBIND_DRIVER, NULL, 0,
	  "Take a device from the driver that holds it for the run and give it back afterwards (never one that backs a mounted file system, swap, an up interface or the console)", 2 },
	{ "release", OPT_RELEASE, NULL, 0,
	  "Run nothing: give back the devices (all, or those of -d) that a killed run left bound to smmubench", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "label", 'l', "L", 0, "Label stored in the results", 3 },
	{ "output", 'o', "FILE", 0, "Results file", 3 },
	{ "progress", OPT_PROGRESS, NULL, 0, "Show progress on stderr", 3 },
	{ "no-perf", OPT_NO_PERF, NULL, 0,
	  "Do not count perf events (cycles, context switches, iommu and lock tracepoints, PMCG) around the run; counting tracepoints costs time in every op (docs/perf.md)", 3 },
	{ "trace", OPT_TRACE, "OPTIONS", OPTION_ARG_OPTIONAL,
	  "Run under smmubench trace and add per-op breakdown series (trace.OP.cd_write, .cmd_sync, .tlbi, .syncs) to the results; OPTIONS are trace options, e.g. --trace='-f arm_smmu_iotlb_sync --no-locks' (see smmubench trace --help)", 3 },
	{ "quiet", 'q', NULL, 0, "No progress, no summary table", 3 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 4 },
	{},
};

static void parse_num(struct argp_state *state, const char *opt,
		      const char *arg, uint64_t min, uint64_t max, bool suffix,
		      uint64_t *out)
{
	int err = sb_parse_u64(arg, suffix ? SB_NUM_SUFFIX : 0, out);

	if (err == -ERANGE || (!err && (*out < min || *out > max)))
		argp_error(state, "%s: %s is out of range [%" PRIu64 ", %" PRIu64 "]",
			   opt, arg, min, max);
	else if (err)
		argp_error(state, "%s: '%s' is not a number", opt, arg);
}

/*
 * --threads N, or a list N,N,... for a sweep: the run is made once per
 * point, in the order given. env->threads is the largest, for the checks
 * of what the run needs (devices, binders).
 */
static void parse_threads(struct argp_state *state, struct run_env *env,
			  const char *arg)
{
	char buf[256], *tok, *save = NULL;
	uint64_t v;
	uint32_t i;

	if (strlen(arg) >= sizeof(buf))
		argp_error(state, "--threads: list too long");
	snprintf(buf, sizeof(buf), "%s", arg);
	env->nr_sweep = 0;
	env->threads = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (env->nr_sweep == SWEEP_MAX)
			argp_error(state, "--threads: more than %d points", SWEEP_MAX);
		parse_num(state, "--threads", tok, 1, SMMUBENCH_MAX_THREADS,
			  false, &v);
		for (i = 0; i < env->nr_sweep; i++)
			if (env->sweep[i] == v)
				argp_error(state, "--threads: %s given twice", tok);
		env->sweep[env->nr_sweep++] = v;
		if (v > env->threads)
			env->threads = v;
	}
	/* strtok_r skips empty fields: "1,,2" and "," must not pass. */
	if (!env->nr_sweep || strstr(arg, ",,") || arg[0] == ',' ||
	    arg[strlen(arg) - 1] == ',')
		argp_error(state, "--threads: '%s' is not N or a list N,N,...", arg);
}

static void parse_cpus(struct argp_state *state, struct run_env *env,
		       const char *arg)
{
	int err = sb_perf__cpu_list(arg, env->cpu_mask, SMMUBENCH_MAX_CPUS);

	if (err == -ENOMEM)
		argp_failure(state, 1, ENOMEM, "--cpus");
	if (err)
		argp_error(state, "--cpus: '%s' is not a CPU list like 0-3,6 (CPUs below %d)",
			   arg, SMMUBENCH_MAX_CPUS);
}

static void parse_devices(struct argp_state *state, struct run_env *env)
{
	char *tok, *save = NULL;
	uint32_t i;

	for (tok = strtok_r(env->device_arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (env->nr_devices == SMMUBENCH_MAX_DEVICES)
			argp_error(state, "--device: at most %d devices",
				   SMMUBENCH_MAX_DEVICES);
		if (strlen(tok) >= SMMUBENCH_NAME_LEN || strchr(tok, '/') ||
		    tok[0] == '.')
			argp_error(state, "--device: '%s' is not a device name", tok);
		for (i = 0; i < env->nr_devices; i++)
			if (!strcmp(env->claims[i].name, tok))
				argp_error(state, "--device: %s given twice", tok);
		snprintf(env->claims[env->nr_devices++].name,
			 sizeof(env->claims[0].name), "%s", tok);
	}
	if (!env->nr_devices)
		argp_error(state, "--device: no device given");
}

/* Cross-option rules, once every option is known. */
static void check_env(struct argp_state *state, struct run_env *env)
{
	bool map = env->workload == SMMUBENCH_WL_MAP;

	if (!env->workload_name)
		argp_error(state, "--workload is required");
	if (!env->device_arg)
		argp_error(state, "--device is required");
	parse_devices(state, env);
	if (env->has_iterations && env->has_duration)
		argp_error(state, "give --iterations or --duration, not both");
	if (!env->has_iterations && !env->has_duration)
		env->iterations = DEFAULT_ITERATIONS;
	if (env->nr_sweep > 1 && env->trace)
		argp_error(state, "--trace traces one run: give --threads one value");
	if (env->has_masters && env->workload == SMMUBENCH_WL_PASID_ATTACH)
		argp_error(state, "--masters applies to the attach, map, bind and sva-munmap workloads only");
	if (env->has_size && !map && env->workload != SMMUBENCH_WL_SVA_MUNMAP)
		argp_error(state, "--size applies to the map and sva-munmap workloads only");
	if (env->has_granule && !map)
		argp_error(state, "--granule applies to the map workload only");
	if (env->has_pasid && env->workload != SMMUBENCH_WL_PASID_ATTACH)
		argp_error(state, "--pasid applies to the pasid-attach workload only");
	if (binds(env->workload) && (env->cpus_arg || env->has_duration))
		argp_error(state, "%s runs in user threads: no --cpus or --duration",
			   env->workload_name);
	if (env->processes > 1 && !binds(env->workload))
		argp_error(state, "--processes applies to the bind and sva-munmap workloads only");
	if (env->workload == SMMUBENCH_WL_SVA_MUNMAP && env->size % 4096)
		argp_error(state, "--size %" PRIu64 " is not a multiple of 4K pages",
			   env->size);
	/* The module numbers binders below SMMUBENCH_MAX_THREADS. */
	if ((uint64_t)env->processes * env->threads > SMMUBENCH_MAX_THREADS)
		argp_error(state, "%u processes x %u threads is above %d binders",
			   env->processes, env->threads, SMMUBENCH_MAX_THREADS);
	if (map && (env->granule & (env->granule - 1)))
		argp_error(state, "--granule %" PRIu64 " is not a power of two",
			   env->granule);
	if (map && env->size % env->granule)
		argp_error(state, "--size %" PRIu64 " is not a multiple of --granule %" PRIu64,
			   env->size, env->granule);
	if (map && env->size / env->granule > SMMUBENCH_MAX_PAGES_PER_OP)
		argp_error(state, "--size / --granule is above %d pages",
			   SMMUBENCH_MAX_PAGES_PER_OP);
	if (binds(env->workload) && env->masters > 1) {
		/* Every binder binds the first master of the one domain. */
		if (env->masters > env->nr_devices)
			argp_error(state, "--masters %u needs %u devices, %u given",
				   env->masters, env->masters, env->nr_devices);
	} else if ((uint64_t)env->threads * env->masters > env->nr_devices) {
		argp_error(state, "%u threads x %u masters need %u devices, %u given",
			   env->threads, env->masters, env->threads * env->masters,
			   env->nr_devices);
	}
	if (env->workload == SMMUBENCH_WL_PASID_ATTACH)
		env->masters = 1;
}

/* --release runs nothing: it takes -d at most. */
static void check_release(struct argp_state *state, struct run_env *env)
{
	if (env->workload_name || env->trace || env->unbind_driver)
		argp_error(state, "--release runs nothing: give it no --workload, --trace or --unbind-driver");
	if (env->device_arg)
		parse_devices(state, env);
}

static error_t run_parse(int key, char *arg, struct argp_state *state)
{
	struct run_env *env = state->input;
	uint64_t v;
	size_t i;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'w':
		for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
			if (!strcmp(arg, workloads[i].name))
				break;
		if (i == sizeof(workloads) / sizeof(workloads[0]))
			argp_error(state, "--workload: '%s' is not attach, map, bind, pasid-attach or sva-munmap",
				   arg);
		env->workload_name = workloads[i].name;
		env->workload = workloads[i].id;
		break;
	case 'd':
		env->device_arg = arg;
		break;
	case 't':
		parse_threads(state, env, arg);
		break;
	case 'P':
		parse_num(state, "--processes", arg, 1, SMMUBENCH_MAX_THREADS,
			  false, &v);
		env->processes = v;
		break;
	case 'n':
		parse_num(state, "--iterations", arg, 1,
			  SMMUBENCH_MAX_ITERATIONS, false, &env->iterations);
		env->has_iterations = true;
		break;
	case 'D':
		if (sb_parse_double(arg, &env->duration_s) ||
		    env->duration_s <= 0 ||
		    env->duration_s * 1e9 > SMMUBENCH_MAX_DURATION_NS)
			argp_error(state, "--duration: '%s' is not a number of seconds in (0, %llu]",
				   arg, SMMUBENCH_MAX_DURATION_NS / 1000000000ULL);
		env->has_duration = true;
		break;
	case 'm':
		parse_num(state, "--masters", arg, 1, SMMUBENCH_MAX_MASTERS,
			  false, &v);
		env->masters = v;
		env->has_masters = true;
		break;
	case 's':
		parse_num(state, "--size", arg, 4096, SMMUBENCH_MAX_SIZE_BYTES,
			  true, &env->size);
		env->has_size = true;
		break;
	case 'g':
		parse_num(state, "--granule", arg, 4096, 2 << 20, true,
			  &env->granule);
		env->has_granule = true;
		break;
	case OPT_PASID:
		parse_num(state, "--pasid", arg, 1, (1 << 20) - 1, false, &v);
		env->pasid = v;
		env->has_pasid = true;
		break;
	case 'c':
		env->cpus_arg = arg;
		parse_cpus(state, env, arg);
		break;
	case 'l':
		if (strlen(arg) >= SB_VALUE_MAX || strchr(arg, '\n'))
			argp_error(state, "--label: too long or multi-line");
		env->label = arg;
		break;
	case 'o':
		env->output = arg;
		break;
	case OPT_PROGRESS:
		env->progress = 1;
		break;
	case OPT_NO_PERF:
		env->no_perf = true;
		break;
	case OPT_UNBIND_DRIVER:
		env->unbind_driver = true;
		break;
	case OPT_RELEASE:
		env->release = true;
		break;
	case 'q':
		env->progress = 0;
		break;
	case OPT_TRACE:
		if (env->trace)
			argp_error(state, "--trace given twice");
		env->trace = arg ? arg : "";
		env->trace_argi = state->next - 1;	/* one element: --trace[=...] */
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (env->release)
			check_release(state, env);
		else
			check_env(state, env);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ---- progress and interruption --------------------------------------- */

struct watcher {
	int fd;
	bool show;
	volatile bool done;
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	sigset_t sigs, old;
};

static void on_signal(int sig)
{
	interrupted = 1;
}

/*
 * RUN blocks in the kernel for the whole run; this thread turns Ctrl-C into
 * SMMUBENCH_IOC_STOP (so the samples so far are kept and the devices given
 * back) and polls PROGRESS for the progress line.
 */
static void *watch(void *arg)
{
	struct watcher *w = arg;
	struct smmubench_progress p;
	struct timespec ts;
	bool printed = false, stopped = false;

	/* The only thread that takes SIGINT/SIGTERM: see watcher__start(). */
	pthread_sigmask(SIG_UNBLOCK, &w->sigs, NULL);
	pthread_mutex_lock(&w->lock);
	while (!w->done) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (w->done)
			break;
		if (interrupted && !stopped) {
			ioctl(w->fd, SMMUBENCH_IOC_STOP);
			stopped = true;
		}
		memset(&p, 0, sizeof(p));
		p.abi_version = SMMUBENCH_ABI_VERSION;
		if (!w->show || ioctl(w->fd, SMMUBENCH_IOC_PROGRESS, &p) ||
		    !p.running || p.elapsed_ns < 1000000000ULL)
			continue;
		if (p.total_iterations)
			fprintf(stderr, "\rsmmubench run: %llu/%llu iterations (%.0f%%), %.1f s ",
				(unsigned long long)p.done_iterations,
				(unsigned long long)p.total_iterations,
				100.0 * p.done_iterations / p.total_iterations,
				p.elapsed_ns / 1e9);
		else
			fprintf(stderr, "\rsmmubench run: %llu iterations, %.1f/%.1f s ",
				(unsigned long long)p.done_iterations, p.elapsed_ns / 1e9,
				p.duration_ns / 1e9);
		printed = true;
	}
	pthread_mutex_unlock(&w->lock);
	if (printed)
		fputc('\n', stderr);
	return NULL;
}

/*
 * A thread asleep in the RUN ioctl only wakes for fatal signals, and a
 * signal sent to the process may be queued on it: block SIGINT and SIGTERM
 * everywhere but in the watcher, so that the watcher gets them.
 */
static int watcher__start(struct watcher *w, int fd, bool show)
{
	int err;

	w->fd = fd;
	w->show = show;
	w->done = false;
	sigemptyset(&w->sigs);
	sigaddset(&w->sigs, SIGINT);
	sigaddset(&w->sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &w->sigs, &w->old);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	err = pthread_create(&w->tid, NULL, watch, w);
	if (err) {
		pthread_sigmask(SIG_SETMASK, &w->old, NULL);
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
	}
	return -err;
}

static void watcher__stop(struct watcher *w)
{
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->tid, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	pthread_sigmask(SIG_SETMASK, &w->old, NULL);
}

/* ---- results ---------------------------------------------------------- */

/* The op that counts a workload's iterations (one table: analysis/sweep.c). */
static const char *main_op(const char *workload_name)
{
	int w = sb_sweep__workload(workload_name);

	return w < 0 ? NULL : sb_sweep_workloads[w].ops[0];
}

static int set_params(struct sb_results *r, const struct run_env *env)
{
	char devs[SMMUBENCH_MAX_DEVICES * SMMUBENCH_NAME_LEN] = "";
	size_t off = 0;
	uint32_t i;
	int err;

	for (i = 0; i < env->nr_devices; i++)
		off += snprintf(devs + off, sizeof(devs) - off, "%s%s",
				i ? "," : "", env->claims[i].name);
	err = sb_results__set_param(r, "workload", "%s", env->workload_name);
	err = err ?: sb_results__set_param(r, "devices", "%s", devs);
	err = err ?: sb_results__set_param(r, "threads", "%u", env->threads);
	if (binds(env->workload))
		err = err ?: sb_results__set_param(r, "processes", "%u",
						   env->processes);
	err = err ?: sb_results__set_param(r, "masters", "%u", env->masters);
	if (env->has_duration)
		err = err ?: sb_results__set_param(r, "duration_s", "%g",
						   env->duration_s);
	else
		err = err ?: sb_results__set_param(r, "iterations", "%" PRIu64,
						   env->iterations);
	if (env->workload == SMMUBENCH_WL_MAP ||
	    env->workload == SMMUBENCH_WL_SVA_MUNMAP)
		err = err ?: sb_results__set_param(r, "size_bytes", "%" PRIu64,
						   env->size);
	if (env->workload == SMMUBENCH_WL_MAP) {
		err = err ?: sb_results__set_param(r, "granule_bytes",
						   "%" PRIu64, env->granule);
	}
	if (env->workload == SMMUBENCH_WL_PASID_ATTACH)
		err = err ?: sb_results__set_param(r, "pasid", "%u", env->pasid);
	err = err ?: sb_results__set_param(r, "cpus", "%s",
					   env->cpus_arg ? env->cpus_arg : "all");
	return err;
}

static int set_meta(struct sb_results *r, const struct run_env *env,
		    const struct smmubench_info *info)
{
	char platform[256], feat[256];
	const struct smmubench_device_info *di = NULL;
	bool emulated;
	uint32_t i;
	int err;

	for (i = 0; i < info->nr_devices && !di; i++)
		if (!strcmp(info->devices[i].name, env->claims[0].name))
			di = &info->devices[i];
	sb_machine_platform(platform, sizeof(platform), &emulated);
	err = sb_results__set_host_meta(r);
	err = err ?: sb_results__set_meta(r, "label", "%s",
					  env->label ? env->label :
					  env->workload_name);
	err = err ?: sb_results__set_meta(r, "source", "smmubench run");
	err = err ?: sb_results__set_meta(r, "platform", "%s",
					  platform[0] ? platform : "unknown");
	err = err ?: sb_results__set_meta(r, "timing", "%s",
					  emulated ? "emulated" : "native");
	err = err ?: sb_machine_testbed_meta(r);
	if (sb_machine_emulated_ssid_bits())
		err = err ?: sb_results__set_meta(r, "substreams",
						  "emulated substreams (%u bits, test-only driver patch)",
						  sb_machine_emulated_ssid_bits());
	if (di && (di->flags & SMMUBENCH_DEV_SMMUV3)) {
		sb_machine_decode_idr(di->smmu_idr0, di->smmu_idr1, feat, sizeof(feat));
		err = err ?: sb_results__set_meta(r, "smmu", "%s", di->smmu_name);
		err = err ?: sb_results__set_meta(r, "smmu_idr0", "0x%08x",
						  di->smmu_idr0);
		err = err ?: sb_results__set_meta(r, "smmu_idr1", "0x%08x",
						  di->smmu_idr1);
		err = err ?: sb_results__set_meta(r, "smmu_features", "%s", feat);
	}
	err = err ?: sb_results__set_counter(r, "clock_resolution_ns",
					     info->clock_resolution_ns);
	err = err ?: sb_results__set_counter(r, "clock_step_ns",
					     info->clock_step_ns);
	return err;
}

/* ---- the workloads ---------------------------------------------------- */

static int do_run(int fd, const struct run_env *env, struct sb_results *r,
		  char *err, size_t errlen)
{
	struct smmubench_run *p;
	char pids[SMMUBENCH_MAX_THREADS * 12] = "", cpus[sizeof(pids)] = "";
	size_t po = 0, co = 0;
	uint32_t i;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->abi_version = SMMUBENCH_ABI_VERSION;
	p->workload = env->workload;
	p->nr_devices = env->nr_devices;
	p->threads = env->threads;
	p->masters = env->masters;
	p->pasid = env->workload == SMMUBENCH_WL_PASID_ATTACH ? env->pasid : 0;
	p->iterations = env->has_duration ? 0 : env->iterations;
	p->duration_ns = env->has_duration ? env->duration_s * 1e9 : 0;
	if (env->workload == SMMUBENCH_WL_MAP) {
		p->size_bytes = env->size;
		p->granule_bytes = env->granule;
	}
	memcpy(p->cpu_mask, env->cpu_mask, sizeof(p->cpu_mask));
	for (i = 0; i < env->nr_devices; i++)
		snprintf(p->devices[i], SMMUBENCH_NAME_LEN, "%s",
			 env->claims[i].name);

	ret = ioctl(fd, SMMUBENCH_IOC_RUN, p) ? -errno : 0;
	if (ret) {
		snprintf(err, errlen, "%s", p->reason[0] ? p->reason :
			 strerror(-ret));
		goto free_p;
	}
	for (i = 0; i < env->threads; i++) {
		po += snprintf(pids + po, sizeof(pids) - po, "%s%u", i ? "," : "",
			       p->thread_pid[i]);
		co += snprintf(cpus + co, sizeof(cpus) - co, "%s%u", i ? "," : "",
			       p->thread_cpu[i]);
	}
	ret = sb_results__set_meta(r, "thread_pids", "%s", pids);
	ret = ret ?: sb_results__set_meta(r, "thread_cpus", "%s", cpus);
	ret = ret ?: sb_results__set_meta(r, "stop_reason", "%s",
					  p->stop_reason < 6 && stop_names[p->stop_reason] ?
					  stop_names[p->stop_reason] : "?");
	ret = ret ?: sb_results__set_counter(r, "nr_iterations",
					     p->nr_iterations);
	ret = ret ?: sb_results__set_counter(r, "elapsed_ns", p->elapsed_ns);
	ret = ret ?: sb_results__set_counter(r, "nr_samples", p->nr_samples);
	if (!ret)
		ret = sb_run_read_samples(fd, r, p->nr_samples);
	if (ret)
		snprintf(err, errlen, "reading the samples: %s", strerror(-ret));
	else if (p->stop_reason == SMMUBENCH_STOP_REQUESTED)
		fprintf(stderr, "smmubench run: interrupted after %llu iterations; results kept\n",
			(unsigned long long)p->nr_iterations);
free_p:
	free(p);
	return ret;
}

struct binder {
	int fd;
	uint32_t idx;		/* binder number across processes */
	uint32_t dev;		/* index into env->claims */
	const struct run_env *env;
	struct smmubench_bind b;
	struct smmubench_sample *samples;
	int ret;
	pid_t kernel_tid;	/* for meta thread_pids: the tracer's join */
	pthread_t tid;
};

/* A bind needs a real mm: every thread binds its own process's mm. */
static void *bind_thread(void *arg)
{
	struct binder *bt = arg;

	bt->kernel_tid = syscall(SYS_gettid);
	bt->b.abi_version = SMMUBENCH_ABI_VERSION;
	bt->b.thread = bt->idx;
	bt->b.iterations = bt->env->iterations;
	bt->b.samples_ptr = (uintptr_t)bt->samples;
	if (bt->env->workload == SMMUBENCH_WL_SVA_MUNMAP)
		bt->b.munmap_bytes = bt->env->size;
	snprintf(bt->b.device, sizeof(bt->b.device), "%s",
		 bt->env->claims[bt->dev].name);
	bt->ret = ioctl(bt->fd, SMMUBENCH_IOC_BIND, &bt->b) ? -errno : 0;
	return NULL;
}

/* Runs @n binders as threads of this process; returns how many started. */
static uint32_t run_binders(struct binder *bt, uint32_t n)
{
	uint32_t i, started = 0;
	int err;

	for (i = 0; i < n; i++) {
		/*
		 * Not into bt[i].ret: the thread may have finished and set
		 * it before pthread_create() returns.
		 */
		err = pthread_create(&bt[i].tid, NULL, bind_thread, &bt[i]);
		if (err) {
			bt[i].ret = -err;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(bt[i].tid, NULL);
	return started;
}

/*
 * Each of env->processes children binds its own mm from env->threads
 * threads; the binders and their samples live in a shared mapping made
 * before fork(), so the parent reads them once the children exit.
 */
static int fork_binders(struct binder *bt, const struct run_env *env,
			char *err, size_t errlen)
{
	uint32_t p, forked = 0;
	int ret = 0, status;
	pid_t pid;

	for (p = 0; p < env->processes; p++) {
		pid = fork();
		if (pid < 0) {
			ret = -errno;
			snprintf(err, errlen, "fork: %s", strerror(errno));
			break;
		}
		if (!pid) {
			uint32_t t = env->threads;

			_exit(run_binders(bt + p * t, t) == t ? 0 : 1);
		}
		forked++;
	}
	for (; forked; forked--) {
		pid = wait(&status);
		if (pid < 0)
			break;
		if (!ret && WIFSIGNALED(status)) {
			ret = -EINTR;
			snprintf(err, errlen, "a bind process was killed by signal %d",
				 WTERMSIG(status));
		}
	}
	return ret;
}

static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * --masters M: the first M devices become masters of one module-owned
 * domain, held by @fd's context until UNSHARE or the last close, so the
 * forked binders (which share @fd) all bind into it.
 */
static int share_domain(int fd, const struct run_env *env, char *err,
			size_t errlen)
{
	struct smmubench_share_domain sd;
	uint32_t i;

	memset(&sd, 0, sizeof(sd));
	sd.abi_version = SMMUBENCH_ABI_VERSION;
	sd.nr_devices = env->masters;
	for (i = 0; i < env->masters; i++)
		snprintf(sd.devices[i], SMMUBENCH_NAME_LEN, "%s",
			 env->claims[i].name);
	if (!ioctl(fd, SMMUBENCH_IOC_SHARE_DOMAIN, &sd))
		return 0;
	if (errno == ENOTTY)
		snprintf(err, errlen, "smmubench.ko has no SHARE_DOMAIN: rebuild the module");
	else
		snprintf(err, errlen, "sharing a domain between %u masters: %s",
			 env->masters, sd.reason[0] ? sd.reason : strerror(errno));
	return -errno;
}

/*
 * The binders run in user space, so no kthread measures the run: its
 * elapsed time is from the first op's start to the last op's end, all
 * binders together (the clock of the samples), as a RUN's is from its
 * first thread's start to its last thread's end. A sweep's rate per
 * thread is read from it (analysis/sweep.c).
 */
static int bind_elapsed(struct sb_results *r, const struct binder *bt,
			uint32_t n)
{
	uint64_t first = UINT64_MAX, last = 0, end;
	const struct smmubench_sample *s;
	uint32_t i;
	uint64_t k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < bt[i].b.nr_samples; k++) {
			s = &bt[i].samples[k];
			end = s->start_ns + s->latency_ns;
			first = s->start_ns < first ? s->start_ns : first;
			last = end > last ? end : last;
		}
	}
	if (last <= first)	/* no op: no elapsed time to speak of */
		return 0;
	return sb_results__set_counter(r, "elapsed_ns", last - first);
}

static int do_bind(int fd, const struct run_env *env, struct sb_results *r,
		   char *err, size_t errlen)
{
	uint32_t i, n = env->processes * env->threads;
	char pids[SMMUBENCH_MAX_THREADS * 12] = "";
	/* sva-munmap: one bind, the munmaps, one unbind (docs/abi.md). */
	size_t per = env->workload == SMMUBENCH_WL_SVA_MUNMAP ?
		     env->iterations + 2 : 2 * env->iterations, po;
	struct smmubench_sample *samples;
	struct binder *bt;
	int ret = 0;

	bt = shared_alloc(n * sizeof(*bt));
	samples = shared_alloc(n * per * sizeof(*samples));
	if (!bt || !samples) {
		ret = -ENOMEM;
		goto unmap;
	}
	if (env->masters > 1) {
		ret = share_domain(fd, env, err, errlen);
		if (ret)
			goto unmap;
	}
	for (i = 0; i < n; i++) {
		bt[i].fd = fd;
		bt[i].idx = i;
		/*
		 * Thread t of every process binds device t; with a shared
		 * domain, every binder binds its first master.
		 */
		bt[i].dev = env->masters > 1 ? 0 : i % env->threads;
		bt[i].env = env;
		bt[i].samples = samples + i * per;
		bt[i].ret = -ECHILD;	/* a binder that never ran */
	}
	if (env->processes == 1)
		run_binders(bt, n);
	else
		ret = fork_binders(bt, env, err, errlen);
	for (i = 0; i < n && !ret; i++) {
		if (bt[i].ret) {
			ret = bt[i].ret;
			snprintf(err, errlen, "%s", bt[i].b.reason[0] ?
				 bt[i].b.reason : strerror(-ret));
		}
	}
	for (i = 0; i < n && !ret; i++)
		ret = sb_run_add_samples(r, bt[i].samples, bt[i].b.nr_samples);
	if (!ret)
		ret = bind_elapsed(r, bt, n);
	/*
	 * Binders of different processes run at once, so one binder's op
	 * window holds the other's calls too: `trace --join` needs each
	 * binder's thread id, not a guess from the calls inside its ops.
	 */
	for (i = 0, po = 0; i < n && !ret; i++)
		po += snprintf(pids + po, sizeof(pids) - po, "%s%d", i ? "," : "",
			       (int)bt[i].kernel_tid);
	if (!ret)
		ret = sb_results__set_meta(r, "thread_pids", "%s", pids);
	/* The masters go back to their default domains (close would too). */
	if (env->masters > 1 && ioctl(fd, SMMUBENCH_IOC_UNSHARE_DOMAIN, 0) &&
	    !ret) {
		ret = -errno;
		snprintf(err, errlen, "unsharing the domain: %s", strerror(errno));
	}
unmap:
	if (ret && !err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	if (samples)
		munmap(samples, n * per * sizeof(*samples));
	if (bt)
		munmap(bt, n * sizeof(*bt));
	return ret;
}

/* ---- main flow -------------------------------------------------------- */

static int get_info(int fd, struct smmubench_info *info, char *err,
		    size_t errlen)
{
	memset(info, 0, sizeof(*info));
	info->abi_version = SMMUBENCH_ABI_VERSION;
	if (!ioctl(fd, SMMUBENCH_IOC_INFO, info))
		return 0;
	if (errno == EINVAL)
		snprintf(err, errlen, "smmubench.ko speaks another ABI than this tool (%d): rebuild both",
			 SMMUBENCH_ABI_VERSION);
	else
		snprintf(err, errlen, "INFO: %s", strerror(errno));
	return -errno;
}

static void default_output(const struct run_env *env, char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	char date[32];

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, len, "smmubench-%s-%s.results", env->workload_name, date);
}

static int measure(const struct run_env *env, const char *out, char *err,
		   size_t errlen)
{
	struct smmubench_info *info = NULL;
	struct sb_results *r = NULL;
	struct sb_perf *perf = NULL;
	struct watcher w;
	bool watching = false;
	int fd, ret;

	fd = open(SMMUBENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", SMMUBENCH_DEVICE_PATH,
			 strerror(errno));
		return ret;
	}
	info = malloc(sizeof(*info));
	r = sb_results__new();
	if (!info || !r) {
		ret = -ENOMEM;
		goto cleanup;
	}
	ret = get_info(fd, info, err, errlen);
	if (ret)
		goto cleanup;
	ret = set_meta(r, env, info);
	ret = ret ?: set_params(r, env);
	if (ret)
		goto cleanup;
	/* perf counters around the workload only (docs/perf.md). */
	ret = env->no_perf ? 0 : sb_perf__open(&perf, "");
	if (ret)
		goto cleanup;
	ret = watcher__start(&w, fd, env->progress > 0 ||
			     (env->progress < 0 && isatty(2)));
	if (ret)
		goto cleanup;
	watching = true;
	sb_perf__enable(perf);
	if (binds(env->workload))
		ret = do_bind(fd, env, r, err, errlen);
	else
		ret = do_run(fd, env, r, err, errlen);
	sb_perf__disable(perf);
	watcher__stop(&w);
	watching = false;
	if (ret)
		goto cleanup;
	ret = sb_run_set_overhead(r, main_op(env->workload_name));
	ret = ret ?: sb_perf__record(perf, r);
	ret = ret ?: sb_results__write(r, out);
	if (ret) {
		snprintf(err, errlen, "writing %.200s: %s", out, strerror(-ret));
		goto cleanup;
	}
	if (env->progress != 0)
		ret = sb_report__print(r, stdout, SB_FORMAT_TEXT);
	fprintf(stderr, "smmubench run: results in %s\n", out);
cleanup:
	if (watching)
		watcher__stop(&w);
	if (ret && !err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	sb_perf__close(perf);
	sb_results__free(r);
	free(info);
	close(fd);
	return ret;
}

/*
 * A sweep: one run per --threads point, each in its own results file,
 * OUT with ".tN" before ".results" (param threads says N too). Stops at
 * the first failure or at Ctrl-C.
 */
static int sweep(struct run_env *env, const char *out, char *err,
		 size_t errlen)
{
	size_t len = strlen(out), ext = strlen(".results");
	char path[600];
	uint32_t i;
	int ret = 0;

	if (len > ext && !strcmp(out + len - ext, ".results"))
		len -= ext;
	else
		ext = 0;
	for (i = 0; i < env->nr_sweep && !ret && !interrupted; i++) {
		env->threads = env->sweep[i];
		snprintf(path, sizeof(path), "%.*s.t%u%s", (int)len, out,
			 env->threads, ext ? ".results" : "");
		ret = measure(env, path, err, errlen);
	}
	return ret;
}

static int release_left(struct run_env *env)
{
	uint32_t i;
	int ret = 0;

	if (!env->nr_devices)
		ret = sb_claim__release_left(NULL, stdout);
	for (i = 0; i < env->nr_devices; i++)
		ret = sb_claim__release_left(env->claims[i].name, stdout) ?: ret;
	if (ret)
		fprintf(stderr, "smmubench run: --release: %s\n", strerror(-ret));
	return ret ? SB_EXIT_RUNTIME : SB_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	struct run_env env = {
		.threads = 1, .processes = 1, .masters = 1, .pasid = 1,
		.progress = -1,
		.size = 4096, .granule = 4096,
	};
	const struct argp argp = {
		.options = run_opts, .parser = run_parse, .doc = run_doc,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	char err[ERRLEN] = "", out[512];
	uint32_t i, bound = 0;
	int ret;

	if (sb_argp_parse(&argp, argc, argv, "run", &env))
		return SB_EXIT_USAGE;
	if (env.output)
		snprintf(out, sizeof(out), "%s", env.output);
	else
		default_output(&env, out, sizeof(out));

	if (env.release)
		return release_left(&env);
	/* The traced run checks the module itself, after the trace options. */
	if (env.trace)
		return cmd_trace_run(argc, argv, env.trace_argi, out, env.trace);
	if (access(SMMUBENCH_DEVICE_PATH, F_OK)) {
		fprintf(stderr, "smmubench run: %s missing: module not loaded: insmod smmubench.ko\n",
			SMMUBENCH_DEVICE_PATH);
		return SB_EXIT_RUNTIME;
	}
	/*
	 * Ctrl-C stops the run early but still restores the devices; so does
	 * a hang-up, as when the ssh session to a server drops.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	for (i = 0; i < env.nr_devices; i++) {
		/* Binders share a device unless it is in a shared domain. */
		env.claims[i].shared = binds(env.workload) && env.masters == 1;
		env.claims[i].unbind_driver = env.unbind_driver;
	}
	for (ret = 0; bound < env.nr_devices && !ret; bound++)
		ret = sb_claim__bind(&env.claims[bound], err, sizeof(err));
	if (!ret && env.nr_sweep > 1)
		ret = sweep(&env, out, err, sizeof(err));
	else if (!ret)
		ret = measure(&env, out, err, sizeof(err));
	if (ret)
		fprintf(stderr, "smmubench run: %s\n", err);
	for (i = 0; i < bound; i++) {
		char rerr[ERRLEN] = "";

		if (sb_claim__restore(&env.claims[i], rerr, sizeof(rerr))) {
			fprintf(stderr, "smmubench run: %s\n", rerr);
			ret = ret ?: -EIO;
		}
	}
	return ret ? SB_EXIT_RUNTIME : SB_EXIT_OK;
}
