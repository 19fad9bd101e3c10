// SPDX-License-Identifier: GPL-2.0
/*
 * P2: a pipe ping-pong between two tasks of one group, as `perf bench sched
 * pipe` does. Both tasks are pinned to one CPU, so each round trip is
 * exactly two context switches between them and no cross-CPU wake-up (IPI,
 * idle exit) blurs the cost of the switch that the probes add to.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define WARMUP_ROUNDS 1000

static void join_cgroup(const char *cgroup)
{
	char path[PATH_MAX], pid[32];
	int fd, len;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(errno, "open %s", path);
	len = snprintf(pid, sizeof(pid), "%d", getpid());
	if (write(fd, pid, (size_t)len) != len)
		die(errno, "join %s", cgroup);
	close(fd);
}

static void pin(unsigned long cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die(errno, "pin to CPU %lu", cpu);
}

static void bounce(int in, int out, unsigned long rounds)
{
	char c = 0;

	for (unsigned long i = 0; i < rounds; i++) {
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			die(errno, "child pipe");
	}
}

static void serve(int out, int in, unsigned long rounds)
{
	char c = 0;

	for (unsigned long i = 0; i < rounds; i++) {
		if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
			die(errno, "parent pipe");
	}
}

/*
 * kcgbench pingpong CGROUP_DIR ROUND_TRIPS CPU: prints "ns_per_round_trip
 * round_trips". Joins CGROUP_DIR first; the child inherits it.
 */
int cmd_pingpong(int argc, char **argv)
{
	unsigned long rounds, cpu;
	int ping[2], pong[2], status;
	uint64_t t0, ns;
	pid_t child;

	if (argc != 4)
		die(0, "usage: pingpong CGROUP_DIR ROUND_TRIPS CPU");
	rounds = arg_ulong(argv[2], "round trips");
	cpu = arg_ulong(argv[3], "cpu");
	join_cgroup(argv[1]);
	pin(cpu);
	if (pipe(ping) || pipe(pong))
		die(errno, "pipe");
	child = fork();
	if (child < 0)
		die(errno, "fork");
	if (child == 0) {
		bounce(ping[0], pong[1], WARMUP_ROUNDS + rounds);
		_exit(0);
	}
	serve(ping[1], pong[0], WARMUP_ROUNDS);
	t0 = now_ns();
	serve(ping[1], pong[0], rounds);
	ns = now_ns() - t0;
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die(0, "ping-pong child failed");
	printf("%.1f %lu\n", (double)ns / (double)rounds, rounds);
	return 0;
}
