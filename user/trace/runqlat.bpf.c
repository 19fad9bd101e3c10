// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace runqlat: how long the group's tasks wait runnable before they
 * run. At sched_switch the incoming task's sched_info.last_queued still
 * holds when it was queued, in rq clock time, and rq->clock is the "now"
 * the scheduler itself then charges to run_delay (sched_info_arrive runs
 * right after the tracepoint): the same wait the module counts, without a
 * wakeup probe or a map of timestamps.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace.h"
#include "group.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool per_task;

extern struct rq runqueues __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trace_hist);
} group_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TRACE_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct trace_task_hist);
} task_hist SEC(".maps");

/* The module's buckets: under 2 us, then [2^i, 2^(i+1)) us, the last open. */
static __always_inline __u32 bucket_of(__u64 ns)
{
	__u64 us = ns / 1000;
	__u32 b = 0;

	if (us < 2)
		return 0;
	while (us > 1 && b < TRACE_BUCKETS - 1) {
		us >>= 1;
		b++;
	}
	return b;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct trace_task_hist *t, zero = {};
	struct trace_hist *h;
	__u64 queued, now, delay;
	__u32 key = 0, b, pid;
	struct rq *rq;

	queued = BPF_CORE_READ(next, sched_info.last_queued);
	if (!queued || !task_in_group(next))
		return 0;
	rq = bpf_this_cpu_ptr(&runqueues);
	now = BPF_CORE_READ(rq, clock);
	delay = now > queued ? now - queued : 0;
	b = bucket_of(delay);

	h = bpf_map_lookup_elem(&group_hist, &key);
	if (h) {
		h->count++;
		h->total_ns += delay;
		h->slots[b]++;
	}
	if (!per_task)
		return 0;
	pid = BPF_CORE_READ(next, pid);
	t = bpf_map_lookup_elem(&task_hist, &pid);
	if (!t) {
		zero.tgid = BPF_CORE_READ(next, tgid);
		BPF_CORE_READ_STR_INTO(&zero.comm, next, comm);
		bpf_map_update_elem(&task_hist, &pid, &zero, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&task_hist, &pid);
		if (!t)
			return 0;
	}
	/* One task runs on one CPU at a time, but frames clear the map from userland. */
	__sync_fetch_and_add(&t->hist.count, 1);
	__sync_fetch_and_add(&t->hist.total_ns, delay);
	if (b < TRACE_BUCKETS)
		__sync_fetch_and_add(&t->hist.slots[b], 1);
	return 0;
}
