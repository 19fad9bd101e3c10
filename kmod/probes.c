// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting probes on the scheduler tracepoints (and the registration of
 * the event probes of events.c). Each event costs at most one
 * lock-free lookup of the task's cgroup id in the registry (none for the
 * root cgroup, one for a switch within a cgroup); a task outside every
 * group stops there. Counters are per CPU, updated with preemption
 * off (tracepoint context), and summed only when read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jump_label.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seqlock.h>
#include <linux/tracepoint.h>
#include <trace/events/cgroup.h>
#include <trace/events/oom.h>
#include <trace/events/sched.h>

#include "kcg.h"

/*
 * What is running on each CPU and its sum_exec_runtime when it started:
 * at the next switch the difference is the CPU time it used, as exact as
 * the scheduler's own figure. Readers of the stats add the part of a slice
 * still running (kcg_stats_add()); the seqcount keeps the pair consistent
 * for them, and the switch probe is its only writer on each CPU.
 */
struct kcg_cpu_slot {
	seqcount_t seq;
	struct task_struct *task;
	u64 runtime;
};

static DEFINE_PER_CPU(struct kcg_cpu_slot, kcg_slot) = {
	.seq = SEQCNT_ZERO(kcg_slot.seq),
};

/*
 * The group of a cgroup, or NULL. The root cgroup, where idle and most
 * kernel threads run, is never a group: no lookup for it.
 */
static struct kcg_group *kcg_group_of_cgroup(struct cgroup *cgrp)
{
	if (!cgrp->level)
		return NULL;
	return xa_load(&kcg_groups, cgroup_id(cgrp));
}

/* The group a task is accounted to right now, or NULL. */
static struct kcg_group *kcg_group_of(struct task_struct *task)
{
	return kcg_group_of_cgroup(task_dfl_cgroup(task));
}

static unsigned int kcg_delay_bucket(u64 delay_ns)
{
	u64 us = delay_ns / NSEC_PER_USEC;

	if (us < 2)
		return 0;
	return min_t(unsigned int, ilog2(us), KCG_RUN_DELAY_BUCKETS - 1);
}

static void kcg_account_switch(bool preempt, struct task_struct *prev,
			       struct task_struct *next, unsigned int prev_state)
{
	struct kcg_cpu_slot *slot = this_cpu_ptr(&kcg_slot);
	struct cgroup *prev_cgrp = task_dfl_cgroup(prev), *next_cgrp;
	struct kcg_group *group = NULL;
	bool looked_up = false;
	u64 delay;

	/* RCU-sched read side: tracepoint probes run with preemption off. */
	if (likely(slot->task == prev)) {
		group = kcg_group_of_cgroup(prev_cgrp);
		looked_up = true;
		if (group) {
			this_cpu_add(group->stats->cpu_ns,
				     prev->se.sum_exec_runtime - slot->runtime);
			/* The scheduler's own rule for nvcsw against nivcsw. */
			if (!preempt && prev_state)
				this_cpu_inc(group->stats->nvcsw);
			else
				this_cpu_inc(group->stats->nivcsw);
		}
	}
	raw_write_seqcount_begin(&slot->seq);
	slot->task = next;
	slot->runtime = next->se.sum_exec_runtime;
	raw_write_seqcount_end(&slot->seq);

	/*
	 * The tracepoint fires before sched_info_arrive(): last_queued still
	 * holds when next was queued on this runqueue, in rq clock time.
	 */
	if (!next->sched_info.last_queued)
		return;
	/* Threads of one service often switch among themselves: one lookup. */
	next_cgrp = task_dfl_cgroup(next);
	if (!looked_up || next_cgrp != prev_cgrp)
		group = kcg_group_of_cgroup(next_cgrp);
	if (!group)
		return;
	delay = local_clock() - next->sched_info.last_queued;
	if ((s64)delay < 0)
		delay = 0;
	this_cpu_add(group->stats->run_delay_ns, delay);
	this_cpu_inc(group->stats->run_delay_hist[kcg_delay_bucket(delay)]);
}

