/* SPDX-License-Identifier: GPL-2.0 */
/* What kcgbench.bpf.c and its loader kcgbench-bpf.c exchange. */
#ifndef KCGBENCH_BPF_H
#define KCGBENCH_BPF_H

#define BENCH_BPF_MAX_GROUPS 16384

/* One group, as the cgroup iterator writes it (binary, no formatting). */
struct bench_bpf_rec {
	__u64 id;
	__u64 cpu_ns;
	__u64 memory_current;
	__u64 memory_events[5];	/* low, high, max, oom, oom_kill */
	__u64 pids_current;
};

/* Per group and CPU, from the sched_switch program. */
struct bench_bpf_counters {
	__u64 cpu_ns;
	__u64 nvcsw;
	__u64 nivcsw;
};

#endif /* KCGBENCH_BPF_H */
