// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace NAME syscalls: per syscall, the group's calls, failures and
 * time to return. The per-CPU counters only grow; a frame is the
 * difference from the last one.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "trace_cli.h"
#include "syscalls.skel.h"

static const char *const syscall_names[TRACE_MAX_SYSCALLS] = {
#include "syscall_names.h"
};

struct syscalls {
	struct trace_syscalls *skel;
	struct trace_syscall last[TRACE_MAX_SYSCALLS];
	struct trace_syscall *percpu;
	int cpus;
};

struct row {
	unsigned int nr;
	struct trace_syscall s;
};

static void *syscalls_start(const struct trace_target *target, const struct trace_opts *opts)
{
	struct syscalls *s = calloc(1, sizeof(*s));

	(void)opts;
	if (!s) {
		trace_fail("syscalls", ENOMEM);
		return NULL;
	}
	s->cpus = trace_cpus();
	s->percpu = calloc(s->cpus, sizeof(*s->percpu));
	s->skel = trace_syscalls__open();
	if (!s->percpu || !s->skel) {
		trace_fail("opening the syscalls program", s->percpu ? errno : ENOMEM);
		goto fail;
	}
	s->skel->rodata->target_cgid = target->cgroup_id;
	s->skel->rodata->target_level = target->level;
	if (trace_start(s->skel->skeleton, "syscalls"))
		goto fail;
	return s;
fail:
	trace_syscalls__destroy(s->skel);
	free(s->percpu);
	free(s);
	return NULL;
}

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->s.count != y->s.count)
		return x->s.count < y->s.count ? 1 : -1;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static int syscalls_frame(void *state, const struct trace_opts *opts)
{
	char name[32], a[FORMAT_DURATION_LEN], b[FORMAT_DURATION_LEN], c[FORMAT_DURATION_LEN];
	struct syscalls *s = state;
	struct row rows[TRACE_MAX_SYSCALLS];
	uint64_t calls = 0;
	size_t n = 0;

	(void)opts;
	for (__u32 nr = 0; nr < TRACE_MAX_SYSCALLS; nr++) {
		struct trace_syscall now = {}, *last = &s->last[nr];
		int err;

		err = bpf_map__lookup_elem(s->skel->maps.calls, &nr, sizeof(nr), s->percpu,
					   s->cpus * sizeof(*s->percpu), 0);
		if (err)
			return err;
		for (int cpu = 0; cpu < s->cpus; cpu++) {
			now.count += s->percpu[cpu].count;
			now.done += s->percpu[cpu].done;
			now.total_ns += s->percpu[cpu].total_ns;
			now.errors += s->percpu[cpu].errors;
			if (s->percpu[cpu].max_ns > now.max_ns)
				now.max_ns = s->percpu[cpu].max_ns;
		}
		if (now.count == last->count && now.done == last->done)
			continue;
		rows[n].nr = nr;
		rows[n].s.count = now.count - last->count;
		rows[n].s.done = now.done - last->done;
		rows[n].s.total_ns = now.total_ns - last->total_ns;
		rows[n].s.errors = now.errors - last->errors;
		/* The largest since the start: a maximum cannot be differenced. */
		rows[n].s.max_ns = now.max_ns;
		calls += rows[n].s.count;
		*last = now;
		n++;
	}
	qsort(rows, n, sizeof(*rows), by_count);

	print_u64("calls", ": %" PRIu64 " calls", calls);
	print_text("\n%-22s %10s %8s %10s %10s %10s", "SYSCALL", "CALLS", "ERRORS", "TOTAL", "AVG", "MAX");
	print_open_array("syscalls");
	for (size_t i = 0; i < n; i++) {
		const struct trace_syscall *r = &rows[i].s;
		uint64_t avg = r->done ? r->total_ns / r->done : 0;

		if (rows[i].nr < TRACE_MAX_SYSCALLS - 1 && syscall_names[rows[i].nr])
			snprintf(name, sizeof(name), "%s", syscall_names[rows[i].nr]);
		else if (rows[i].nr < TRACE_MAX_SYSCALLS - 1)
			snprintf(name, sizeof(name), "syscall_%u", rows[i].nr);
		else
			snprintf(name, sizeof(name), "other");
		print_open_object(NULL);
		print_string("name", "\n%-22s", name);
		if (rows[i].nr < TRACE_MAX_SYSCALLS - 1)
			print_u64("nr", NULL, rows[i].nr);
		else
			print_null("nr", NULL);
		print_u64("count", " %10" PRIu64, r->count);
		print_u64("errors", " %8" PRIu64, r->errors);
		print_u64("returns", NULL, r->done);
		print_u64_as("total_ns", " %10s", r->total_ns, format_duration(r->total_ns, a, sizeof(a)));
		print_u64_as("avg_ns", " %10s", avg, format_duration(avg, b, sizeof(b)));
		print_u64_as("max_ns", " %10s", r->max_ns, format_duration(r->max_ns, c, sizeof(c)));
		print_close_object();
	}
	print_close_array();
	return 0;
}

static void syscalls_stop(void *state)
{
	struct syscalls *s = state;

	trace_syscalls__destroy(s->skel);
	free(s->percpu);
	free(s);
}

const struct trace_mode trace_syscalls = {
	.name = "syscalls",
	.start = syscalls_start,
	.frame = syscalls_frame,
	.stop = syscalls_stop,
};
