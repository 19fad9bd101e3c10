// SPDX-License-Identifier: GPL-2.0
/*
 * The master's side: the groups and cgroups the fuzzer works in, the
 * workload that lives in them (a fork/exit loop, a memory hog, sleepers),
 * and the cleanup at the end. Its requests go through the same
 * confinement check as the workers'.
 *
 * Pids the fuzzer may move are its own workload children. A dead one is
 * left unreaped (a zombie keeps its pid from being reused) until long after
 * its replacement took its slot, so no worker can ever name a stranger's
 * process that inherited the pid.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "confine.h"
#include "fuzz.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define ZOMBIES_MAX 256
#define REAP_AFTER 60	/* seconds a dead workload pid stays reserved */

static struct {
	pid_t pid;
	time_t since;
} zombies[ZOMBIES_MAX];
static unsigned int n_zombies;
static time_t last_attach;

static time_t now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* One plain request, answered with its error code (0, -errno, or 1 if none came). */
static int ask(struct fz_worker *m, const char *op_name, const char *name, const uint32_t *pids,
	       unsigned int n_pids, bool force)
{
	const struct fz_op *op = fz_op_by_name(op_name);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct fz_attr *a;
	const struct fz_set *set;
	struct fz_buf *b = &m->msg;
	uint32_t seq;
	size_t start;
	unsigned int i;

	if (!op || m->main.fd < 0)
		return -EINVAL;
	set = &fz_sets[op->set];
	b->len = 0;
	seq = ++m->main.seq;
	start = fz_msg_begin(b, m->family, NLM_F_REQUEST | NLM_F_ACK, seq, op->cmd,
			     (uint8_t)fz_family_version);
	if (name && (a = fz_attr_by_name(set, "name")))
		fz_put_attr(b, a->id, name, strlen(name) + 1);
	for (i = 0; i < n_pids && (a = fz_attr_by_name(set, "pid")); i++)
		fz_put_attr(b, a->id, &pids[i], 4);
	if (force && (a = fz_attr_by_name(set, "force")))
		fz_put_attr(b, a->id, NULL, 0);
	fz_msg_end(b, start);
	if (fz_confine_check(m->confine, b->data, b->len)) {
		b->len = 0;
		return -EPERM;
	}
	if (sendto(m->main.fd, b->data, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	b->len = 0;
	for (;;) {
		struct pollfd pfd = { .fd = m->main.fd, .events = POLLIN };
		uint8_t *p = m->rx;
		ssize_t n;

		if (poll(&pfd, 1, (int)m->cfg->hang_timeout * 1000) <= 0)
			return 1;
		n = recv(m->main.fd, m->rx, FZ_RX_MAX, 0);
		if (n < 0)
			return -errno;
		while (n >= NLMSG_HDRLEN) {
			struct nlmsghdr h;
			int32_t err;

			memcpy(&h, p, sizeof(h));
			if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)n)
				break;
			if (h.nlmsg_type == NLMSG_ERROR && h.nlmsg_seq == seq) {
				memcpy(&err, p + NLMSG_HDRLEN, 4);
				return err;
			}
			if (NLMSG_ALIGN(h.nlmsg_len) >= (size_t)n)
				break;
			p += NLMSG_ALIGN(h.nlmsg_len);
			n -= (ssize_t)NLMSG_ALIGN(h.nlmsg_len);
		}
	}
}

static void make_dir(const char *leaf)
{
	char path[512];

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", leaf);
	if (mkdir(path, 0755) && errno != EEXIST)
		fprintf(stderr, "kcg-fuzz: mkdir %s: %s\n", path, strerror(errno));
}

static void remove_dir(struct fz_worker *m, const char *leaf)
{
	char path[512];

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", leaf);
	if (rmdir(path) && errno != ENOENT)
		fz_finding(m, FZ_F_CLEANUP, NULL, 0, "rmdir %s: %s", path, strerror(errno));
}

static const char *load_group(struct fz_worker *m, char *buf, size_t len)
{
	/* Below the prefix group, or below the first base given. */
	snprintf(buf, len, "%s/load", m->names[0]);
	return buf;
}

void fz_setup(struct fz_worker *m)
{
	const char *dirs[] = { "-cg0", "-cg0/sub", "-cg1" };
	char leaf[300];
	unsigned int i;

	if (m->cfg->privileged) {
		/* Cgroups outside kcg for group-adopt to take. */
		for (i = 0; i < 3; i++) {
			snprintf(leaf, sizeof(leaf), "%s%s", m->cfg->prefix, dirs[i]);
			make_dir(leaf);
		}
		for (i = 0; i < m->n_names; i++)
			ask(m, "group-new", m->names[i], NULL, 0, false);
	}
	ask(m, "group-new", load_group(m, leaf, sizeof(leaf)), NULL, 0, false);
}

