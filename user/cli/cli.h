/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the kcg CLI's command files. */
#ifndef KCG_CLI_H
#define KCG_CLI_H

#include "libkcg.h"

/* KCG_VERSION comes from the VERSION file, by the Makefile. */
#define KCG_TOOL_VERSION KCG_VERSION

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
/* Plain usage error on stderr. Returns 2. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * After getopt_long returned '?': the usage error for the option just seen,
 * unknown or missing its value. Returns 2. (main turns opterr off.)
 */
int cli_bad_option(char **argv);
/* Check a group name before asking the module: 0, or a usage error (2). */
int cli_check_group_name(const char *command, const char *name);
/*
 * Order of group names that puts every group right after its parent and
 * its children by name: '/' sorts before every name character. (cmd_list.c)
 */
int cli_compare_names(const char *a, const char *b);

/*
 * Every command gets argv[0] = its name and parses the rest with
 * getopt_long, permuting, from a fresh getopt state.
 */
int cmd_version(int argc, char **argv);
/* cmd_group.c */
int cmd_create(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_freeze(int argc, char **argv);
int cmd_thaw(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_adopt(int argc, char **argv);
/* cmd_list.c */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
/* cmd_run.c */
int cmd_run(int argc, char **argv);
/* cmd_stats.c */
int cmd_stats(int argc, char **argv);
struct watch;
/* --interval ('i') or --count ('c') into watch: 0, or a usage error (2). */
int cli_watch_option(const char *command, int opt, const char *arg, struct watch *watch);
/* The error of sample_take(): on the name that failed, if any. Returns 1. */
int cli_sample_error(struct kcg *k, int err, const char *command, const char *failed);
/* cmd_top.c */
int cmd_top(int argc, char **argv);
/* cmd_monitor.c */
int cmd_monitor(int argc, char **argv);

#endif /* KCG_CLI_H */
