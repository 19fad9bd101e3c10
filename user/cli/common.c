// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the commands share: option parsing, help, messages and errors, the
 * connection to the module. It calls no command: the dispatcher (kcg.c)
 * hands it the command table and the command being run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kcg.h>

#include "cli.h"
#include "escape.h"
#include "parse.h"
#include "print.h"
#include "sample.h"

#ifndef KCG_VERSION
#error "KCG_VERSION is the package version, from the VERSION file: build with make"
#endif

const char cli_tool_version[] = KCG_VERSION;

static const struct cli_command *commands, *current;
static size_t command_count;
/* -s/--stats, wherever it was given. */
static bool stats_wanted;

bool cli_stats_wanted(void)
{
	return stats_wanted;
}

void cli_set_commands(const struct cli_command *table, size_t count)
{
	commands = table;
	command_count = count;
}

const struct cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < command_count; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

void cli_set_command(const struct cli_command *command)
{
	current = command;
}

void cli_print_limits_help(FILE *out)
{
	fputs("LIMITS:\n"
	      "  --cpu-max 50%|QUOTA/PERIOD|max  --cpu-weight 1..10000  --cpu-idle 0|1\n"
	      "  --memory-max SIZE|max  --memory-high SIZE|max  --memory-low SIZE|max\n"
	      "  --memory-min SIZE|max  --memory-swap-max SIZE|max\n"
	      "  --pids-max N|max  --cpuset CPULIST  --cpuset-mems NODELIST  --io-weight 1..10000\n"
	      "  --io-max MAJ:MIN|/dev/DISK:rbps=N,wbps=N,riops=N,wiops=N (repeatable)\n"
	      "SIZE: 4096, 64K, 256M, 2G, 1T. NAME: levels of [A-Za-z0-9_.-]{1,63} joined by '/'.\n",
	      out);
}

static void print_synopsis(FILE *out, const struct cli_command *c)
{
	fprintf(out, "usage: kcg %s%s%s\n", c->name, c->synopsis[0] ? " " : "", c->synopsis);
}

void cli_print_help(FILE *out, const struct cli_command *c)
{
	print_synopsis(out, c);
	fprintf(out, "%s\n", c->summary);
	if (c->limits)
		cli_print_limits_help(out);
	fputs("Options -j (JSON), -p (pretty) and -s (stats) go before or after the command. "
	      "See kcg(8).\n", out);
}

/* All commands, for kcg -h and kcg help. */
void cli_print_overview(FILE *out)
{
	fputs("usage: kcg [-j|--json] [-p|--pretty] [-s|--stats] [-V|--version] [-h|--help] "
	      "COMMAND [ARG...]\n"
	      "Container groups of the kcg kernel module. Without a COMMAND: list.\n"
	      "COMMANDS:\n", out);
	for (size_t i = 0; i < command_count; i++)
		fprintf(out, "  %s%s%s\n", commands[i].name, commands[i].synopsis[0] ? " " : "",
			commands[i].synopsis);
	cli_print_limits_help(out);
	fputs("'kcg help COMMAND' or 'kcg COMMAND --help' for one command; kcg(8) for all.\n", out);
}

void cli_print_version(void)
{
	print_open_object(NULL);
	print_string("tool", "kcg %s", cli_tool_version);
	print_close_object();
	print_end_record();
}

struct kcg *cli_connect(void)
{
	struct kcg *k;
	int err = kcg_open(&k);

	/* Only a family the kernel does not know means the module is missing. */
	if (err == -ENOENT) {
		fputs("kcg: the kcg kernel module is not loaded; load it with 'modprobe kcg'\n",
		      stderr);
		return NULL;
	}
	if (err) {
		cli_message("cannot reach the kcg module over generic netlink: %s", strerror(-err));
		return NULL;
	}
	return k;
}

static void vmessage(const char *fmt, va_list ap)
{
	char *msg;

	fputs("kcg: ", stderr);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		escape_text(stderr, msg);
		free(msg);
	} else {
		escape_text(stderr, fmt);
	}
	fputc('\n', stderr);
}

void cli_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

int cli_error(struct kcg *k, int err, const char *what)
{
	const char *msg = kcg_errmsg(k);

	cli_message("%s: %s", what, msg ? msg : strerror(-err));
	return 1;
}

int cli_group_error(struct kcg *k, int err, const char *command, const char *name)
{
	char what[KCG_NAME_MAX + 32];

	snprintf(what, sizeof(what), "%s %s", command, name);
	return cli_error(k, err, what);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return 2;
}

/*
 * A mistake in a command's line is followed by its synopsis; before the
 * command, one line points to the help.
 */
int cli_syntax(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!current) {
		cli_message("%s; try 'kcg help'", msg ? msg : fmt);
	} else {
		cli_message("%s", msg ? msg : fmt);
		print_synopsis(stderr, current);
	}
	free(msg);
	return 2;
}

/*
 * cli_getopt hands getopt_long the command's options with vals of its own,
 * so that after an error optopt tells which option it was: a command
 * option's val is OPT_COMMAND + its index, a global long option's
 * OPT_GLOBAL + its index; an unknown short option leaves its character,
 * an unknown long one 0.
 */
enum { OPT_GLOBAL = 0x1000, OPT_COMMAND = 0x2000, OPTIONS_MAX = 64 };

static const struct option global_options[] = {
	{ "json",    no_argument, NULL, 'j' },
	{ "pretty",  no_argument, NULL, 'p' },
	{ "stats",   no_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ "help",    no_argument, NULL, 'h' },
};

#define GLOBAL_COUNT (sizeof(global_options) / sizeof(global_options[0]))

