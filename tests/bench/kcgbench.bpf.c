// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF arms of the benchmarks, CO-RE against the running kernel's BTF
 * (vmlinux.h is generated in the VM at bench time):
 *
 * - dump_cgroup, P1 (c): a cgroup iterator emitting, for its cgroup, the
 *   fields that kcg's stats dump and the cgroup files give: cpu usage,
 *   memory.current, memory.events, pids.current. The loader attaches one
 *   instance per group (BPF_CGROUP_ITER_SELF_ONLY): a cgroup iterator's
 *   output must fit in one read of the seq_file buffer (8 pages; a second
 *   read fails with EOPNOTSUPP), which a walk over 1,000 groups exceeds.
 * - on_switch, P2: what kcg's sched_switch probe does for CPU time and
 *   switch counts, with the group looked up by cgroup id in a hash map.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "kcgbench-bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define PAGE_SIZE 4096

/* libbpf's container_of uses a plain offsetof; this one is CO-RE relocated. */
#undef container_of
#define container_of(ptr, type, member) \
	((type *)((void *)(ptr) - bpf_core_field_offset(type, member)))

/* Sleepable kfunc (6.1+): the same flush a read of cpu.stat does. */
extern void cgroup_rstat_flush(struct cgroup *cgrp) __ksym;

static struct cgroup_subsys_state *css_of(struct cgroup *cgrp, int ssid)
{
	return BPF_CORE_READ(cgrp, subsys[ssid]);
}

SEC("iter.s/cgroup")
int dump_cgroup(struct bpf_iter__cgroup *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct cgroup *cgrp = ctx->cgroup;
	struct cgroup_subsys_state *css;
	struct bench_bpf_rec r = {};

	if (!cgrp)
		return 0;
	/* What reading cpu.stat does first: bring the cpu usage up to date. */
	cgroup_rstat_flush(cgrp);
	r.id = BPF_CORE_READ(cgrp, kn, id);
	r.cpu_ns = BPF_CORE_READ(cgrp, bstat.cputime.sum_exec_runtime);

	css = css_of(cgrp, bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id));
	if (css) {
		struct mem_cgroup *memcg = container_of(css, struct mem_cgroup, css);

		r.memory_current = BPF_CORE_READ(memcg, memory.usage.counter) * PAGE_SIZE;
		/*
		 * memory.events: MEMCG_LOW, HIGH, MAX, OOM, OOM_KILL lead
		 * enum memcg_memory_event on every kernel since 4.19.
		 */
		bpf_core_read(r.memory_events, sizeof(r.memory_events), &memcg->memory_events);
	}
	css = css_of(cgrp, bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id));
	if (css) {
		struct pids_cgroup *pids = container_of(css, struct pids_cgroup, css);

		r.pids_current = BPF_CORE_READ(pids, counter.counter);
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

/* What runs on this CPU and its sum_exec_runtime when it started. */
struct cpu_slot {
	__u64 task;
	__u64 runtime;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_slot);
} slots SEC(".maps");

/* Filled by the loader with the groups' cgroup ids: only they are accounted. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, BENCH_BPF_MAX_GROUPS);
	__type(key, __u64);
	__type(value, struct bench_bpf_counters);
} groups SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct bench_bpf_counters *c;
	__u32 zero = 0;
	struct cpu_slot *s;
	__u64 cgid;

	s = bpf_map_lookup_elem(&slots, &zero);
	if (!s)
		return 0;
	if (s->task == (__u64)prev) {
		/* The tracepoint runs on prev's side of the switch: current is prev. */
		cgid = bpf_get_current_cgroup_id();
		c = bpf_map_lookup_elem(&groups, &cgid);
		if (c) {
			c->cpu_ns += prev->se.sum_exec_runtime - s->runtime;
			if (!preempt && prev->__state)
				c->nvcsw++;
			else
				c->nivcsw++;
		}
	}
	s->task = (__u64)next;
	s->runtime = next->se.sum_exec_runtime;
	return 0;
}
