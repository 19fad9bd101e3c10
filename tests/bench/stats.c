// SPDX-License-Identifier: GPL-2.0
/*
 * P1 readers (a) and (b). Each pass starts from nothing, reads every
 * group's cpu usage, memory.current, memory.events (high, max, oom,
 * oom_kill) and pids.current into a struct bench_rec, and is timed whole.
 * A warm-up pass runs first so that both readers meet warm caches.
 *
 * (a) sends the kcg stats-get dump with libnl directly: libkcg has no stats
 * call yet, and this is the request it will send.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/kcg.h>

#include "bench.h"

static int parse_stats(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KCG_A_STATS_MAX + 1], *c[KCG_A_COUNTERS_MAX + 1];
	struct bench_recs *recs = arg;
	struct bench_rec *r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KCG_A_STATS_MAX, NULL) < 0 ||
	    !tb[KCG_A_STATS_OWN] ||
	    nla_parse_nested(c, KCG_A_COUNTERS_MAX, tb[KCG_A_STATS_OWN], NULL) < 0)
		die(0, "malformed stats message");
	r = recs_add(recs);
	/* Absent counters stay 0 here; a real client would say "unknown". */
#define GET(field, attr) do { if (c[attr]) r->field = nla_get_u64(c[attr]); } while (0)
	GET(cpu_usec, KCG_A_COUNTERS_CPU_NS);
	r->cpu_usec /= 1000;
	GET(memory_current, KCG_A_COUNTERS_MEMORY_CURRENT);
	GET(memory_high, KCG_A_COUNTERS_MEMORY_HIGH);
	GET(memory_max, KCG_A_COUNTERS_MEMORY_MAX);
	GET(memory_oom, KCG_A_COUNTERS_MEMORY_OOM);
	GET(memory_oom_kill, KCG_A_COUNTERS_MEMORY_OOM_KILL);
	GET(pids_current, KCG_A_COUNTERS_TASKS);
#undef GET
	return NL_OK;
}

static int dump_interrupted(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	die(0, "stats dump interrupted: groups changed during the benchmark");
}

static void dump_pass(struct nl_sock *sock, int family, struct bench_recs *recs)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
				 KCG_CMD_STATS_GET, KCG_FAMILY_VERSION))
		die(ENOMEM, "stats request");
	recs->n = 0;
	if (nl_send_auto(sock, msg) < 0)
		die(0, "send stats request");
	nlmsg_free(msg);
	if (nl_recvmsgs_default(sock) < 0)
		die(0, "stats dump failed");
}

/* kcgbench dump PASSES: P1 (a), one line per timed pass. */
int cmd_dump(int argc, char **argv)
{
	struct bench_recs recs = {};
	struct nl_sock *sock;
	unsigned long passes;
	int family;

	if (argc != 2)
		die(0, "usage: dump PASSES");
	passes = arg_ulong(argv[1], "passes");
	sock = nl_socket_alloc();
	if (!sock || genl_connect(sock))
		die(0, "generic netlink socket");
	family = genl_ctrl_resolve(sock, KCG_FAMILY_NAME);
	if (family < 0)
		die(0, "family kcg not found (module not loaded?)");
	/*
	 * The kernel fills dump skbs of up to 32 KiB; a buffer that takes
	 * them whole saves libnl's peek-then-read, as any tuned client would.
	 */
	nl_socket_set_msg_buf_size(sock, 64 * 1024);
	nl_socket_set_buffer_size(sock, 1 << 20, 0);
	nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, parse_stats, &recs);
	nl_socket_modify_cb(sock, NL_CB_DUMP_INTR, NL_CB_CUSTOM, dump_interrupted, NULL);

	dump_pass(sock, family, &recs);
	for (unsigned long p = 0; p < passes; p++) {
		struct pass t;

		pass_start(&t);
		dump_pass(sock, family, &recs);
		pass_end(&t, recs.n);
	}
	nl_socket_free(sock);
	free(recs.v);
	return 0;
}

/* Read a whole (small) cgroup file into buf, NUL-terminated, as agents do. */
static int read_small(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* The value of "KEY VALUE" in a flat-keyed file (cpu.stat, memory.events). */
static uint64_t keyed(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, len) && line[len] == ' ')
			return strtoull(line + len + 1, NULL, 10);
	}
	return 0;
}

static void read_group(const char *dir, struct bench_rec *r)
{
	char buf[1024];

	if (read_small(dir, "cpu.stat", buf, sizeof(buf)) == 0)
		r->cpu_usec = keyed(buf, "usage_usec");
	if (read_small(dir, "memory.current", buf, sizeof(buf)) == 0)
		r->memory_current = strtoull(buf, NULL, 10);
	if (read_small(dir, "memory.events", buf, sizeof(buf)) == 0) {
		r->memory_high = keyed(buf, "high");
		r->memory_max = keyed(buf, "max");
		r->memory_oom = keyed(buf, "oom");
		r->memory_oom_kill = keyed(buf, "oom_kill");
	}
	if (read_small(dir, "pids.current", buf, sizeof(buf)) == 0)
		r->pids_current = strtoull(buf, NULL, 10);
}

/*
 * One pass of (b): list the groups, the way an agent finds containers,
 * then read the four files of each.
 */
static void files_pass(const char *root, struct bench_recs *recs)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(root);

	if (!d)
		die(errno, "opendir %s", root);
	recs->n = 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name);
		read_group(dir, recs_add(recs));
	}
	closedir(d);
}

/* kcgbench files PASSES: P1 (b) over the groups directly below /kcg. */
int cmd_files(int argc, char **argv)
{
	struct bench_recs recs = {};
	unsigned long passes;

	if (argc != 2)
		die(0, "usage: files PASSES");
	passes = arg_ulong(argv[1], "passes");
	files_pass(KCG_CGROUP_DIR, &recs);
	for (unsigned long p = 0; p < passes; p++) {
		struct pass t;

		pass_start(&t);
		files_pass(KCG_CGROUP_DIR, &recs);
		pass_end(&t, recs.n);
	}
	free(recs.v);
	return 0;
}