/* What cli_bad_option() reports: the options of the failed cli_getopt call. */
static const struct option *failed_options;

static size_t count_options(const struct option *options)
{
	size_t n = 0;

	while (options && options[n].name)
		n++;
	return n;
}

/* The option an optopt stands for, or NULL. */
static const struct option *option_of(int opt)
{
	if (opt >= OPT_COMMAND && opt - OPT_COMMAND < (int)count_options(failed_options))
		return &failed_options[opt - OPT_COMMAND];
	if (opt >= OPT_GLOBAL && opt - OPT_GLOBAL < (int)GLOBAL_COUNT)
		return &global_options[opt - OPT_GLOBAL];
	return NULL;
}

/* How many long options, command's and global, begin with the len bytes of word. */
static int prefix_matches(const char *word, size_t len)
{
	size_t n = count_options(failed_options);
	int matches = 0;

	for (size_t i = 0; i < n + GLOBAL_COUNT; i++) {
		const char *name = i < n ? failed_options[i].name : global_options[i - n].name;

		if (strncmp(name, word, len) == 0)
			matches++;
	}
	return matches;
}

/* Flush stdout: true, said on stderr, if anything written to it was lost (a full disk). */
bool cli_output_failed(void)
{
	if (fflush(stdout) != 0)
		cli_message("cannot write the output: %s", strerror(errno));
	else if (ferror(stdout))
		cli_message("cannot write the output");	/* an earlier flush failed */
	else
		return false;
	return true;
}

int cli_getopt(int argc, char **argv, const struct option *options, bool stop)
{
	struct option merged[OPTIONS_MAX + GLOBAL_COUNT + 1];
	size_t n = count_options(options), i;
	int opt;

	/* A programming error, caught by every test of the command. */
	if (n > OPTIONS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		merged[i] = options[i];
		merged[i].flag = NULL;
		merged[i].val = OPT_COMMAND + (int)i;
	}
	for (size_t g = 0; g < GLOBAL_COUNT; g++, i++) {
		merged[i] = global_options[g];
		merged[i].val = OPT_GLOBAL + (int)g;
	}
	merged[i] = (struct option){ NULL, 0, NULL, 0 };
	opterr = 0;

	for (;;) {
		opt = getopt_long(argc, argv, stop ? "+jpsVh" : "jpsVh", merged, NULL);
		if (opt >= OPT_COMMAND)
			return options[opt - OPT_COMMAND].val;
		if (opt >= OPT_GLOBAL)
			opt = global_options[opt - OPT_GLOBAL].val;
		switch (opt) {
		case 'j':
			print_init(stdout, true, print_is_pretty());
			break;
		case 'p':
			print_init(stdout, print_is_json(), true);
			break;
		case 's':
			stats_wanted = true;
			break;
		case 'V':
			cli_print_version();
			exit(cli_output_failed() ? 1 : 0);
		case 'h':
			if (current)
				cli_print_help(stdout, current);
			else
				cli_print_overview(stdout);
			exit(cli_output_failed() ? 1 : 0);
		case '?':
			failed_options = options;
			return '?';
		default:
			return opt;
		}
	}
}

int cli_bad_option(char **argv)
{
	const char *word = argv[optind - 1], *eq;
	const struct option *o = option_of(optopt);
	const char *prefix = current ? current->name : "", *sep = current ? ": " : "";
	size_t len;

	if (o && o->has_arg == no_argument)
		return cli_syntax("%s%soption '--%s' takes no value", prefix, sep, o->name);
	if (o)
		return cli_syntax("%s%soption '--%s' needs a value", prefix, sep, o->name);
	if (optopt)
		return cli_syntax("%s%sunknown option '-%c'", prefix, sep, optopt);
	/* An unknown long option: glibc has stepped over it. */
	eq = strchr(word, '=');
	len = eq ? (size_t)(eq - word) : strlen(word);
	if (len > 2 && prefix_matches(word + 2, len - 2) > 1)
		return cli_syntax("%s%sambiguous option '%.*s'", prefix, sep, (int)len, word);
	return cli_syntax("%s%sunknown option '%.*s'", prefix, sep, (int)len, word);
}

int cli_check_group_name(const char *command, const char *name)
{
	switch (parse_group_name(name)) {
	case 0:
		return 0;
	case -ENAMETOOLONG:
		return cli_usage("%s: group name too long (levels up to %d, all up to %d): %s",
				 command, KCG_NAME_LEVEL_MAX, KCG_NAME_MAX, name);
	default:
		return cli_usage("%s: bad group name '%s': levels of [A-Za-z0-9_.-] joined by '/', "
				 "not '.' or '..'", command, name);
	}
}

int cli_compare_names(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = *a == '/' ? 1 : (unsigned char)*a;
		unsigned char cb = *b == '/' ? 1 : (unsigned char)*b;

		if (ca != cb || !ca)
			return ca - cb;
	}
}

int cli_watch_option(const char *command, int opt, const char *arg, struct watch *w)
{
	uint32_t count;

	if (opt == 'i') {
		if (parse_seconds(arg, &w->interval_s))
			return cli_usage("%s: bad --interval '%s': seconds, > 0 and <= %d",
					 command, arg, PARSE_SECONDS_MAX);
		return 0;
	}
	if (parse_u32_range(arg, 1, UINT32_MAX, &count))
		return cli_usage("%s: bad --count '%s': a number of samples, >= 1", command, arg);
	w->count = count;
	return 0;
}

int cli_sample_error(struct kcg *k, int err, const char *command, const char *failed)
{
	return failed ? cli_group_error(k, err, command, failed) : cli_error(k, err, command);
}
