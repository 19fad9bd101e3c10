// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace NAME offcpu: where the group's tasks spend their time off the
 * CPU, by task, reason and stack, the longest first. Entries are taken out
 * of the map as a frame prints them, with the stacks they name.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "syms.h"
#include "trace_cli.h"
#include "offcpu.skel.h"

static const char *const reasons[TRACE_OFF_REASONS] = {
	[TRACE_OFF_PREEMPTED] = "preempted",
	[TRACE_OFF_SLEEP] = "sleep",
	[TRACE_OFF_BLOCKED] = "blocked",
	[TRACE_OFF_OTHER] = "other",
};

struct offcpu {
	struct trace_offcpu *skel;
	struct ksyms *ksyms;
};

struct row {
	struct trace_offcpu_key key;
	struct trace_offcpu_val val;
};

static void *offcpu_start(const struct trace_target *target, const struct trace_opts *opts)
{
	struct offcpu *o = calloc(1, sizeof(*o));

	if (!o) {
		trace_fail("offcpu", ENOMEM);
		return NULL;
	}
	/* Before the programs run: reading kallsyms takes a while, which no frame should hide. */
	o->ksyms = ksyms_load();
	o->skel = trace_offcpu__open();
	if (!o->skel) {
		trace_fail("opening the offcpu program", errno);
		goto fail;
	}
	o->skel->rodata->target_cgid = target->cgroup_id;
	o->skel->rodata->target_level = target->level;
	o->skel->rodata->min_ns = opts->min_ns;
	if (trace_start(o->skel->skeleton, "offcpu"))
		goto fail;
	return o;
fail:
	trace_offcpu__destroy(o->skel);
	ksyms_free(o->ksyms);
	free(o);
	return NULL;
}

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->val.total_ns != y->val.total_ns)
		return x->val.total_ns < y->val.total_ns ? 1 : -1;
	return 0;
}

static int take_rows(struct bpf_map *map, struct row **out, size_t *n)
{
	struct trace_offcpu_key key, next, *prev = NULL;
	struct row *rows = NULL;
	size_t count = 0, cap = 0;

	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		if (count == cap) {
			struct row *grown = realloc(rows, (cap ? cap * 2 : 64) * sizeof(*rows));

			if (!grown) {
				free(rows);
				return -ENOMEM;
			}
			rows = grown;
			cap = cap ? cap * 2 : 64;
		}
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &rows[count].val,
					 sizeof(rows[count].val), 0))
			continue;
		rows[count++].key = key;
	}
	for (size_t i = 0; i < count; i++)
		bpf_map__delete_elem(map, &rows[i].key, sizeof(rows[i].key), 0);
	qsort(rows, count, sizeof(*rows), by_time);
	*out = rows;
	*n = count;
	return 0;
}

static bool is_tracing_frame(const char *sym)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__bpf_trace_", "__traceiter_",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(sym, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* One stack as an array of frames, innermost first; then its id is freed. */
static void print_stack(struct offcpu *o, const char *key, int id, pid_t tgid, bool user)
{
	__u64 ips[TRACE_STACK_DEPTH] = {};
	struct bpf_map *map = o->skel->maps.stacks;
	struct umaps *maps = NULL;
	char frame[4200];

	print_open_array(key);
	if (id >= 0 && !bpf_map__lookup_elem(map, &id, sizeof(id), ips, sizeof(ips), 0)) {
		if (user)
			maps = umaps_load(tgid);
		bool inner = !user;

		for (int i = 0; i < TRACE_STACK_DEPTH && ips[i]; i++) {
			if (user)
				umaps_name(maps, ips[i], frame, sizeof(frame));
			else
				ksyms_name(o->ksyms, ips[i], frame, sizeof(frame));
			/* The program itself and the tracepoint's call into it. */
			if (inner && is_tracing_frame(frame))
				continue;
			inner = false;
			print_string(NULL, user ? "\n        u %s" : "\n        k %s", frame);
		}
		umaps_free(maps);
	}
	print_close_array();
}

static int offcpu_frame(void *state, const struct trace_opts *opts)
{
	char a[FORMAT_DURATION_LEN];
	struct offcpu *o = state;
	uint64_t by_reason[TRACE_OFF_REASONS] = {}, total = 0;
	struct row *rows;
	size_t n, shown;
	int err;

	err = take_rows(o->skel->maps.offcpu, &rows, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].key.reason < TRACE_OFF_REASONS)
			by_reason[rows[i].key.reason] += rows[i].val.total_ns;
		total += rows[i].val.total_ns;
	}
	print_u64_as("total_ns", ": off CPU %s", total, format_duration(total, a, sizeof(a)));
	print_open_object("reasons");
	for (int r = 0; r < TRACE_OFF_REASONS; r++) {
		char fmt[32];

		snprintf(fmt, sizeof(fmt), "%s%s %%s", r ? ", " : " (", reasons[r]);
		print_u64_as(reasons[r], fmt, by_reason[r], format_duration(by_reason[r], a, sizeof(a)));
	}
	print_close_object();
	print_text(")");
	shown = opts->top && opts->top < n ? opts->top : n;
	print_open_array("entries");
	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &rows[i];
		char comm[TRACE_COMM_LEN + 1];

		memcpy(comm, r->val.comm, TRACE_COMM_LEN);
		comm[TRACE_COMM_LEN] = '\0';
		print_open_object(NULL);
		print_u64_as("total_ns", "\n%10s", r->val.total_ns,
			     format_duration(r->val.total_ns, a, sizeof(a)));
		print_u64("count", " %6" PRIu64 "x", r->val.count);
		print_string("reason", " %-9s", r->key.reason < TRACE_OFF_REASONS ?
			     reasons[r->key.reason] : "?");
		print_u64("pid", " pid %" PRIu64, r->key.pid);
		print_u64("tgid", NULL, r->key.tgid);
		print_string("comm", " %s", comm);
		print_stack(o, "kernel_stack", r->key.kstack, r->key.tgid, false);
		print_stack(o, "user_stack", r->key.ustack, r->key.tgid, true);
		print_close_object();
	}
	print_close_array();
	print_u64("entries_not_shown", n > shown ? "\n(%" PRIu64 " more; --top 0 shows all)" : NULL,
		  n - shown);
	/* Stacks are shared between entries: free them once all are printed. */
	for (size_t i = 0; i < n; i++) {
		int ids[2] = { rows[i].key.kstack, rows[i].key.ustack };

		for (int j = 0; j < 2; j++)
			if (ids[j] >= 0)
				bpf_map__delete_elem(o->skel->maps.stacks, &ids[j], sizeof(ids[j]), 0);
	}
	free(rows);
	return 0;
}

static void offcpu_stop(void *state)
{
	struct offcpu *o = state;

	trace_offcpu__destroy(o->skel);
	ksyms_free(o->ksyms);
	free(o);
}

const struct trace_mode trace_offcpu = {
	.name = "offcpu",
	.start = offcpu_start,
	.frame = offcpu_frame,
	.stop = offcpu_stop,
};
