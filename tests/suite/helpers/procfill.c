// SPDX-License-Identifier: GPL-2.0
/*
 * procfill: put many small processes into a cgroup, fast enough under TCG
 * to push its cgroup.procs past 64 KiB.
 *
 *   procfill [-u UID] [-n COUNT] [-c CUT -p PID] CGROUP_DIR
 *
 * The children share this helper's memory (CLONE_VM, no exec), so each
 * costs a task and a kernel stack but no page tables. Each one drops to UID
 * with raw syscalls (they change only the calling task) and sleeps until a
 * signal ends it. They are made with this helper inside CGROUP_DIR, which
 * then leaves it: CGROUP_DIR/cgroup.procs lists them in the order made.
 *
 * With -c CUT -p PID, pids are picked through ns_last_pid so that the first
 * CUT bytes of cgroup.procs end in a line cut short inside a longer pid
 * whose digits start with PID's: a reader that stops after CUT bytes and
 * parses its last, partial line takes it for PID. COUNT children follow.
 * Without -c: COUNT children.
 *
 * Prints "cut P" (the pid the cut falls in), "tail P" for each child after
 * it, then "ready" once every child runs as UID; then stays the children's
 * parent, reaping them, and exits when all are gone. Needs root.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_STACK	(16 * 1024)
#define CGROUP_MOUNT	"/sys/fs/cgroup"
/* Lines of 6- and 7-digit pids are 7 and 8 bytes: any length >= 49 is a sum of them. */
#define FILL_MIN	49

static atomic_int children_ready;
static char *stacks;
static size_t nr_stacks, nr_children;
static uid_t child_uid = (uid_t)-1;

static int child_main(void *arg)
{
	(void)arg;
	/* Raw syscalls: glibc's setxid wrappers signal every thread of the helper,
	 * whose memory (and so whose thread list) these children share.
	 */
	if (child_uid != (uid_t)-1 &&
	    (syscall(SYS_setgroups, 0, NULL) ||
	     syscall(SYS_setresgid, child_uid, child_uid, child_uid) ||
	     syscall(SYS_setresuid, child_uid, child_uid, child_uid)))
		syscall(SYS_exit, 111);
	atomic_fetch_add(&children_ready, 1);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err(2, "cannot write %s", path);
	close(fd);
}

static void move_self(const char *dir)
{
	char path[4096], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(path, pid);
}

/* The helper's own cgroup directory, to return to. */
static void own_cgroup(char *dir, size_t size)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "0::", 3))
		err(2, "cannot read /proc/self/cgroup");
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (snprintf(dir, size, "%s%s", CGROUP_MOUNT, line + 3) >= (int)size)
		errx(2, "cgroup path too long");
}

static long read_long(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, sizeof(buf), f))
		err(2, "cannot read %s", path);
	fclose(f);
	return strtol(buf, NULL, 10);
}

/* A child; with want > 0, ask for that pid (the next free one from it). */
static pid_t spawn(pid_t want, pid_t *last)
{
	char text[32];
	pid_t pid;

	if (want > 0 && want != *last + 1) {
		snprintf(text, sizeof(text), "%d", want - 1);
		write_file("/proc/sys/kernel/ns_last_pid", text);
	}
	if (nr_children == nr_stacks)
		errx(2, "more children than planned");
	pid = clone(child_main, stacks + (nr_children + 1) * CHILD_STACK,
		    CLONE_VM | SIGCHLD, NULL);
	if (pid < 0)
		err(2, "clone");
	nr_children++;
	*last = pid;
	return pid;
}

