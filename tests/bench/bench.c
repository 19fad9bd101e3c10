// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the benchmark programs (see bench.h). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "bench.h"

struct bench_rec *recs_add(struct bench_recs *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		struct bench_rec *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			die(ENOMEM, "records");
		r->v = v;
		r->cap = cap;
	}
	memset(&r->v[r->n], 0, sizeof(r->v[0]));
	return &r->v[r->n++];
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void die(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

unsigned long arg_ulong(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		die(0, "bad %s '%s'", what, s);
	return v;
}

static void cpu_times(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void pass_start(struct pass *p)
{
	cpu_times(&p->user0, &p->sys0);
	p->t0 = now_ns();
}

void pass_end(const struct pass *p, size_t groups)
{
	uint64_t ns = now_ns() - p->t0;
	double user, sys;

	cpu_times(&user, &sys);
	printf("%.6f %zu %.3f %.3f\n", (double)ns / 1e9, groups, user - p->user0, sys - p->sys0);
	fflush(stdout);
}

pid_t spawn_in_cgroup(int cgroup_fd, void (*child)(long arg), long arg)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0)
		die(errno, "clone3");
	if (pid == 0) {
		child(arg);
		_exit(0);
	}
	return (pid_t)pid;
}
