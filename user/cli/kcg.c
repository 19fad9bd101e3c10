// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg: command-line front end to the kcg kernel module. This file is the
 * dispatcher only: the command table and main. The commands are in
 * cmd_*.c (help and version in cmd_tool.c); what they share is in
 * common.c, which calls none of them.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "print.h"

/* The only place a command's synopsis is written: help and usage errors print it. */
static const struct cli_command commands[] = {
	{ "create", cmd_create, "NAME [--parent P] [--owner USER|UID] [LIMITS]",
	  "Create a group with its limits, in one request.", true },
	{ "set", cmd_set, "NAME LIMITS",
	  "Change limits of a group; those not given stay.", true },
	{ "delete", cmd_delete, "NAME [--force]",
	  "Delete a group; --force kills its tasks first.", false },
	{ "list", cmd_list, "[--tree]",
	  "One line per group (the default command).", false },
	{ "show", cmd_show, "NAME [-s|--stats]",
	  "A group's limits, state and cgroup; with -s its counters too.", false },
	{ "ps", cmd_ps, "NAME [--tree]",
	  "The processes of a group; --tree adds the groups below, each under its own.", false },
	{ "attach", cmd_attach, "NAME PID...",
	  "Move processes, with their threads, into a group.", false },
	{ "run", cmd_run, "NAME [--create [LIMITS] [--rm]] [--ns pid,mnt,uts,ipc,net,user|all] "
	  "[--hostname H] [--uid U] [--gid G] [--chdir D] [--setenv K=V]... [--] CMD [ARG...]",
	  "Run CMD in a group, which it is in before it starts; the group may be made "
	  "for it, and removed after.", true },
	{ "freeze", cmd_freeze, "NAME",
	  "Freeze every task of a group and of the groups below.", false },
	{ "thaw", cmd_thaw, "NAME",
	  "Thaw a frozen group.", false },
	{ "kill", cmd_kill, "NAME [--signal SIG]",
	  "Signal every process of a group and of the groups below (default KILL).", false },
	{ "adopt", cmd_adopt, "CGROUP_PATH [--name N]",
	  "Account an existing cgroup as a group; kcg never changes it.", false },
	{ "apply", cmd_apply, "-f FILE [--prune] [--dry-run]",
	  "Make the groups what FILE says: create, set and (--prune) delete.", false },
	{ "stats", cmd_stats, "[NAME...] [--interval S] [--count N]",
	  "Counters of groups, or their rates every S seconds.", false },
	{ "top", cmd_top, "[NAME...] [--depth N] [--interval S] [--batch] [--count N] "
	  "[--sort cpu|mem|tasks|delay|name]",
	  "Live view of the groups by CPU, memory, tasks or run delay.", false },
	{ "monitor", cmd_monitor, "[NAME...] [--type TYPE,...] [--time mono|wall|iso]",
	  "The module's events as they happen, one line each.", false },
	{ "export", cmd_export, "[--listen ADDR:PORT | --textfile FILE [--interval S]]",
	  "Prometheus metrics of the groups: served on /metrics, or written to FILE.", false },
	{ "trace", cmd_trace, "NAME runqlat|offcpu|syscalls [--duration S] [--interval S] "
	  "[--per-task] [--min-us N] [--top N]",
	  "BPF tracing of a group's subtree: run-queue waits, off-CPU stacks or syscalls.", false },
	{ "version", cmd_version, "",
	  "Versions of the tool and of the module, with its protocol and features.", false },
	{ "help", cmd_help, "[COMMAND]",
	  "Help on one command, or on all.", false },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))
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
