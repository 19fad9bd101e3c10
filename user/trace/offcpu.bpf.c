// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace offcpu: time the group's tasks spend off the CPU, by task,
 * reason and the kernel and user stacks they left it with. The stacks are
 * taken as a task switches out (it is still current), the time as it
 * switches back in.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace.h"
#include "group.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 min_ns;

/* The kernel's task states (include/linux/sched.h), stable ABI since 2.6. */
#define KCG_TASK_INTERRUPTIBLE		0x1
#define KCG_TASK_UNINTERRUPTIBLE	0x2

struct off {
	__u64 ns;
	struct trace_offcpu_key key;
};

/* Per thread off the CPU; LRU: a thread that exits off the CPU never comes back. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TRACE_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct off);
} started SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, TRACE_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, TRACE_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TRACE_MAX_STACKS);
	__type(key, struct trace_offcpu_key);
	__type(value, struct trace_offcpu_val);
} offcpu SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct trace_offcpu_val *v, zero = {};
	__u32 pid = BPF_CORE_READ(prev, pid);
	struct off o = {}, *s;
	unsigned int state;
	__u64 now = bpf_ktime_get_ns(), ns;

	if (pid && task_in_group(prev)) {
		state = BPF_CORE_READ(prev, __state);
		if (preempt || !state)
			o.key.reason = TRACE_OFF_PREEMPTED;
		else if (state & KCG_TASK_INTERRUPTIBLE)
			o.key.reason = TRACE_OFF_SLEEP;
		else if (state & KCG_TASK_UNINTERRUPTIBLE)
			o.key.reason = TRACE_OFF_BLOCKED;
		else
			o.key.reason = TRACE_OFF_OTHER;
		o.key.pid = pid;
		o.key.tgid = BPF_CORE_READ(prev, tgid);
		o.key.kstack = bpf_get_stackid(ctx, &stacks, 0);
		o.key.ustack = BPF_CORE_READ(prev, mm) ?
			bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK) : -1;
		o.ns = now;
		bpf_map_update_elem(&started, &pid, &o, BPF_ANY);
	}

	pid = BPF_CORE_READ(next, pid);
	s = bpf_map_lookup_elem(&started, &pid);
	if (!s)
		return 0;
	ns = now - s->ns;
	o.key = s->key;
	bpf_map_delete_elem(&started, &pid);
	if (ns < min_ns)
		return 0;
	v = bpf_map_lookup_elem(&offcpu, &o.key);
	if (!v) {
		BPF_CORE_READ_STR_INTO(&zero.comm, next, comm);
		bpf_map_update_elem(&offcpu, &o.key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&offcpu, &o.key);
		if (!v)
			return 0;
	}
	__sync_fetch_and_add(&v->total_ns, ns);
	__sync_fetch_and_add(&v->count, 1);
	return 0;
}
