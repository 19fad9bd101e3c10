// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg: command-line front end to the kcg kernel module. This file is the
 * dispatcher: the command table, main, and the commands about the tool
 * itself (help, version). The commands are in cmd_*.c; what they share is
 * in common.c, which calls none of them.
 */
#include <inttypes.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "print.h"

/* The only place a command's synopsis is written: help and usage errors print it. */
static const struct cli_command commands[] = {
	{ "create", cmd_create, "NAME [--parent P] [--owner UID] [LIMITS]",
	  "Create a group with its limits, in one request.", true },
	{ "set", cmd_set, "NAME LIMITS",
	  "Change limits of a group; those not given stay.", true },
	{ "delete", cmd_delete, "NAME [--force]",
	  "Delete a group; --force kills its tasks first.", false },
	{ "list", cmd_list, "[--tree]",
	  "One line per group (the default command).", false },
	{ "show", cmd_show, "NAME",
	  "A group's limits, state and cgroup.", false },
	{ "attach", cmd_attach, "NAME PID...",
	  "Move processes, with their threads, into a group.", false },
	{ "run", cmd_run, "NAME [--ns pid,mnt,uts,ipc,net,user|all] [--hostname H] [--uid U] "
	  "[--gid G] [--chdir D] [--setenv K=V]... [--] CMD [ARG...]",
	  "Run CMD in a group, which it is in before it starts.", false },
	{ "freeze", cmd_freeze, "NAME",
	  "Freeze every task of a group and of the groups below.", false },
	{ "thaw", cmd_thaw, "NAME",
	  "Thaw a frozen group.", false },
	{ "kill", cmd_kill, "NAME [--signal SIG]",
	  "Signal every process of a group and of the groups below (default KILL).", false },
	{ "adopt", cmd_adopt, "CGROUP_PATH [--name N]",
	  "Account an existing cgroup as a group; kcg never changes it.", false },
	{ "stats", cmd_stats, "[NAME...] [--interval S] [--count N]",
	  "Counters of groups, or their rates every S seconds.", false },
	{ "top", cmd_top, "[--interval S] [--batch] [--count N] [--sort cpu|mem|tasks|delay|name]",
	  "Live view of the groups by CPU, memory, tasks or run delay.", false },
	{ "monitor", cmd_monitor, "[NAME...] [--type TYPE,...] [--time mono|wall|iso]",
	  "The module's events as they happen, one line each.", false },
	{ "trace", cmd_trace, "NAME runqlat|offcpu|syscalls [--duration S] [--interval S] "
	  "[--per-task] [--min-us N] [--top N]",
	  "BPF tracing of a group's subtree: run-queue waits, off-CPU stacks or syscalls.", false },
	{ "version", cmd_version, "",
	  "Versions of the tool and of the module, with its protocol and features.", false },
	{ "help", cmd_help, "[COMMAND]",
	  "Help on one command, or on all.", false },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))
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

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *c;
	int status;

	cli_set_commands(commands, COMMAND_COUNT);
	print_init(stdout, false, false);
	if (cli_getopt(argc, argv, options, true) != -1)
		return cli_bad_option(argv);
	argc -= optind;
	argv += optind;
	/*
	 * Commands parse their own options from a fresh getopt state; 0, not 1,
	 * makes glibc also forget the "+" (no permuting) used above.
	 */
	optind = 0;

	if (argc == 0) {
		c = cli_find_command("list");
		argv = (char *[]){ "list", NULL };
		argc = 1;
	} else {
		c = cli_find_command(argv[0]);
		if (!c)
			return cli_usage("unknown command '%s'; try 'kcg help'", argv[0]);
	}
	cli_set_command(c);
	status = c->run(argc, argv);
	/* Output that was lost is a failure, not a success. */
	if (cli_output_failed() && !status)
		status = 1;
	print_finish();
	return status;
}