static int digits(long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static long power10(int n)
{
	long v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

/* The first cut bytes of cgroup.procs end in target's digits, cut inside a longer pid. */
static int layout_ok(const char *dir, long cut, const char *target)
{
	char path[4096];
	size_t len = 0, tlen = strlen(target);
	char *buf = malloc(cut + 1);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY);
	if (!buf || fd < 0)
		err(2, "cannot read %s", path);
	while (len < (size_t)cut + 1 && (n = read(fd, buf + len, cut + 1 - len)) > 0)
		len += n;
	close(fd);
	if (len < (size_t)cut + 1)
		return 0;
	return buf[cut - tlen - 1] == '\n' && !memcmp(buf + cut - tlen, target, tlen) &&
	       buf[cut] >= '0' && buf[cut] <= '9';
}

int main(int argc, char **argv)
{
	long count = 0, cut = 0, target = 0, pid_max, fill, bytes = 0;
	char home[4096], text[32];
	pid_t last = 0, pid = 0;
	const char *dir;
	int opt, len;

	while ((opt = getopt(argc, argv, "u:n:c:p:")) != -1) {
		switch (opt) {
		case 'u': child_uid = strtoul(optarg, NULL, 10); break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'c': cut = strtol(optarg, NULL, 10); break;
		case 'p': target = strtol(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: procfill [-u UID] [-n COUNT] [-c CUT -p PID] CGROUP_DIR\n");
			return 2;
		}
	}
	if (optind != argc - 1 || count < 0 || (cut > 0) != (target > 0)) {
		fprintf(stderr, "usage: procfill [-u UID] [-n COUNT] [-c CUT -p PID] CGROUP_DIR\n");
		return 2;
	}
	dir = argv[optind];
	snprintf(text, sizeof(text), "%ld", target);
	fill = cut - (long)strlen(text);
	if (cut && fill < FILL_MIN)
		errx(2, "-c CUT is too small");

	/* Lines of 7 bytes at least: at most fill / 7 + 1 children before the cut. */
	nr_stacks = count + (cut ? fill / 7 + 2 : 0);
	stacks = mmap(NULL, nr_stacks * CHILD_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stacks == MAP_FAILED)
		err(2, "cannot map the stacks");
	pid_max = read_long("/proc/sys/kernel/pid_max");
	own_cgroup(home, sizeof(home));
	move_self(dir);

	if (cut) {
		/* Fillers from a range whose leading digit differs from the target's. */
		long lead = text[0] == '1' ? 2 : 1;
		long base7, base6, next7, next6;

		base7 = lead * power10(6);
		base6 = lead * power10(5);
		if (base7 + fill / 8 >= pid_max)
			errx(2, "pid_max is too low for 7-digit pids: raise /proc/sys/kernel/pid_max");
		next7 = base7;
		next6 = base6;
		while (bytes < fill) {
			/* 8-byte lines once the rest is a multiple of 8, 7-byte ones until then. */
			if ((fill - bytes) % 8 == 0) {
				pid = spawn(next7, &last);
				next7 = pid + 1;
			} else {
				pid = spawn(next6, &last);
				next6 = pid + 1;
			}
			bytes += digits(pid) + 1;
		}
		if (bytes != fill)
			errx(2, "filler pids did not come out as planned");
		/* The longest pid under pid_max that starts with the target's digits. */
		for (len = 7; len > (int)strlen(text); len--) {
			long first = target * power10(len - strlen(text));

			if (first + power10(len - strlen(text)) <= pid_max)
				break;
		}
		if (len == (int)strlen(text))
			errx(2, "no pid under pid_max starts with %s", text);
		pid = spawn(target * power10(len - strlen(text)), &last);
		printf("cut %d\n", pid);
	}
	for (long i = 0; i < count; i++) {
		pid = spawn(0, &last);
		if (cut)
			printf("tail %d\n", pid);
	}
	move_self(home);
	while (atomic_load(&children_ready) < (int)nr_children) {
		if (waitpid(-1, NULL, WNOHANG) > 0)
			errx(2, "a child could not become uid %u", child_uid);
		usleep(10000);
	}
	if (cut && !layout_ok(dir, cut, text))
		errx(2, "cgroup.procs does not have the planned layout");
	printf("ready\n");
	fflush(stdout);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return 0;
}
