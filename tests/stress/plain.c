// SPDX-License-Identifier: GPL-2.0
/*
 * A plain client (kcg-stress --plain): the same ops on the same names, but
 * straight on cgroupfs below /sys/fs/cgroup/PREFIX-plain, without kcg. It
 * is the warm-up before the leak baseline: the kernel's own pools that a
 * load like this grows for good (kworkers, percpu chunks, slab pages) are
 * grown before the baseline is read, so what the stress run leaves above
 * it is kcg's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "stress.h"

#define CG "/sys/fs/cgroup"

static const char *const limit_files[][4] = {
	{ "cpu.max", "max 100000", "50000 100000", "10000 50000" },
	{ "cpu.weight", "1", "100", "10000" },
	{ "memory.max", "max", "67108864", "12582912" },
	{ "memory.high", "max", "268435456", "10485760" },
	{ "pids.max", "max", "32", "4" },
	{ "cpuset.cpus", "0", "1", "0-1" },
};

static int put(const char *dir, const char *file, const char *value)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

static int get(const char *dir, const char *file)
{
	char path[512], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -errno : 0;
}

static int list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		;
	closedir(d);
	return 0;
}

/* A child needs the controllers on in its parent, which then holds no tasks. */
static int make(const char *dir)
{
	char parent[512];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = 0;
	if (put(parent, "cgroup.subtree_control", "+cpu +memory +pids +cpuset") && errno == EBUSY)
		return -EBUSY;
	return mkdir(dir, 0755) ? -errno : 0;
}

static int drop(const char *dir, bool force)
{
	int i;

	if (force && !put(dir, "cgroup.kill", "1"))
		for (i = 0; i < 50 && rmdir(dir) && errno == EBUSY; i++)
			fz_pause_ms(20);
	return rmdir(dir) ? -errno : 0;
}

/* Every cgroup below the plain top, deepest first, thawed and emptied, then the top. */
void st_plain_cleanup(const struct st_config *cfg)
{
	char top[256], dir[512];
	int i;

	snprintf(top, sizeof(top), CG "/%s-plain", cfg->prefix);
	for (i = ST_NAMES - 1; i >= 0; i--) {
		snprintf(dir, sizeof(dir), "%s/%s", top, st_names[i]);
		put(dir, "cgroup.freeze", "0");
		drop(dir, true);
	}
	rmdir(top);
}

int st_plain_setup(const struct st_config *cfg)
{
	char top[256];

	snprintf(top, sizeof(top), CG "/%s-plain", cfg->prefix);
	put(CG, "cgroup.subtree_control", "+cpu +memory +pids +cpuset");
	return mkdir(top, 0755) && errno != EEXIST ? -errno : 0;
}

void st_plain_run(const struct st_config *cfg, struct st_shared *sh, int index)
{
	struct st_client_stats *cs = &sh->client[index];
	struct fz_rng r = { .s = cfg->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(index + 1)) };
	char dir[512], pid[16];
	int err = 0;

	while (!sh->stop) {
		unsigned int roll = (unsigned int)fz_below(&r, 100), k;
		enum st_op op;
		uint32_t p;

		snprintf(dir, sizeof(dir), CG "/%s-plain/%s", cfg->prefix,
			 st_names[fz_below(&r, ST_NAMES)]);
		op = roll < 14 ? ST_CREATE : roll < 24 ? ST_DELETE : roll < 38 ? ST_SET :
		     roll < 52 ? ST_ATTACH : roll < 58 ? ST_FREEZE : roll < 66 ? ST_THAW :
		     roll < 70 ? ST_KILL : roll < 76 ? ST_GET : roll < 82 ? ST_LIST :
		     roll < 92 ? ST_STATS : ST_EVENTS;
		switch (op) {
		case ST_CREATE:
			err = make(dir);
			for (k = 0; !err && k < 6; k++)
				if (fz_chance(&r, 35))
					put(dir, limit_files[k][0], limit_files[k][1 + fz_below(&r, 3)]);
			break;
		case ST_DELETE:
			err = drop(dir, fz_chance(&r, 25));
			break;
		case ST_SET:
			k = (unsigned int)fz_below(&r, 6);
			err = put(dir, limit_files[k][0], limit_files[k][1 + fz_below(&r, 3)]);
			break;
		case ST_ATTACH:
			p = sh->slot_pid[st_slot(cfg, index, (unsigned int)fz_below(&r, ST_SLOTS_EACH))];
			snprintf(pid, sizeof(pid), "%u", p);
			err = p ? put(dir, "cgroup.procs", pid) : 0;
			break;
		case ST_FREEZE:
		case ST_THAW:
			err = put(dir, "cgroup.freeze", op == ST_FREEZE ? "1" : "0");
			break;
		case ST_KILL:
			err = put(dir, "cgroup.kill", "1");
			break;
		case ST_GET:
			err = get(dir, "cgroup.stat");
			break;
		case ST_LIST:
			err = list(dir);
			break;
		case ST_STATS:
			err = get(dir, "cpu.stat") ?: get(dir, "memory.current") ?: get(dir, "memory.stat");
			break;
		default:
			err = get(dir, "memory.events");
			break;
		}
		cs->ops[op]++;
		if (!err)
			cs->ok[op]++;
		else
			cs->err[-err < FZ_ERRNO_SLOTS ? -err : FZ_ERRNO_SLOTS - 1]++;
		sh->fz[index].heartbeat++;
	}
	cs->done = 1;
}
