// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace syscalls: per syscall number, how often the group's tasks
 * enter it, how long it takes to return and how often it fails.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace.h"
#include "group.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct start {
	__u64 ns;
	__u64 nr;
};

/* Per thread: the syscall in progress (LRU: exit and execve do not return). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TRACE_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct start);
} started SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TRACE_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct trace_syscall);
} calls SEC(".maps");

static __always_inline __u32 slot_of(long id)
{
	return id >= 0 && id < TRACE_MAX_SYSCALLS - 1 ? id : TRACE_MAX_SYSCALLS - 1;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long id)
{
	struct start s = { .nr = id };
	struct trace_syscall *c;
	__u32 tid, slot;

	if (!task_in_group(bpf_get_current_task_btf()))
		return 0;
	slot = slot_of(id);
	c = bpf_map_lookup_elem(&calls, &slot);
	if (c)
		c->count++;
	tid = (__u32)bpf_get_current_pid_tgid();
	s.ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&started, &tid, &s, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), slot;
	struct trace_syscall *c;
	struct start *s;
	__u64 ns;

	/* Only threads seen entering, so the group test is not repeated. */
	s = bpf_map_lookup_elem(&started, &tid);
	if (!s)
		return 0;
	ns = bpf_ktime_get_ns() - s->ns;
	slot = slot_of(s->nr);
	bpf_map_delete_elem(&started, &tid);
	c = bpf_map_lookup_elem(&calls, &slot);
	if (!c)
		return 0;
	c->done++;
	c->total_ns += ns;
	if (ns > c->max_ns)
		c->max_ns = ns;
	if (ret < 0 && ret >= -4095)
		c->errors++;
	return 0;
}
