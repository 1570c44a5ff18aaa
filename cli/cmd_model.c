// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench model: runs the model of the SVA CD-write lock placements
 * (bench/model/sbmodel.c, docs/model.md) in this process with pthreads, or
 * with --kernel inside smmubench.ko, checks that every CD update looks
 * atomic to every master, writes one results file per placement and
 * prints a comparison. The model measures; this side validates, formats
 * and explains.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd_util.h"
#include "bench/model/sbmodel.h"
#include "smmubench/cmds.h"
#include "smmubench/report.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"

#define MODEL_ERRLEN 512
/* Samples kept per series and thread; sums and counters stay exact. */
#define MODEL_DEFAULT_SAMPLES 200000U
#define MODEL_MAX_TABLE (1U << 24)

struct model_env {
	struct smmubench_model base;	/* every field but the placement */
	unsigned int placements[SMMUBENCH_MODEL__MAX];
	unsigned int nr_placements;
	const char *output;
	const char *sync_from;
	const char *label;
	unsigned int samples;
	bool kernel;
	bool quiet;
};

static const char model_doc[] =
"Run the model of the lock placements around the SVA context-descriptor\n"
"write (split: the v5 patch, wide: write and rollback in one devices_lock\n"
"section, per-master: the v6.8 code) and check that each CD update looks\n"
"atomic to every master. Binders bind and unbind PASIDs while attachers\n"
"attach and detach masters of the shared domain; CD writes fail with\n"
"probability --fail. Prints a comparison, the violations found with one\n"
"event trace per kind, and writes results files for report/compare/plot.\n"
"\v"
"EXAMPLES:\n"
"    smmubench model                                   # all placements\n"
"    smmubench model --placement split -p 0.05 -s 7    # one, seeded\n"
"    smmubench model -n 100000 -o m.results            # m-split.results...\n"
"    smmubench model --sync-from t.results             # measured CMD_SYNCs\n"
"    smmubench model --kernel --placement wide         # inside smmubench.ko\n"
"\n"
"What is deterministic: with the same --seed each thread draws the same\n"
"op mix, devices and failures; with --attachers 0 and --binders 1 the whole\n"
"run (every count) is. With attachers the interleaving is up to the\n"
"scheduler, so counts of violations vary from run to run; their presence\n"
"under split does not, given enough ops.\n";

enum {
	OPT_CMD_NS = 0x100,
	OPT_SYNC_NS,
	OPT_DIST,
	OPT_SYNC_FROM,
	OPT_OBSERVE,
	OPT_KERNEL,
	OPT_SAMPLES,
};

