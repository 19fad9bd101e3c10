/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kcg CLI: what common.c gives every command, and the commands the
 * dispatcher (kcg.c) runs. common.c calls no command.
 */
#ifndef KCG_CLI_H
#define KCG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "libkcg.h"

/*
 * A command: the dispatcher's table entry, and all that help and usage
 * errors print about it.
 */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;	/* the arguments, after the name */
	const char *summary;	/* one line */
	bool limits;		/* takes the limit options: help lists them */
};

/* common.c */
/* The package version the tool was built as. */
extern const char cli_tool_version[];
/* The dispatcher's table, for help and lookups. */
void cli_set_commands(const struct cli_command *table, size_t count);
const struct cli_command *cli_find_command(const char *name);
/* The command being run, for -h and usage errors; NULL before one is chosen. */
void cli_set_command(const struct cli_command *command);
/* "usage: kcg NAME SYNOPSIS", the summary, and the limit options it takes. */
void cli_print_help(FILE *out, const struct cli_command *command);
/* The global usage and every command's synopsis. */
void cli_print_overview(FILE *out);
/* The limit options, SIZE and the name grammar, as help prints them. */
void cli_print_limits_help(FILE *out);
/* The tool's own version ({"tool":...} in JSON); needs no module. */
void cli_print_version(void);
/* -s/--stats was given (before or after the command): show adds counters. */
bool cli_stats_wanted(void);
/*
 * getopt_long over a command's options, which also accepts the global
 * options wherever they are: -j/--json and -p/--pretty switch the output,
 * -s/--stats asks for counters (cli_stats_wanted()),
 * -h/--help prints the command's help and -V/--version the tool version,
 * both exiting 0. Returns the val of one of options (whose flag must be
 * NULL), '?' for a mistake (then return cli_bad_option()), or -1. stop:
 * stop at the first non-option argument, as "+" does.
 */
int cli_getopt(int argc, char **argv, const struct option *options, bool stop);
/* Flush stdout: true, said on stderr, if output was lost (a full disk). */
bool cli_output_failed(void);

/* Open the module's netlink family, or explain to stderr why not. */
struct kcg *cli_connect(void);
/*
 * "kcg: MESSAGE" and a newline on stderr, MESSAGE escaped as text output is
 * (it carries arguments and the module's words). Every diagnostic uses it.
 */
void cli_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One-line error on stderr: "kcg: WHAT: <extack message or strerror>". Returns 1. */
int cli_error(struct kcg *k, int err, const char *what);
/* The same for an operation on a group: "kcg: COMMAND NAME: ...". Returns 1. */
int cli_group_error(struct kcg *k, int err, const char *command, const char *name);
/* Plain usage error on stderr, for a bad value. Returns 2. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A usage error in the shape of the command line (an argument missing or
 * in excess): the message, then the command's synopsis. Returns 2.
 */
int cli_syntax(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * After cli_getopt returned '?': the usage error for the option just seen
 * (unknown, ambiguous, missing its value or given one it does not take),
 * as cli_syntax() prints it. Returns 2.
 */
int cli_bad_option(char **argv);
/* Check a group name before asking the module: 0, or a usage error (2). */
int cli_check_group_name(const char *command, const char *name);
/*
 * Order of group names that puts every group right after its parent and
 * its children by name: '/' sorts before every name character.
 */
int cli_compare_names(const char *a, const char *b);
struct watch;
/* --interval ('i') or --count ('c') into watch: 0, or a usage error (2). */
int cli_watch_option(const char *command, int opt, const char *arg, struct watch *watch);
/* The error of sample_take(): on the name that failed, if any. Returns 1. */
int cli_sample_error(struct kcg *k, int err, const char *command, const char *failed);

/*
 * Every command gets argv[0] = its name and parses the rest with
 * cli_getopt, from a fresh getopt state.
 */
/* cmd_tool.c */
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
/* cmd_group.c */
/* The limit options of create and set (NULL-terminated), for run --create. */
extern const struct option cli_limit_options[];
bool cli_is_limit_option(int opt);
/* One limit option into limits: 0, or a usage error (2) naming it. */
int cli_limit_option(const char *command, int opt, const char *arg, struct kcg_limits *limits);
int cmd_create(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_freeze(int argc, char **argv);
int cmd_thaw(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_adopt(int argc, char **argv);
/* cmd_apply.c */
int cmd_apply(int argc, char **argv);
/* cmd_list.c */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
/* cmd_ps.c */
int cmd_ps(int argc, char **argv);
/* cmd_run.c */
int cmd_run(int argc, char **argv);
/* cmd_stats.c */
int cmd_stats(int argc, char **argv);
/* cmd_top.c */
int cmd_top(int argc, char **argv);
/* cmd_monitor.c */
int cmd_monitor(int argc, char **argv);
/* cmd_export.c */
int cmd_export(int argc, char **argv);
/* user/trace/cmd_trace.c */
int cmd_trace(int argc, char **argv);

#endif /* KCG_CLI_H */
