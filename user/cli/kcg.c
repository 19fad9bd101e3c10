// SPDX-License-Identifier: GPL-2.0-or-later
/* kcg: command-line front end to the kcg kernel module. */
#include <errno.h>
#include <inttypes.h>
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

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "create",  cmd_create },
	{ "set",     cmd_set },
	{ "delete",  cmd_delete },
	{ "list",    cmd_list },
	{ "show",    cmd_show },
	{ "attach",  cmd_attach },
	{ "run",     cmd_run },
	{ "freeze",  cmd_freeze },
	{ "thaw",    cmd_thaw },
	{ "kill",    cmd_kill },
	{ "adopt",   cmd_adopt },
	{ "stats",   cmd_stats },
	{ "top",     cmd_top },
	{ "monitor", cmd_monitor },
	{ "version", cmd_version },
};

static void usage(FILE *out)
{
	fputs("Usage: kcg [-j|--json] [-p|--pretty] [-V|--version] COMMAND ...\n"
	      "Commands:\n"
	      "  create NAME [--parent P] [--owner UID] [LIMITS]\n"
	      "  set NAME LIMITS\n"
	      "  delete NAME [--force]\n"
	      "  list [--tree]                 (the default command)\n"
	      "  show NAME\n"
	      "  attach NAME PID...\n"
	      "  run NAME [--ns pid,mnt,uts,ipc,net,user|all] [--hostname H] -- CMD [ARG...]\n"
	      "  freeze NAME | thaw NAME | kill NAME [--signal SIG]\n"
	      "  adopt CGROUP_PATH [--name N]\n"
	      "  stats [NAME...] [--interval S] [--count N]\n"
	      "  top [--interval S] [--batch] [--count N] [--sort cpu|mem|tasks|delay|name]\n"
	      "  monitor [NAME...]             (events until interrupted; needs CAP_SYS_ADMIN)\n"
	      "  version\n"
	      "LIMITS:\n"
	      "  --cpu-max 50%|QUOTA/PERIOD|max  --cpu-weight 1..10000\n"
	      "  --memory-max SIZE|max  --memory-high SIZE|max  --memory-low SIZE\n"
	      "  --pids-max N|max  --cpuset CPULIST\n"
	      "  --io-max MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N (repeatable)\n"
	      "SIZE: 4096, 64K, 256M, 2G, 1T. See kcg(8).\n", out);
}

struct kcg *cli_connect(void)
{
	struct kcg *k;
	int err = kcg_open(&k);

	if (err == -ENOENT) {
		fputs("kcg: the kcg kernel module is not loaded; load it with 'modprobe kcg'\n",
		      stderr);
		return NULL;
	}
	if (err) {
		cli_message("cannot open generic netlink: %s", strerror(-err));
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

int cli_bad_option(char **argv)
{
	/*
	 * Commands have long options only. glibc sets optopt to the option's
	 * value when a known long option lacks its value, to 0 when unknown.
	 */
	if (optopt && strncmp(argv[optind - 1], "--", 2) == 0)
		return cli_usage("%s: option '%s' needs a value", argv[0], argv[optind - 1]);
	return cli_usage("%s: unknown option '%s'", argv[0], argv[optind - 1]);
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

int cmd_version(int argc, char **argv)
{
	struct kcg_version v;
	struct kcg *k;
	int err;

	(void)argv;
	if (argc > 1)
		return cli_usage("version takes no arguments");
	print_open_object(NULL);
	print_string("tool", "kcg %s", KCG_TOOL_VERSION);
	k = cli_connect();
	if (!k) {
		print_close_object();
		print_end_record();
		return 1;
	}
	err = kcg_version_get(k, &v);
	if (err) {
		print_close_object();
		print_end_record();
		err = cli_error(k, err, "version");
		kcg_close(k);
		return err;
	}
	print_open_object("module");
	print_string("version", ", module %s", v.module);
	print_u64("protocol", " (protocol %" PRIu64, v.protocol);
	print_u64("features", ", features 0x%" PRIx64 ")", v.features);
	print_close_object();
	print_close_object();
	print_end_record();
	kcg_close(k);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "pretty",  no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, pretty = false, version = false;
	int opt, status;

	while ((opt = getopt_long(argc, argv, "+jpVh", options, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'p': pretty = true; break;
		case 'V': version = true; break;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return 2;
		}
	}
	print_init(stdout, json, pretty);
	argc -= optind;
	argv += optind;
	/*
	 * Commands parse their own options from a fresh getopt state; 0, not 1,
	 * makes glibc also forget the "+" (no permuting) used above.
	 */
	optind = 0;
	opterr = 0;

	if (version)
		return cmd_version(1, (char *[]){ "version", NULL });
	if (argc == 0) {
		status = cmd_list(1, (char *[]){ "list", NULL });
		print_finish();
		return status;
	}

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			status = commands[i].run(argc, argv);
			print_finish();
			return status;
		}
	}
	return cli_usage("unknown command '%s'; try 'kcg --help'", argv[0]);
}
