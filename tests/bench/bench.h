/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the benchmark programs: timing, fatal errors, the cgroup paths
 * and the record every P1 reader fills, so that the three ways of reading
 * stats (kcg dump, cgroup files, BPF iterator) do the same work per group.
 */
#ifndef KCG_BENCH_H
#define KCG_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define KCG_CGROUP_DIR	CGROUP_ROOT "/kcg"

/* The fields each P1 reader extracts for one group. */
struct bench_rec {
	uint64_t cpu_usec;
	uint64_t memory_current;
	uint64_t memory_high;	/* memory.events counters */
	uint64_t memory_max;
	uint64_t memory_oom;
	uint64_t memory_oom_kill;
	uint64_t pids_current;
};

/* A growable array of records; one full pass fills it from empty. */
struct bench_recs {
	struct bench_rec *v;
	size_t n, cap;
};

struct bench_rec *recs_add(struct bench_recs *r);

uint64_t now_ns(void);
/* Print "bench: MSG: strerror(errno)" (or without errno when err is 0) and exit 1. */
_Noreturn void die(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a non-negative decimal argument or die. */
unsigned long arg_ulong(const char *s, const char *what);
/*
 * Start child(arg) in a process of its own, directly in the cgroup open at
 * cgroup_fd: clone3 with CLONE_INTO_CGROUP saves the write to cgroup.procs
 * that fork + attach would cost. The child is a copy of the calling thread
 * alone and should call only async-signal-safe functions; it exits when
 * child returns.
 */
pid_t spawn_in_cgroup(int cgroup_fd, void (*child)(long arg), long arg);

/*
 * A timed pass. pass_end() prints "seconds groups user_seconds sys_seconds",
 * the line the guest script collects; the CPU split shows whether the time
 * went to the kernel or to parsing in userspace.
 */
struct pass {
	uint64_t t0;
	double user0, sys0;
};

void pass_start(struct pass *p);
void pass_end(const struct pass *p, size_t groups);

/* kcgbench subcommands, one per file by topic; argv[0] is the subcommand. */
int cmd_create_kcg(int argc, char **argv);	/* groups.c, P3 */
int cmd_create_mkdir(int argc, char **argv);
int cmd_delete_kcg(int argc, char **argv);
int cmd_delete_mkdir(int argc, char **argv);
int cmd_tasks(int argc, char **argv);		/* groups.c, P1 setup */
int cmd_dump(int argc, char **argv);		/* stats.c, P1 (a) */
int cmd_files(int argc, char **argv);		/* stats.c, P1 (b) */
int cmd_pingpong(int argc, char **argv);	/* pingpong.c, P2 */
int cmd_events(int argc, char **argv);		/* events.c, P4 */

#endif /* KCG_BENCH_H */