/*
 * Self-timing of the context-switch probe, for benchmarks: off, it is one
 * patched-out branch; on (module parameter probe_timing=1), each call adds
 * its local_clock() cost to per-CPU sums that probe_ns reports.
 */
static DEFINE_STATIC_KEY_FALSE(kcg_timing);

struct kcg_probe_cost {
	u64 calls;
	u64 ns;
};

static DEFINE_PER_CPU(struct kcg_probe_cost, kcg_probe_cost);

static void kcg_probe_switch(void *data, bool preempt, struct task_struct *prev,
			     struct task_struct *next, unsigned int prev_state)
{
	u64 start;

	if (!static_branch_unlikely(&kcg_timing)) {
		kcg_account_switch(preempt, prev, next, prev_state);
		return;
	}
	start = local_clock();
	kcg_account_switch(preempt, prev, next, prev_state);
	this_cpu_add(kcg_probe_cost.ns, local_clock() - start);
	this_cpu_inc(kcg_probe_cost.calls);
}

static int kcg_timing_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int cpu;

	if (kstrtobool(val, &on))
		return -EINVAL;
	if (on) {
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(&kcg_probe_cost, cpu), 0, sizeof(struct kcg_probe_cost));
		static_branch_enable(&kcg_timing);
	} else {
		static_branch_disable(&kcg_timing);
	}
	return 0;
}

static int kcg_timing_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", static_key_enabled(&kcg_timing));
}

static const struct kernel_param_ops kcg_timing_ops = {
	.set = kcg_timing_set,
	.get = kcg_timing_get,
};
module_param_cb(probe_timing, &kcg_timing_ops, NULL, 0600);
MODULE_PARM_DESC(probe_timing, "time the sched_switch probe (benchmarks only)");

/* "CALLS NS": calls of the timed probe and their summed cost. */
static int kcg_probe_ns_get(char *buf, const struct kernel_param *kp)
{
	struct kcg_probe_cost sum = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		sum.calls += per_cpu_ptr(&kcg_probe_cost, cpu)->calls;
		sum.ns += per_cpu_ptr(&kcg_probe_cost, cpu)->ns;
	}
	return sysfs_emit(buf, "%llu %llu\n", sum.calls, sum.ns);
}

static const struct kernel_param_ops kcg_probe_ns_ops = {
	.get = kcg_probe_ns_get,
};
module_param_cb(probe_ns, &kcg_probe_ns_ops, NULL, 0400);
MODULE_PARM_DESC(probe_ns, "calls and nanoseconds spent in the timed sched_switch probe");

static void kcg_probe_wakeup(void *data, struct task_struct *task)
{
	struct kcg_group *group = kcg_group_of(task);

	if (group)
		this_cpu_inc(group->stats->wakeups);
}

static void kcg_probe_migrate(void *data, struct task_struct *task, int dest_cpu)
{
	struct kcg_group *group = kcg_group_of(task);

	if (group)
		this_cpu_inc(group->stats->migrations);
}

static void kcg_probe_fork(void *data, struct task_struct *parent,
			   struct task_struct *child)
{
	/* The child's cgroup is final here (CLONE_INTO_CGROUP included). */
	struct kcg_group *group = kcg_group_of(child);

	if (group)
		this_cpu_inc(group->stats->forks);
}

static void kcg_probe_exit(void *data, struct task_struct *task)
{
	/* Fires before cgroup_exit(): the task is still in its cgroup. */
	struct kcg_group *group = kcg_group_of(task);

	if (!group)
		return;
	this_cpu_inc(group->stats->exits);
	kcg_event_exit(group, task);
}

static struct kcg_probe {
	const char *name;
	void *probe;
	struct tracepoint *tp;
} kcg_probes[] = {
	{ "sched_switch", kcg_probe_switch },
	{ "sched_wakeup", kcg_probe_wakeup },
	{ "sched_wakeup_new", kcg_probe_wakeup },
	{ "sched_migrate_task", kcg_probe_migrate },
	{ "sched_process_fork", kcg_probe_fork },
	{ "sched_process_exit", kcg_probe_exit },
	{ "cgroup_notify_populated", kcg_probe_populated },
	{ "cgroup_notify_frozen", kcg_probe_frozen },
	{ "cgroup_rmdir", kcg_probe_rmdir },
	{ "mark_victim", kcg_probe_oom_victim },
};

