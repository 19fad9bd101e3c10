// SPDX-License-Identifier: GPL-2.0-or-later
/* The commands about the tool itself: version and help. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "print.h"

/* Commands without options of their own: the globals, and no argument. */
static int no_arguments(int argc, char **argv)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};

	if (cli_getopt(argc, argv, options, false) != -1)
		return cli_bad_option(argv);
	if (optind < argc)
		return cli_syntax("%s: unexpected argument '%s'", argv[0], argv[optind]);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	struct kcg_version v;
	struct kcg *k;
	int err;

	err = no_arguments(argc, argv);
	if (err)
		return err;
	print_open_object(NULL);
	print_string("tool", "kcg %s", cli_tool_version);
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

int cmd_help(int argc, char **argv)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *c;

	if (cli_getopt(argc, argv, options, false) != -1)
		return cli_bad_option(argv);
	if (optind == argc) {
		cli_print_overview(stdout);
		return 0;
	}
	if (optind + 1 < argc)
		return cli_syntax("help: unexpected argument '%s'", argv[optind + 1]);
	c = cli_find_command(argv[optind]);
	if (!c)
		return cli_usage("help: unknown command '%s'; try 'kcg help'", argv[optind]);
	cli_print_help(stdout, c);
	return 0;
}
