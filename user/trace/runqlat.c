// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace NAME runqlat: the group's run-queue waits as the module's log2
 * histogram, for the group and, with --per-task, per task. The group's
 * histogram is cumulative in its per-CPU map, so a frame is the difference
 * from the last one and nothing is lost between frames; per-task entries
 * are taken out of their map as they are printed.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "libkcg.h"
#include "print.h"
#include "rates.h"
#include "trace_cli.h"
#include "runqlat.skel.h"

struct runqlat {
	struct trace_runqlat *skel;
	struct trace_hist last;		/* the sum over CPUs at the last frame */
	struct trace_hist *percpu;
	int cpus;
};

struct task_row {
	__u32 pid;
	struct trace_task_hist t;
};

static void *runqlat_start(const struct trace_target *target, const struct trace_opts *opts)
{
	struct runqlat *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		trace_fail("runqlat", ENOMEM);
		return NULL;
	}
	r->cpus = trace_cpus();
	r->percpu = calloc(r->cpus, sizeof(*r->percpu));
	r->skel = trace_runqlat__open();
	if (!r->percpu || !r->skel) {
		err = r->percpu ? errno : ENOMEM;
		trace_fail("opening the runqlat program", err);
		goto fail;
	}
	r->skel->rodata->target_cgid = target->cgroup_id;
	r->skel->rodata->target_level = target->level;
	r->skel->rodata->per_task = opts->per_task;
	if (trace_start(r->skel->skeleton, "runqlat"))
		goto fail;
	return r;
fail:
	trace_runqlat__destroy(r->skel);
	free(r->percpu);
	free(r);
	return NULL;
}

/* Counts, total, p50 and p99 (as kcg stats works them out), then the buckets. */
static void print_summary(const struct trace_hist *h, const char *indent)
{
	char a[FORMAT_DURATION_LEN], b[FORMAT_DURATION_LEN];
	uint64_t slots[TRACE_BUCKETS], p50 = 0, p99 = 0;
	bool have;

	/* __u64 is unsigned long long, uint64_t unsigned long: same values. */
	for (int i = 0; i < TRACE_BUCKETS; i++)
		slots[i] = h->slots[i];
	have = kcg_run_delay_percentile(slots, RATE_P50, &p50) &&
	       kcg_run_delay_percentile(slots, RATE_P99, &p99);
	print_u64("count", " %" PRIu64 " waits", h->count);
	print_u64_as("total_ns", ", total %s", h->total_ns, format_duration(h->total_ns, a, sizeof(a)));
	if (have) {
		print_u64_as("p50_ns", ", p50 %s", p50, format_duration(p50, a, sizeof(a)));
		print_u64_as("p99_ns", " p99 %s", p99, format_duration(p99, b, sizeof(b)));
	} else {
		print_null("p50_ns", NULL);
		print_null("p99_ns", NULL);
	}
	trace_print_hist("hist", slots, indent);
}

static int by_count(const void *a, const void *b)
{
	const struct task_row *x = a, *y = b;

	if (x->t.hist.count != y->t.hist.count)
		return x->t.hist.count < y->t.hist.count ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Take every task's entry out of the map; sorted by waits, most first. */
static int take_tasks(struct runqlat *r, struct task_row **out, size_t *n)
{
	struct bpf_map *map = r->skel->maps.task_hist;
	struct task_row *rows = NULL;
	__u32 key, next, *prev = NULL;
	size_t count = 0, cap = 0;
	int err;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		if (count == cap) {
			struct task_row *grown = realloc(rows, (cap ? cap * 2 : 64) * sizeof(*rows));

			if (!grown) {
				free(rows);
				return -ENOMEM;
			}
			rows = grown;
			cap = cap ? cap * 2 : 64;
		}
		key = next;
		prev = &key;
		err = bpf_map__lookup_elem(map, &key, sizeof(key), &rows[count].t, sizeof(rows[count].t), 0);
		if (err)
			continue;
		rows[count++].pid = key;
	}
	/* Deleted after the walk, which a deletion would restart. */
	for (size_t i = 0; i < count; i++)
		bpf_map__delete_elem(map, &rows[i].pid, sizeof(rows[i].pid), 0);
	qsort(rows, count, sizeof(*rows), by_count);
	*out = rows;
	*n = count;
	return 0;
}

static int runqlat_frame(void *state, const struct trace_opts *opts)
{
	struct runqlat *r = state;
	struct trace_hist now = {}, frame;
	struct task_row *rows;
	__u32 key = 0;
	size_t n;
	int err;

	err = bpf_map__lookup_elem(r->skel->maps.group_hist, &key, sizeof(key), r->percpu,
				   r->cpus * sizeof(*r->percpu), 0);
	if (err)
		return err;
	for (int c = 0; c < r->cpus; c++) {
		now.count += r->percpu[c].count;
		now.total_ns += r->percpu[c].total_ns;
		for (int i = 0; i < TRACE_BUCKETS; i++)
			now.slots[i] += r->percpu[c].slots[i];
	}
	frame.count = now.count - r->last.count;
	frame.total_ns = now.total_ns - r->last.total_ns;
	for (int i = 0; i < TRACE_BUCKETS; i++)
		frame.slots[i] = now.slots[i] - r->last.slots[i];
	r->last = now;

	print_text(":");
	print_summary(&frame, "");
	if (!opts->per_task)
		return 0;
	err = take_tasks(r, &rows, &n);
	if (err)
		return err;
	print_text("\n%-8s %-16s", "PID", "COMM");
	print_open_array("tasks");
	for (size_t i = 0; i < n; i++) {
		print_open_object(NULL);
		print_u64("pid", "\n%-8" PRIu64, rows[i].pid);
		print_u64("tgid", NULL, rows[i].t.tgid);
		rows[i].t.comm[TRACE_COMM_LEN - 1] = '\0';
		print_string("comm", " %-16s", rows[i].t.comm);
		print_summary(&rows[i].t.hist, NULL);
		print_close_object();
	}
	print_close_array();
	free(rows);
	return 0;
}

static void runqlat_stop(void *state)
{
	struct runqlat *r = state;

	trace_runqlat__destroy(r->skel);
	free(r->percpu);
	free(r);
}

const struct trace_mode trace_runqlat = {
	.name = "runqlat",
	.start = runqlat_start,
	.frame = runqlat_frame,
	.stop = runqlat_stop,
};