/* The sched tracepoints are not exported: find them by name. */
static void kcg_find_tracepoint(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kcg_probes); i++)
		if (!strcmp(tp->name, kcg_probes[i].name))
			kcg_probes[i].tp = tp;
}

static void kcg_probes_unregister(int count)
{
	while (count-- > 0)
		tracepoint_probe_unregister(kcg_probes[count].tp, kcg_probes[count].probe, NULL);
	/* No probe may still run once this returns: the module can go. */
	tracepoint_synchronize_unregister();
}

int __init kcg_probes_init(void)
{
	int i, err;

	/* Registration takes a void *: let the compiler check each prototype. */
	check_trace_callback_type_sched_switch(kcg_probe_switch);
	check_trace_callback_type_sched_wakeup(kcg_probe_wakeup);
	check_trace_callback_type_sched_wakeup_new(kcg_probe_wakeup);
	check_trace_callback_type_sched_migrate_task(kcg_probe_migrate);
	check_trace_callback_type_sched_process_fork(kcg_probe_fork);
	check_trace_callback_type_sched_process_exit(kcg_probe_exit);
	check_trace_callback_type_cgroup_notify_populated(kcg_probe_populated);
	check_trace_callback_type_cgroup_notify_frozen(kcg_probe_frozen);
	check_trace_callback_type_cgroup_rmdir(kcg_probe_rmdir);
	check_trace_callback_type_mark_victim(kcg_probe_oom_victim);

	for_each_kernel_tracepoint(kcg_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(kcg_probes); i++) {
		if (!kcg_probes[i].tp) {
			pr_err("tracepoint %s not found\n", kcg_probes[i].name);
			err = -ENOENT;
			goto unregister;
		}
		err = tracepoint_probe_register(kcg_probes[i].tp, kcg_probes[i].probe, NULL);
		if (err) {
			pr_err("cannot attach to %s: %d\n", kcg_probes[i].name, err);
			goto unregister;
		}
	}
	return 0;

unregister:
	kcg_probes_unregister(i);
	return err;
}

void kcg_probes_exit(void)
{
	kcg_probes_unregister(ARRAY_SIZE(kcg_probes));
}

/*
 * CPU time of the slice running now on cpu, if its task is in group: the
 * switch probe charges a slice only when it ends, and a busy task may run
 * for a long time. sum_exec_runtime of a running task is as fresh as the
 * last tick. Task structs are freed after an RCU grace period.
 */
static u64 kcg_running_ns(const struct kcg_group *group, int cpu)
{
	struct kcg_cpu_slot *slot = per_cpu_ptr(&kcg_slot, cpu);
	struct task_struct *task;
	unsigned int seq;
	u64 start, now = 0;

	rcu_read_lock();
	do {
		seq = raw_read_seqcount_begin(&slot->seq);
		task = READ_ONCE(slot->task);
		start = slot->runtime;
	} while (read_seqcount_retry(&slot->seq, seq));
	if (task && kcg_group_of(task) == group)
		now = READ_ONCE(task->se.sum_exec_runtime);
	rcu_read_unlock();
	return now > start ? now - start : 0;
}

/* Sum a group's per-CPU counters into out (added to what is there). */
void kcg_stats_add(const struct kcg_group *group, struct kcg_stats *out)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct kcg_stats *s = per_cpu_ptr(group->stats, cpu);

		out->cpu_ns += kcg_running_ns(group, cpu);
		out->cpu_ns += s->cpu_ns;
		out->run_delay_ns += s->run_delay_ns;
		out->nvcsw += s->nvcsw;
		out->nivcsw += s->nivcsw;
		out->wakeups += s->wakeups;
		out->migrations += s->migrations;
		out->forks += s->forks;
		out->exits += s->exits;
		for (i = 0; i < KCG_RUN_DELAY_BUCKETS; i++)
			out->run_delay_hist[i] += s->run_delay_hist[i];
	}
}
