// SPDX-License-Identifier: GPL-2.0
/*
 * kcgbench: the host-built half of `make bench` (the BPF half, kcgbench-bpf,
 * is built inside the VM against the running kernel's BTF). One binary with
 * subcommands, so tests/bench/guest drives every benchmark through one tool
 * and each measurement is a separate, short process.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "create-kcg", cmd_create_kcg },
	{ "create-mkdir", cmd_create_mkdir },
	{ "delete-kcg", cmd_delete_kcg },
	{ "delete-mkdir", cmd_delete_mkdir },
	{ "tasks", cmd_tasks },
	{ "dump", cmd_dump },
	{ "files", cmd_files },
	{ "pingpong", cmd_pingpong },
	{ "events", cmd_events },
};

int main(int argc, char **argv)
{
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[1], cmds[i].name))
				return cmds[i].fn(argc - 1, argv + 1);
	}
	fputs("usage: kcgbench COMMAND ARGS...; commands:", stderr);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, " %s", cmds[i].name);
	fputc('\n', stderr);
	return 2;
}