static void forker(void)
{
	fz_forker(20);
}

static void hog(void)
{
	fz_hog(32, 200);
}

static void sleeper(void)
{
	fz_sleeper();
}

static void (*const bodies[FZ_WORKLOAD_MAX])(void) = { forker, hog, sleeper, sleeper };
static const char *const comms[FZ_WORKLOAD_MAX] = { "fz-forker", "fz-hog", "fz-sleep", "fz-sleep" };

static pid_t spawn(unsigned int slot)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Its own process group: a child the forker leaves behind
		 * (frozen between fork and exit, say) goes with it. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, comms[slot]);
		bodies[slot]();
		_exit(0);
	}
	return pid > 0 ? pid : 0;
}

static void attach_all(struct fz_worker *m)
{
	uint32_t pids[FZ_WORKLOAD_MAX];
	char load[300];
	unsigned int i, n = 0;
	bool home = fz_chance(&m->rng, 60);

	for (i = 0; i < FZ_WORKLOAD_MAX; i++)
		if (m->sh->workload[i])
			pids[n++] = m->sh->workload[i];
	load_group(m, load, sizeof(load));
	last_attach = now_s();
	if (!ask(m, "task-attach", home ? load : fz_gen_name(m, true), pids, n, false) || !home)
		return;
	/*
	 * No load group: a worker moved the workload into the base itself,
	 * and a group with tasks takes no child groups, so nothing below the
	 * base could be made again. Kill the workload (its replacement starts
	 * outside kcg) and make the load group anew.
	 */
	if (ask(m, "group-new", load, NULL, 0, false) == -EBUSY)
		for (i = 0; i < FZ_WORKLOAD_MAX; i++)
			if (m->sh->workload[i])
				kill(-(pid_t)m->sh->workload[i], SIGKILL);
}

void fz_workload_start(struct fz_worker *m)
{
	unsigned int i;

	for (i = 0; i < FZ_WORKLOAD_MAX; i++)
		m->sh->workload[i] = (uint32_t)spawn(i);
	attach_all(m);
}

void fz_workload_tend(struct fz_worker *m)
{
	time_t now = now_s();
	bool replaced = false;
	unsigned int i;

	for (i = 0; i < FZ_WORKLOAD_MAX; i++) {
		siginfo_t si = { 0 };
		pid_t pid = (pid_t)m->sh->workload[i];

		if (!pid || waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ||
		    si.si_pid != pid)
			continue;
		if (n_zombies == ZOMBIES_MAX)
			break;		/* keep the zombie and the slot; try later */
		kill(-pid, SIGKILL);	/* what it left in its process group */
		zombies[n_zombies].pid = pid;
		zombies[n_zombies++].since = now;
		m->sh->workload[i] = (uint32_t)spawn(i);
		replaced = true;
	}
	for (i = 0; i < n_zombies; i++) {
		if (now - zombies[i].since < REAP_AFTER)
			continue;
		waitpid(zombies[i].pid, NULL, WNOHANG);
		zombies[i--] = zombies[--n_zombies];
	}
	if (replaced || now - last_attach >= 3)
		attach_all(m);
}

/*
 * Thaw the groups near the top every few seconds. Freezing is half the
 * fuzz, but a frozen top group would freeze the workload for good, and
 * every thaw below it waits in the kernel for a thaw that cannot come.
 */
void fz_thaw_tops(struct fz_worker *m)
{
	static const char *const below[] = { "", "/a", "/b", "/c", "/load" };
	static time_t last;
	char name[300];
	unsigned int i, k;

	if (now_s() - last < 2)
		return;
	last = now_s();
	for (i = 0; i < m->n_names; i++)
		for (k = m->cfg->privileged ? 0 : 1; k < 5; k++) {
			snprintf(name, sizeof(name), "%s%s", m->names[i], below[k]);
			ask(m, "group-thaw", name, NULL, 0, false);
		}
}

