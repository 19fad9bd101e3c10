/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kcg trace: the records its BPF programs share with the CLI. Included by
 * both sides: the BPF side gets the __u32/__u64 types from vmlinux.h, the
 * CLI from <linux/types.h>.
 */
#ifndef KCG_TRACE_H
#define KCG_TRACE_H

/* The module's run-delay buckets (KCG_RUN_DELAY_BUCKETS, checked in the CLI). */
#define TRACE_BUCKETS		24
#define TRACE_COMM_LEN		16
#define TRACE_MAX_TASKS		8192
#define TRACE_MAX_STACKS	8192
#define TRACE_STACK_DEPTH	32
/* Syscall numbers counted (x86-64 has ~460); larger ones go to the last slot. */
#define TRACE_MAX_SYSCALLS	512

/* runqlat: waits between being queued and running. */
struct trace_hist {
	__u64 count;
	__u64 total_ns;
	__u64 slots[TRACE_BUCKETS];
};

struct trace_task_hist {
	struct trace_hist hist;
	__u32 tgid;
	char comm[TRACE_COMM_LEN];
};

/* syscalls: per syscall number. */
struct trace_syscall {
	__u64 count;		/* entries */
	__u64 done;		/* returns, which latency covers */
	__u64 total_ns;
	__u64 max_ns;
	__u64 errors;		/* returns in [-4095, -1] */
};

/* offcpu: why a task left the CPU. */
enum trace_offcpu_reason {
	TRACE_OFF_PREEMPTED,	/* still runnable: involuntary */
	TRACE_OFF_SLEEP,	/* TASK_INTERRUPTIBLE */
	TRACE_OFF_BLOCKED,	/* TASK_UNINTERRUPTIBLE (D: I/O, locks) */
	TRACE_OFF_OTHER,	/* stopped, traced, parked, ... */
	TRACE_OFF_REASONS,
};

struct trace_offcpu_key {
	__u32 pid;
	__u32 tgid;
	__s32 kstack;		/* stack map ids; negative: none */
	__s32 ustack;
	__u32 reason;
	__u32 pad;
};

struct trace_offcpu_val {
	__u64 total_ns;
	__u64 count;
	char comm[TRACE_COMM_LEN];
};

#endif /* KCG_TRACE_H */