static const struct argp_option model_opts[] = {
	{ NULL, 0, NULL, 0, "Model:", 1 },
	{ "placement", 'P', "LIST", 0,
	  "Comma-separated placements: split, wide, per-master (default: all)", 1 },
	{ "kernel", OPT_KERNEL, NULL, 0,
	  "Run in smmubench.ko (/dev/smmubench) with kernel locks", 1 },
	{ NULL, 0, NULL, 0, "Workload:", 2 },
	{ "binders", 't', "N", 0, "Bind/unbind threads (default 2)", 2 },
	{ "attachers", 'a', "N", 0, "Attach/detach threads (default 2)", 2 },
	{ "processes", 'm', "M", 0, "Processes (PASIDs) per binder (default 4)", 2 },
	{ "devices", 'd', "D", 0, "Masters of the shared domain (default 4)", 2 },
	{ "ops", 'n', "N", 0, "Binds + unbinds per binder (default 20000)", 2 },
	{ "fail", 'p', "P", 0, "CD-write failure probability (default 0.02)", 2 },
	{ "seed", 's', "SEED", 0, "Seed of the per-thread generators (default 1)", 2 },
	{ "observe-us", OPT_OBSERVE, "US", 0,
	  "Observer period in us, 0: no observer (default 100)", 2 },
	{ NULL, 0, NULL, 0, "Service times:", 3 },
	{ "cmd-ns", OPT_CMD_NS, "NS", 0, "Per command (default 50)", 3 },
	{ "sync-ns", OPT_SYNC_NS, "NS", 0, "Per CMD_SYNC (default 300)", 3 },
	{ "dist", OPT_DIST, "DIST", 0,
	  "const (default) or uniform: [0, 2 * mean]", 3 },
	{ "sync-from", OPT_SYNC_FROM, "FILE[:SERIES]", 0,
	  "CMD_SYNC times drawn from a results file's series (default: its first sync series)", 3 },
	{ NULL, 0, NULL, 0, "Output:", 4 },
	{ "output", 'o', "FILE", 0,
	  "Results file; with several placements FILE-NAME.results each", 4 },
	{ "label", 'l', "LABEL", 0, "Label prefix (default: the placement)", 4 },
	{ "samples", OPT_SAMPLES, "N", 0,
	  "Samples kept per series and thread (default 200000)", 4 },
	{ "quiet", 'q', NULL, 0, "No violation traces", 4 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static uint64_t model_u64(struct argp_state *state, const char *opt,
			  const char *arg, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (sb_parse_u64(arg, 0, &v) || v < lo || v > hi)
		argp_error(state, "--%s: '%s' is not an integer in %" PRIu64 "..%" PRIu64,
			   opt, arg, lo, hi);
	return v;
}

static void model_parse_placements(struct argp_state *state, char *arg)
{
	struct model_env *env = state->input;
	char *save = NULL, *name;
	int p;
	unsigned int i;

	env->nr_placements = 0;
	for (name = strtok_r(arg, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		p = sbm_placement_lookup(name);
		if (p < 0)
			argp_error(state, "--placement: '%s' is not split, wide or per-master",
				   name);
		for (i = 0; i < env->nr_placements; i++) {
			if (env->placements[i] == (unsigned int)p)
				argp_error(state, "--placement: '%s' given twice",
					   name);
		}
		env->placements[env->nr_placements++] = p;
	}
	if (!env->nr_placements)
		argp_error(state, "--placement: empty list");
}

static error_t model_parse(int key, char *arg, struct argp_state *state)
{
	struct model_env *env = state->input;
	struct smmubench_model *b = &env->base;
	char reason[SMMUBENCH_REASON_LEN];
	double p;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'P':
		model_parse_placements(state, arg);
		break;
	case OPT_KERNEL:
		env->kernel = true;
		break;
	case 't':
		b->binders = model_u64(state, "binders", arg, 1,
				       SMMUBENCH_MODEL_MAX_THREADS);
		break;
	case 'a':
		b->attachers = model_u64(state, "attachers", arg, 0,
					 SMMUBENCH_MODEL_MAX_THREADS);
		break;
	case 'm':
		b->processes = model_u64(state, "processes", arg, 1,
					 SMMUBENCH_MODEL_MAX_PASIDS - 1);
		break;
	case 'd':
		b->devices = model_u64(state, "devices", arg, 1,
				       SMMUBENCH_MODEL_MAX_MASTERS);
		break;
	case 'n':
		b->ops = model_u64(state, "ops", arg, 1,
				   SMMUBENCH_MODEL_MAX_OPS);
		break;
	case 'p':
		if (sb_parse_double(arg, &p) || p < 0 || p > 1)
			argp_error(state, "--fail: '%s' is not a probability in [0, 1]",
				   arg);
		b->fail_ppm = (uint32_t)(p * 1e6 + 0.5);
		break;
	case 's':
		b->seed = model_u64(state, "seed", arg, 0, UINT64_MAX);
		break;
	case OPT_OBSERVE:
		b->observe_ns = model_u64(state, "observe-us", arg, 0,
					  1000000) * 1000;
		break;
	case OPT_CMD_NS:
		b->cmd_ns = model_u64(state, "cmd-ns", arg, 0,
				      SMMUBENCH_MODEL_MAX_SERVICE_NS);
		break;
	case OPT_SYNC_NS:
		b->sync_ns = model_u64(state, "sync-ns", arg, 0,
				       SMMUBENCH_MODEL_MAX_SERVICE_NS);
		break;
	case OPT_DIST:
		if (!strcmp(arg, "const"))
			b->dist = SMMUBENCH_MODEL_DIST_CONST;
		else if (!strcmp(arg, "uniform"))
			b->dist = SMMUBENCH_MODEL_DIST_UNIFORM;
		else
			argp_error(state, "--dist: '%s' is not const or uniform",
				   arg);
		break;
	case OPT_SYNC_FROM:
		env->sync_from = arg;
		break;
	case 'o':
		env->output = arg;
		break;
	case 'l':
		env->label = arg;
		break;
	case OPT_SAMPLES:
		env->samples = model_u64(state, "samples", arg, 0, 1U << 24);
		break;
	case 'q':
		env->quiet = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		/* The rules the module applies too, checked before anything runs. */
		if (sbm_check_params(b, 0, reason))
			argp_error(state, "%s", reason);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ---- service times from a results file ------------------------------- */

/*
 * At most @max samples of the series, spread evenly over it (every k-th),
 * so that a long trace is not cut to its first part.
 */
static int model_load_table(const char *spec, size_t max,
			    unsigned long long **out, unsigned int *nr)
{
	char *path = strdup(spec), *colon, err[MODEL_ERRLEN];
	const struct sb_series *s = NULL;
	struct sb_results *r = NULL;
	unsigned long long *t = NULL;
	size_t i, n = 0;
	int ret = -EINVAL;

	if (!path)
		return -ENOMEM;
	colon = strrchr(path, ':');
	if (colon)
		*colon++ = '\0';
	ret = sb_results__read(path, &r, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "smmubench model: --sync-from: %s\n", err);
		goto cleanup;
	}
	for (i = 0; !colon && i < r->nr_series; i++) {
		if (r->series[i].kind == SB_KIND_SYNC) {
			s = &r->series[i];
			break;
		}
	}
	if (colon)
		s = sb_results__find_series(r, colon);
	ret = -EINVAL;
	if (!s || !s->nr_samples || strcmp(s->unit, "ns")) {
		fprintf(stderr, "smmubench model: --sync-from: %s has no %s%s%s with samples in ns\n",
			path, colon ? "series '" : "sync series",
			colon ? colon : "", colon ? "'" : "");
		goto cleanup;
	}
	n = s->nr_samples < max ? s->nr_samples : max;
	t = calloc(n, sizeof(*t));
	if (!t) {
		ret = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		t[i] = s->samples[i * s->nr_samples / n].value;
		if (t[i] > SMMUBENCH_MODEL_MAX_SERVICE_NS) {
			fprintf(stderr, "smmubench model: --sync-from: %s: sample %zu of %s is %llu ns, above the model's %llu ns\n",
				path, i * s->nr_samples / n, s->name, t[i],
				SMMUBENCH_MODEL_MAX_SERVICE_NS);
			goto cleanup;
		}
	}
	*out = t;
	*nr = n;
	t = NULL;
	ret = 0;
cleanup:
	free(t);
	sb_results__free(r);
	free(path);
	return ret;
}

/* ---- results ----------------------------------------------------------- */

static const struct {
	const char *name;
	const char *unit;
	enum sb_series_kind kind;
} model_series[SBM_S__MAX] = {
	[SBM_S_BIND] = { "op.bind", "ns", SB_KIND_OP },
	[SBM_S_UNBIND] = { "op.unbind", "ns", SB_KIND_OP },
	[SBM_S_ATTACH] = { "op.attach", "ns", SB_KIND_OP },
	[SBM_S_DETACH] = { "op.detach", "ns", SB_KIND_OP },
	[SBM_S_DEVLOCK_HOLD] = { "lock.devices_lock.hold", "ns", SB_KIND_LOCK_HOLD },
	[SBM_S_DEVLOCK_BIND_HOLD] = { "lock.devices_lock.hold_bind", "ns", SB_KIND_LOCK_HOLD },
	[SBM_S_SVA_HOLD] = { "lock.sva_lock.hold", "ns", SB_KIND_LOCK_HOLD },
	[SBM_S_ASID_HOLD] = { "lock.asid_lock.hold", "ns", SB_KIND_LOCK_HOLD },
	[SBM_S_SYNC] = { "sync.cmdq", "ns", SB_KIND_SYNC },
	[SBM_S_SYNCS_BIND] = { "count.syncs.bind", "1", SB_KIND_COUNT },
	[SBM_S_SYNCS_UNBIND] = { "count.syncs.unbind", "1", SB_KIND_COUNT },
	[SBM_S_DEVLOCK_PER_BIND] = { "count.devices_lock.bind", "1", SB_KIND_COUNT },
};

static int model_add_series(struct sb_results *r, const struct sbm *m)
{
	unsigned int s, t;
	unsigned long i, nr;
	const unsigned long long *v;
	struct sb_series *ser;
	struct sb_sample smp;
	int ret;

	for (s = 0; s < SBM_S__MAX; s++) {
		ser = NULL;
		for (t = 0; t < sbm_nr_threads(m); t++) {
			v = sbm_samples(m, t, s, &nr);
			if (!nr)
				continue;
			if (!ser)
				ser = sb_results__series(r, model_series[s].name,
							 model_series[s].unit,
							 model_series[s].kind);
			if (!ser)
				return -ENOMEM;
			for (i = 0; i < nr; i++) {
				smp.value = v[i];
				smp.op_id = SB_NONE;
				smp.start_ns = SB_NONE;
				smp.thread = t;
				ret = sb_series__add(ser, &smp);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

static int model_add_counters(struct sb_results *r,
			      const struct smmubench_model *p)
{
	static const struct {
		const char *name;
		size_t off;
	} c[] = {
#define C(name, field) { name, offsetof(struct smmubench_model, field) }
		C("model.binds", binds),
		C("model.bind_failures", bind_failures),
		C("model.unbinds", unbinds),
		C("model.attaches", attaches),
		C("model.detaches", detaches),
		C("model.observer_scans", scans),
		C("model.elapsed_ns", elapsed_ns),
		C("syncs.bind.sum", syncs_bind),
		C("syncs.bind.min", syncs_bind_min),
		C("syncs.bind.max", syncs_bind_max),
		C("syncs.unbind.sum", syncs_unbind),
		C("syncs.unbind.min", syncs_unbind_min),
		C("syncs.unbind.max", syncs_unbind_max),
		C("devices_lock.bind.acquisitions", devlock_bind),
		C("devices_lock.holds", devlock_holds),
		C("devices_lock.hold.sum_ns", devlock_hold_ns),
		C("devices_lock.hold.max_ns", devlock_hold_max_ns),
		C("devices_lock.bind.holds", devlock_bind_holds),
		C("devices_lock.bind.hold.sum_ns", devlock_bind_hold_ns),
		C("devices_lock.bind.hold.max_ns", devlock_bind_hold_max_ns),
		C("sva_lock.holds", sva_holds),
		C("asid_lock.holds", asid_holds),
#undef C
	};
	char name[SB_NAME_MAX];
	uint64_t total = 0;
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < sizeof(c) / sizeof(c[0]); i++)
		ret = sb_results__set_counter(r, c[i].name,
			*(const uint64_t *)((const char *)p + c[i].off));
	for (i = 0; !ret && i < SMMUBENCH_MODEL_V__MAX; i++) {
		snprintf(name, sizeof(name), "violations.%s",
			 sbm_violation_name(i));
		ret = sb_results__set_counter(r, name, p->violations[i]);
		total += p->violations[i];
	}
	if (!ret)
		ret = sb_results__set_counter(r, "violations.total", total);
	return ret;
}

static int model_set_meta(struct sb_results *r, const struct model_env *env,
			  const struct smmubench_model *p)
{
	const char *name = sbm_placement_name(p->placement);
	int ret;

	ret = sb_results__set_host_meta(r);
	if (!ret && env->label)
		ret = sb_results__set_meta(r, "label", "%s-%s", env->label, name);
	else if (!ret)
		ret = sb_results__set_meta(r, "label", "%s", name);
	if (!ret)
		ret = sb_results__set_meta(r, "emulated", "1");
	if (!ret)
		ret = sb_results__set_meta(r, "source", "model-%s",
					   env->kernel ? "kernel" : "user");
	if (!ret)
		ret = sb_results__set_param(r, "placement", "%s", name);
	if (!ret)
		ret = sb_results__set_param(r, "binders", "%u", p->binders);
	if (!ret)
		ret = sb_results__set_param(r, "attachers", "%u", p->attachers);
	if (!ret)
		ret = sb_results__set_param(r, "processes", "%u", p->processes);
	if (!ret)
		ret = sb_results__set_param(r, "devices", "%u", p->devices);
	if (!ret)
		ret = sb_results__set_param(r, "ops", "%llu",
					    (unsigned long long)p->ops);
	if (!ret)
		ret = sb_results__set_param(r, "fail_ppm", "%u", p->fail_ppm);
	if (!ret)
		ret = sb_results__set_param(r, "seed", "%llu",
					    (unsigned long long)p->seed);
	if (!ret)
		ret = sb_results__set_param(r, "cmd_ns", "%llu",
					    (unsigned long long)p->cmd_ns);
	if (!ret && env->sync_from)
		ret = sb_results__set_param(r, "sync_from", "%s",
					    env->sync_from);
	if (!ret && !env->sync_from)
		ret = sb_results__set_param(r, "sync_ns", "%llu",
					    (unsigned long long)p->sync_ns);
	if (!ret)
		ret = sb_results__set_param(r, "dist", "%s",
					    p->dist ? "uniform" : "const");
	if (!ret)
		ret = sb_results__set_param(r, "observe_ns", "%llu",
					    (unsigned long long)p->observe_ns);
	return ret;
}

/* FILE for one placement, FILE-NAME.results (".results" moved) for several. */
static char *model_output_path(const struct model_env *env, const char *name)
{
	const char *ext = ".results";
	size_t len = strlen(env->output), el = strlen(ext);
	char *path;

	if (env->nr_placements == 1)
		return strdup(env->output);
	if (len >= el && !strcmp(env->output + len - el, ext))
		len -= el;
	if (asprintf(&path, "%.*s-%s%s", (int)len, env->output, name, ext) < 0)
		return NULL;
	return path;
}

/* ---- one run --------------------------------------------------------- */

static int model_run_kernel(struct smmubench_model *p)
{
	int fd, ret = 0;

	fd = open(SMMUBENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "smmubench model: --kernel: cannot open %s: %s (is smmubench.ko loaded?)\n",
			SMMUBENCH_DEVICE_PATH, strerror(errno));
		return -errno;
	}
	if (ioctl(fd, SMMUBENCH_IOC_MODEL_RUN, p)) {
		ret = -errno;
		fprintf(stderr, "smmubench model: --kernel: MODEL_RUN: %s%s%s\n",
			strerror(errno), p->reason[0] ? ": " : "", p->reason);
	}
	close(fd);
	return ret;
}

static void model_print_traces(const struct smmubench_model *p,
			       const struct sbm *m)
{
	unsigned int k;

	for (k = 0; k < SMMUBENCH_MODEL_V__MAX; k++) {
		if (!p->violations[k])
			continue;
		printf("\n%s: %llu %s violations%s\n",
		       sbm_placement_name(p->placement),
		       (unsigned long long)p->violations[k],
		       sbm_violation_name(k), m ? "; first:" : "");
		if (m)
			fputs(sbm_trace(m, k), stdout);
	}
	/* The module returns one trace: the kind that shows its cause. */
	if (!m && p->trace[0])
		printf("\n%s: one trace, from the module:\n%s",
		       sbm_placement_name(p->placement), p->trace);
}

static int model_one(const struct model_env *env, unsigned int placement,
		     const unsigned long long *table, unsigned int nr_table,
		     struct smmubench_model *p)
{
	struct sb_results *r = NULL;
	struct sbm *m = NULL;
	char *path = NULL;
	int ret;

	*p = env->base;
	p->placement = placement;
	if (env->kernel) {
		p->sync_table = (uintptr_t)table;
		p->nr_sync_table = nr_table;
		ret = model_run_kernel(p);
	} else {
		m = sbm_create(p, table, nr_table, env->samples);
		ret = m ? sbm_run(m) : -ENOMEM;
		if (ret)
			fprintf(stderr, "smmubench model: %s: %s\n",
				sbm_placement_name(placement), strerror(-ret));
	}
	if (ret)
		goto cleanup;
	if (!env->quiet)
		model_print_traces(p, m);
	if (!env->output)
		goto cleanup;
	ret = -ENOMEM;
	r = sb_results__new();
	path = model_output_path(env, sbm_placement_name(placement));
	if (!r || !path)
		goto cleanup;
	ret = model_set_meta(r, env, p);
	if (!ret && m)
		ret = model_add_series(r, m);
	if (!ret)
		ret = model_add_counters(r, p);
	if (!ret)
		ret = sb_results__write(r, path);
	if (ret)
		fprintf(stderr, "smmubench model: writing %s: %s\n", path,
			strerror(-ret));
cleanup:
	free(path);
	sb_results__free(r);
	sbm_destroy(m);
	return ret;
}

static double model_div(uint64_t a, uint64_t b)
{
	return b ? (double)a / b : 0;
}

static void model_print_table(const struct smmubench_model *res,
			      unsigned int nr)
{
	char mean[32], maxb[32];
	uint64_t v;
	unsigned int i, k;

	printf("\n%-11s %8s %7s %10s %15s %15s %9s %22s\n", "placement",
	       "binds", "failed", "violations", "syncs/bind", "syncs/unbind",
	       "devl/bind", "devices_lock hold bind");
	printf("%-11s %8s %7s %10s %15s %15s %9s %22s\n", "", "", "", "",
	       "mean [min,max]", "mean [min,max]", "", "mean / max");
	for (i = 0; i < nr; i++) {
		const struct smmubench_model *p = &res[i];
		char sb[32], su[32];

		for (v = 0, k = 0; k < SMMUBENCH_MODEL_V__MAX; k++)
			v += p->violations[k];
		snprintf(sb, sizeof(sb), "%.2f [%llu,%llu]",
			 model_div(p->syncs_bind, p->binds),
			 (unsigned long long)p->syncs_bind_min,
			 (unsigned long long)p->syncs_bind_max);
		snprintf(su, sizeof(su), "%.2f [%llu,%llu]",
			 model_div(p->syncs_unbind, p->unbinds),
			 (unsigned long long)p->syncs_unbind_min,
			 (unsigned long long)p->syncs_unbind_max);
		sb_fmt_time(model_div(p->devlock_bind_hold_ns,
				      p->devlock_bind_holds), mean, sizeof(mean));
		sb_fmt_time(p->devlock_bind_hold_max_ns, maxb, sizeof(maxb));
		printf("%-11s %8llu %7llu %10llu %15s %15s %9.2f %11s / %8s\n",
		       sbm_placement_name(p->placement),
		       (unsigned long long)p->binds,
		       (unsigned long long)p->bind_failures,
		       (unsigned long long)v, sb, su,
		       model_div(p->devlock_bind, p->binds), mean, maxb);
	}
	for (i = 0; i < nr; i++) {
		for (v = 0, k = 0; k < SMMUBENCH_MODEL_V__MAX; k++)
			v += res[i].violations[k];
		printf("%s: %s\n", sbm_placement_name(res[i].placement),
		       v ? "NOT atomic: violations found" :
		       "atomic: no violation found");
	}
}

int cmd_model(int argc, char **argv)
{
	static const struct argp argp = {
		.options = model_opts,
		.parser = model_parse,
		.doc = model_doc,
	};
	struct model_env env = {
		.base = {
			.abi_version = SMMUBENCH_ABI_VERSION,
			.binders = 2,
			.attachers = 2,
			.processes = 4,
			.devices = 4,
			.ops = 20000,
			.fail_ppm = 20000,
			.seed = 1,
			.cmd_ns = 50,
			.sync_ns = 300,
			.observe_ns = 100000,
		},
		.placements = { SMMUBENCH_MODEL_SPLIT, SMMUBENCH_MODEL_WIDE,
				SMMUBENCH_MODEL_PER_MASTER },
		.nr_placements = 3,
		.samples = MODEL_DEFAULT_SAMPLES,
	};
	struct smmubench_model res[SMMUBENCH_MODEL__MAX];
	unsigned long long *table = NULL;
	unsigned int nr_table = 0, i;
	int ret = 0;

	if (sb_argp_parse(&argp, argc, argv, "model", &env))
		return SB_EXIT_USAGE;
	if (env.sync_from &&
	    model_load_table(env.sync_from, env.kernel ?
			     SMMUBENCH_MODEL_MAX_SYNC_TABLE : MODEL_MAX_TABLE,
			     &table, &nr_table))
		return SB_EXIT_RUNTIME;
	for (i = 0; !ret && i < env.nr_placements; i++)
		ret = model_one(&env, env.placements[i], table, nr_table,
				&res[i]);
	free(table);
	if (ret)
		return SB_EXIT_RUNTIME;
	model_print_table(res, env.nr_placements);
	return SB_EXIT_OK;
}
