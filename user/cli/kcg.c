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

#include "cli.h"
#include "print.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "version", cmd_version },
};

static void usage(FILE *out)
{
	fputs("Usage: kcg [-j|--json] [-p|--pretty] [-V|--version] COMMAND ...\n"
	      "Commands:\n"
	      "  version              tool and module versions\n"
	      "See kcg(8).\n", out);
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
		fprintf(stderr, "kcg: cannot open generic netlink: %s\n", strerror(-err));
		return NULL;
	}
	return k;
}

int cli_error(struct kcg *k, int err, const char *what)
{
	const char *msg = kcg_errmsg(k);

	fprintf(stderr, "kcg: %s: %s\n", what, msg ? msg : strerror(-err));
	return 1;
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("kcg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
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

	if (version)
		return cmd_version(1, (char *[]){ "version", NULL });
	if (argc == 0)
		return cli_usage("no command given; try 'kcg --help'");

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			optind = 1;
			status = commands[i].run(argc, argv);
			print_finish();
			return status;
		}
	}
	return cli_usage("unknown command '%s'; try 'kcg --help'", argv[0]);
}