void fz_workload_stop(struct fz_worker *m)
{
	unsigned int i;

	for (i = 0; i < FZ_WORKLOAD_MAX; i++) {
		pid_t pid = (pid_t)m->sh->workload[i];

		m->sh->workload[i] = 0;
		if (pid > 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
	}
	for (i = 0; i < n_zombies; i++) {
		kill(-zombies[i].pid, SIGKILL);
		waitpid(zombies[i].pid, NULL, 0);
	}
	n_zombies = 0;
}

struct listed {
	char name[256];
};

/* Every group this caller sees, by a group-get dump. */
static unsigned int list_groups(struct fz_worker *m, struct listed *out, unsigned int max)
{
	const struct fz_op *op = fz_op_by_name("group-get");
	const struct fz_attr *name_attr = fz_attr_by_name(&fz_sets[op->set], "name");
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct fz_buf *b = &m->msg;
	unsigned int n = 0;
	uint32_t seq = ++m->main.seq;
	size_t start;

	b->len = 0;
	start = fz_msg_begin(b, m->family, NLM_F_REQUEST | NLM_F_DUMP, seq, op->cmd,
			     (uint8_t)fz_family_version);
	fz_msg_end(b, start);
	if (sendto(m->main.fd, b->data, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return 0;
	b->len = 0;
	for (;;) {
		struct pollfd pfd = { .fd = m->main.fd, .events = POLLIN };
		uint8_t *p = m->rx;
		ssize_t len;

		if (poll(&pfd, 1, (int)m->cfg->hang_timeout * 1000) <= 0)
			return n;
		len = recv(m->main.fd, m->rx, FZ_RX_MAX, 0);
		if (len < 0)
			return n;
		while (len >= NLMSG_HDRLEN) {
			struct nlmsghdr h;
			uint8_t *a;
			ssize_t rem;

			memcpy(&h, p, sizeof(h));
			if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)len)
				return n;
			if (h.nlmsg_seq == seq &&
			    (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR))
				return n;
			a = p + NLMSG_HDRLEN + GENL_HDRLEN;
			rem = (ssize_t)h.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			while (h.nlmsg_type == m->family && h.nlmsg_seq == seq && rem >= NLA_HDRLEN) {
				struct nlattr na;

				memcpy(&na, a, sizeof(na));
				if (na.nla_len < NLA_HDRLEN || na.nla_len > rem)
					break;
				if ((na.nla_type & NLA_TYPE_MASK) == name_attr->id && n < max)
					snprintf(out[n++].name, sizeof(out[0].name), "%.*s",
						 na.nla_len - NLA_HDRLEN, (char *)a + NLA_HDRLEN);
				rem -= NLA_ALIGN(na.nla_len);
				a += NLA_ALIGN(na.nla_len);
			}
			if (NLMSG_ALIGN(h.nlmsg_len) >= (size_t)len)
				break;
			p += NLMSG_ALIGN(h.nlmsg_len);
			len -= (ssize_t)NLMSG_ALIGN(h.nlmsg_len);
		}
	}
}

static bool ours(struct fz_worker *m, const char *name)
{
	size_t len;
	unsigned int i;

	if (m->cfg->privileged)
		return fz_confine_name(m->confine, name, strlen(name));
	/* Unprivileged: what it may have made, strictly below its bases. */
	for (i = 0; i < m->cfg->n_bases; i++) {
		len = strlen(m->cfg->bases[i]);
		if (!strncmp(name, m->cfg->bases[i], len) && name[len] == '/')
			return true;
	}
	return false;
}

static unsigned int depth(const char *name)
{
	unsigned int d = 0;

	while ((name = strchr(name, '/')))
		d++, name++;
	return d;
}

static int deeper_first(const void *a, const void *b)
{
	return (int)depth(((const struct listed *)b)->name) -
	       (int)depth(((const struct listed *)a)->name);
}

/* Delete what the fuzzer made; the number of groups that would not go. */
unsigned int fz_cleanup(struct fz_worker *m)
{
	static struct listed all[4096];
	const char *dirs[] = { "-cg0/sub", "-cg0", "-cg1" };
	unsigned int round, i, n = 0, mine = 0;
	char leaf[300];
	int err;

	for (round = 0; round < 6; round++) {
		n = list_groups(m, all, 4096);
		for (i = mine = 0; i < n; i++)
			if (ours(m, all[i].name))
				all[mine++] = all[i];
		if (!mine)
			break;
		qsort(all, mine, sizeof(all[0]), deeper_first);
		for (i = 0; i < mine; i++) {
			ask(m, "group-thaw", all[i].name, NULL, 0, false);
			err = ask(m, "group-del", all[i].name, NULL, 0, true);
			if (err && round >= 2)
				fprintf(stderr, "kcg-fuzz: cleanup: deleting %s: %s\n", all[i].name,
					err < 0 ? strerror(-err) : "no answer");
		}
	}
	for (i = 0; i < mine; i++)
		fz_finding(m, FZ_F_CLEANUP, NULL, 0, "group %s is still there", all[i].name);
	if (m->cfg->privileged)
		for (i = 0; i < 3; i++) {
			snprintf(leaf, sizeof(leaf), "%s%s", m->cfg->prefix, dirs[i]);
			remove_dir(m, leaf);
		}
	return mine;
}
