/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of the smmubench front end, in perf's cmd_<name>() style. */
#ifndef SMMUBENCH_CMDS_H
#define SMMUBENCH_CMDS_H

#define SMMUBENCH_VERSION "0.1.0"
#define SMMUBENCH_BUG_ADDRESS "the smmubench issue tracker"

/* Each takes argv[0] = subcommand name and returns a process exit code. */
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_trace(int argc, char **argv);
/*
 * smmubench run --trace: runs @argv (run's own, without its element
 * @trace_argi) under smmubench trace with the trace options @opts and joins
 * the records to the run's results file @results (cli/cmd_trace.c).
 */
int cmd_trace_run(int argc, char **argv, int trace_argi, const char *results,
		  const char *opts);
int cmd_model(int argc, char **argv);

#endif /* SMMUBENCH_CMDS_H */
