// SPDX-License-Identifier: GPL-2.0
/*
 * Group setup for the benchmarks. P3 compares creating groups with three
 * limits through kcg (one netlink request each, no NLM_F_ECHO) against what
 * a runtime does without kcg: mkdir plus one open/write/close per limit.
 * Both arms set the same values and report "seconds groups".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkcg.h>
#include <linux/kcg.h>

#include "bench.h"

/* The limits P3 sets, as cgroup file contents and as libkcg values. */
#define MEMORY_MAX	(256ull << 20)
#define PIDS_MAX	64
#define CPU_QUOTA	50000
#define CPU_PERIOD	100000

struct range {
	const char *prefix;
	unsigned long start, count;
};

static struct range parse_range(char **argv)
{
	return (struct range){
		.prefix = argv[0],
		.start = arg_ulong(argv[1], "start"),
		.count = arg_ulong(argv[2], "count"),
	};
}

static struct kcg *open_kcg(void)
{
	struct kcg *k;
	int err = kcg_open(&k);

	if (err)
		die(-err, "kcg_open (module not loaded?)");
	return k;
}

/* kcgbench create-kcg PREFIX START COUNT */
int cmd_create_kcg(int argc, char **argv)
{
	struct kcg_limits *limits;
	struct range r;
	struct kcg *k;
	char name[64];
	struct pass t;

	if (argc != 4)
		die(0, "usage: create-kcg PREFIX START COUNT");
	r = parse_range(argv + 1);
	k = open_kcg();
	limits = kcg_limits_new();
	if (!limits)
		die(ENOMEM, "limits");
	kcg_limits_set_memory_max(limits, MEMORY_MAX);
	kcg_limits_set_pids_max(limits, PIDS_MAX);
	kcg_limits_set_cpu_max(limits, CPU_QUOTA, CPU_PERIOD);

	pass_start(&t);
	for (unsigned long i = r.start; i < r.start + r.count; i++) {
		int err;

		snprintf(name, sizeof(name), "%s%lu", r.prefix, i);
		err = kcg_group_new(k, name, KCG_OWNER_NONE, limits, NULL);
		if (err)
			die(-err, "create %s: %s", name, kcg_errmsg(k));
	}
	pass_end(&t, r.count);
	kcg_limits_free(limits);
	kcg_close(k);
	return 0;
}

/* kcgbench delete-kcg PREFIX START COUNT (groups without tasks) */
int cmd_delete_kcg(int argc, char **argv)
{
	struct range r;
	struct kcg *k;
	char name[64];

	if (argc != 4)
		die(0, "usage: delete-kcg PREFIX START COUNT");
	r = parse_range(argv + 1);
	k = open_kcg();
	for (unsigned long i = r.start; i < r.start + r.count; i++) {
		int err;

		snprintf(name, sizeof(name), "%s%lu", r.prefix, i);
		err = kcg_group_del(k, name, true);
		if (err)
			die(-err, "delete %s: %s", name, kcg_errmsg(k));
	}
	kcg_close(k);
	return 0;
}

static void write_file(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(errno, "open %s", path);
	if (write(fd, value, len) != (ssize_t)len)
		die(errno, "write %s", path);
	close(fd);
}

/*
 * kcgbench create-mkdir PARENT PREFIX START COUNT: the baseline, as runc or
 * systemd do it. PARENT must have +cpu +memory +pids in subtree_control and
 * sit at the same depth as the kcg root, so both arms make equal cgroups.
 */
int cmd_create_mkdir(int argc, char **argv)
{
	char dir[PATH_MAX], cpu_max[64], memory_max[32], pids_max[32];
	struct range r;
	struct pass t;

	if (argc != 5)
		die(0, "usage: create-mkdir PARENT PREFIX START COUNT");
	r = parse_range(argv + 2);
	snprintf(cpu_max, sizeof(cpu_max), "%d %d", CPU_QUOTA, CPU_PERIOD);
	snprintf(memory_max, sizeof(memory_max), "%llu", MEMORY_MAX);
	snprintf(pids_max, sizeof(pids_max), "%d", PIDS_MAX);

	pass_start(&t);
	for (unsigned long i = r.start; i < r.start + r.count; i++) {
		snprintf(dir, sizeof(dir), "%s/%s%lu", argv[1], r.prefix, i);
		if (mkdir(dir, 0755))
			die(errno, "mkdir %s", dir);
		write_file(dir, "memory.max", memory_max);
		write_file(dir, "pids.max", pids_max);
		write_file(dir, "cpu.max", cpu_max);
	}
	pass_end(&t, r.count);
	return 0;
}

/* kcgbench delete-mkdir PARENT PREFIX START COUNT */
int cmd_delete_mkdir(int argc, char **argv)
{
	char dir[PATH_MAX];
	struct range r;

	if (argc != 5)
		die(0, "usage: delete-mkdir PARENT PREFIX START COUNT");
	r = parse_range(argv + 2);
	for (unsigned long i = r.start; i < r.start + r.count; i++) {
		snprintf(dir, sizeof(dir), "%s/%s%lu", argv[1], r.prefix, i);
		if (rmdir(dir))
			die(errno, "rmdir %s", dir);
	}
	return 0;
}

/* A forked copy shares every page with us: 1,000 sleepers stay cheap. */
static void sleep_forever(long unused)
{
	(void)unused;
	for (;;)
		pause();
}

/*
 * kcgbench tasks PREFIX COUNT READYFILE: one sleeping task in each of the
 * groups PREFIX0..PREFIX{COUNT-1}; creates READYFILE once they all run, and
 * on SIGTERM kills them and exits, so the groups are empty again.
 */
int cmd_tasks(int argc, char **argv)
{
	unsigned long count;
	char dir[PATH_MAX];
	sigset_t set;
	pid_t *pids;
	int sig, fd;

	if (argc != 4)
		die(0, "usage: tasks PREFIX COUNT READYFILE");
	count = arg_ulong(argv[2], "count");
	pids = calloc(count ? count : 1, sizeof(*pids));
	if (!pids)
		die(ENOMEM, "pids");
	/* Blocked before any child exists, so no SIGTERM is lost. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	for (unsigned long i = 0; i < count; i++) {
		snprintf(dir, sizeof(dir), "%s/%s%lu", KCG_CGROUP_DIR, argv[1], i);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			die(errno, "open %s", dir);
		pids[i] = spawn_in_cgroup(fd, sleep_forever, 0);
		close(fd);
	}
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(errno, "create %s", argv[3]);
	close(fd);

	sigwait(&set, &sig);
	for (unsigned long i = 0; i < count; i++)
		kill(pids[i], SIGKILL);
	for (unsigned long i = 0; i < count; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	return 0;
}
