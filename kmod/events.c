// SPDX-License-Identifier: GPL-2.0
/*
 * Events: group notifications on the "events" multicast group.
 *
 * Events are detected where they happen (kcg's own ops, the cgroup core's
 * populated and frozen notifications, the OOM killer's mark_victim, process
 * exit) and posted from any context: a GFP_ATOMIC record on a lock-free
 * list, an irq_work, then a worker that builds and multicasts the messages.
 * Nothing blocks in the probes. Memory and pids events have no hook the
 * module can use, so a sampler compares their counters every
 * KCG_SAMPLE_MS while someone listens. The single ordered worker numbers
 * events as it sends them, so listeners get them in sequence order; an
 * event that could not be allocated is counted and skipped in the
 * numbering, so every loss is a gap a listener can count.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/memcontrol.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <trace/events/cgroup.h>
#include <trace/events/oom.h>

#include "compat.h"
#include "kcg.h"

#define KCG_SAMPLE_MS 100

struct kcg_event {
	struct llist_node node;
	u64 seq;
	u64 time_ns;
	u64 group_id;
	u64 count;
	u32 type;
	u32 pid;
	u32 exit_code;
	u32 signal;
	bool has_task;
	char comm[TASK_COMM_LEN];
	char name[KCG_NAME_MAX + 1];
};

static LLIST_HEAD(kcg_event_queue);
static atomic64_t kcg_events_dropped;	/* posted but not allocated */
static u64 kcg_event_seq;		/* last number sent; the worker's */
static bool kcg_events_on;
static struct workqueue_struct *kcg_event_wq;

static void kcg_event_send_all(struct work_struct *work);
static DECLARE_WORK(kcg_event_work, kcg_event_send_all);
static void kcg_event_kick(struct irq_work *work);
static struct irq_work kcg_event_irq_work;
static void kcg_sample(struct work_struct *work);
static DECLARE_DELAYED_WORK(kcg_sample_work, kcg_sample);

static bool kcg_listening(void)
{
	return genl_has_listeners(&kcg_family, &init_net, 0);
}

/* From any context, under RCU (or the RCU-sched side of a tracepoint). */
static struct kcg_event *kcg_event_new(u32 type, const struct kcg_group *group)
{
	struct kcg_event *event;

	if (!READ_ONCE(kcg_events_on) || !kcg_listening())
		return NULL;
	event = kmalloc(sizeof(*event), GFP_ATOMIC | __GFP_NOWARN);
	if (!event) {
		/* The worker skips a number for it: listeners see the loss. */
		atomic64_inc(&kcg_events_dropped);
		return NULL;
	}
	memset(event, 0, offsetof(struct kcg_event, name));
	event->time_ns = ktime_get_ns();
	event->type = type;
	event->group_id = group->id;
	strscpy(event->name, group->name, sizeof(event->name));
	return event;
}

static void kcg_event_post(struct kcg_event *event)
{
	llist_add(&event->node, &kcg_event_queue);
	/* Safe with IRQs off and under any lock: the worker is queued later. */
	irq_work_queue(&kcg_event_irq_work);
}

static void kcg_event_kick(struct irq_work *work)
{
	queue_work(kcg_event_wq, &kcg_event_work);
}

void kcg_event_group(u32 type, const struct kcg_group *group)
{
	struct kcg_event *event;

	rcu_read_lock();
	event = kcg_event_new(type, group);
	if (event)
		kcg_event_post(event);
	rcu_read_unlock();
}

static void kcg_event_task(u32 type, const struct kcg_group *group,
			   struct task_struct *task, u32 exit_code, u32 signal)
{
	struct kcg_event *event = kcg_event_new(type, group);

	if (!event)
		return;
	event->has_task = true;
	event->pid = task_tgid_nr(task);
	/*
	 * Not get_task_comm(): mark_victim fires with the victim's task_lock
	 * held. A racing rename can at worst give a mixed name.
	 */
	strscpy(event->comm, task->comm, sizeof(event->comm));
	event->exit_code = exit_code;
	event->signal = signal;
	kcg_event_post(event);
}

/* From the sched_process_exit probe: a process, not a thread, that failed. */
void kcg_event_exit(const struct kcg_group *group, struct task_struct *task)
{
	int code = READ_ONCE(task->exit_code);

	if (!thread_group_leader(task) || !code)
		return;
	if (code & 0x7f)
		kcg_event_task(KCG_EVENT_TYPE_TASK_EXIT, group, task, 0, code & 0x7f);
	else
		kcg_event_task(KCG_EVENT_TYPE_TASK_EXIT, group, task, (code >> 8) & 0xff, 0);
}

void kcg_probe_populated(void *data, struct cgroup *cgrp, const char *path, int val)
{
	struct kcg_group *group = xa_load(&kcg_groups, cgroup_id(cgrp));
	struct kcg_event *event;

	if (!group)
		return;
	event = kcg_event_new(val ? KCG_EVENT_TYPE_POPULATED : KCG_EVENT_TYPE_EMPTY, group);
	if (event)
		kcg_event_post(event);
}

void kcg_probe_frozen(void *data, struct cgroup *cgrp, const char *path, int val)
{
	struct kcg_group *group = xa_load(&kcg_groups, cgroup_id(cgrp));
	struct kcg_event *event;

	if (!group)
		return;
	event = kcg_event_new(val ? KCG_EVENT_TYPE_FROZEN : KCG_EVENT_TYPE_THAWED, group);
	if (event)
		kcg_event_post(event);
}

/* The OOM killer picked task: exact, with the victim, for global and memcg OOM. */
void kcg_probe_oom_victim(void *data, struct task_struct *task, uid_t uid)
{
	struct kcg_group *group = xa_load(&kcg_groups, cgroup_id(task_dfl_cgroup(task)));

	if (group)
		kcg_event_task(KCG_EVENT_TYPE_OOM_KILL, group, task, 0, 0);
}

static int kcg_event_fill(struct sk_buff *skb, const struct kcg_event *event)
{
	void *hdr = genlmsg_put(skb, 0, 0, &kcg_family, 0, KCG_CMD_EVENT);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KCG_A_EVENT_TYPE, event->type) ||
	    nla_put_u64_64bit(skb, KCG_A_EVENT_SEQ, event->seq, KCG_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, KCG_A_EVENT_TIMESTAMP, event->time_ns, KCG_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, KCG_A_EVENT_GROUP_ID, event->group_id, KCG_A_EVENT_PAD) ||
	    nla_put_string(skb, KCG_A_EVENT_GROUP_NAME, event->name) ||
	    (event->has_task &&
	     (nla_put_u32(skb, KCG_A_EVENT_PID, event->pid) ||
	      nla_put_string(skb, KCG_A_EVENT_COMM, event->comm))) ||
	    (event->type == KCG_EVENT_TYPE_TASK_EXIT &&
	     (event->signal ? nla_put_u32(skb, KCG_A_EVENT_SIGNAL, event->signal)
			    : nla_put_u32(skb, KCG_A_EVENT_EXIT_CODE, event->exit_code))) ||
	    (event->count &&
	     nla_put_u64_64bit(skb, KCG_A_EVENT_COUNT, event->count, KCG_A_EVENT_PAD))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static void kcg_event_send_all(struct work_struct *work)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&kcg_event_queue));
	struct kcg_event *event, *next;
	struct sk_buff *skb;

	llist_for_each_entry_safe(event, next, list, node) {
		kcg_event_seq += atomic64_xchg(&kcg_events_dropped, 0) + 1;
		event->seq = kcg_event_seq;
		skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
		/*
		 * The initial network namespace only: joining is checked against
		 * the user namespace owning the listener's netns, which an
		 * unprivileged user can own.
		 */
		if (skb && !kcg_event_fill(skb, event))
			genlmsg_multicast(&kcg_family, skb, 0, 0, GFP_KERNEL);
		else
			kfree_skb(skb);
		kfree(event);
	}
}

static const u32 kcg_memory_event_types[3] = {
	KCG_EVENT_TYPE_MEMORY_HIGH, KCG_EVENT_TYPE_MEMORY_MAX, KCG_EVENT_TYPE_OOM,
};

/* The pids.events "max" counter mirror is right (checked at load). */
static bool kcg_pids_events_ok;

static s64 kcg_pids_events_max(struct cgroup *cgrp)
{
	struct cgroup_subsys_state *css;
	s64 value = -1;

	rcu_read_lock();
	css = rcu_dereference(cgrp->subsys[pids_cgrp_id]);
	if (css)
		value = atomic64_read(&container_of(css, struct kcg_pids_css_events,
						    css)->events_max);
	rcu_read_unlock();
	return value;
}

static void kcg_sample_group(struct kcg_group *group)
{
	struct kcg_sampled now = {}, *last = &group->sampled;
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;
	struct kcg_event *event;
	int i;

	css = cgroup_get_e_css(group->cgrp, &memory_cgrp_subsys);
	if (css && css->cgroup == group->cgrp) {
		memcg = mem_cgroup_from_css(css);
		now.memory[0] = atomic_long_read(&memcg->memory_events[MEMCG_HIGH]);
		now.memory[1] = atomic_long_read(&memcg->memory_events[MEMCG_MAX]);
		now.memory[2] = atomic_long_read(&memcg->memory_events[MEMCG_OOM]);
	}
	if (css)
		css_put(css);
	if (kcg_pids_events_ok)
		now.pids_max = max_t(s64, kcg_pids_events_max(group->cgrp), 0);

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(now.memory) && group->sampled_once; i++) {
		if (now.memory[i] <= last->memory[i])
			continue;
		event = kcg_event_new(kcg_memory_event_types[i], group);
		if (event) {
			event->count = now.memory[i] - last->memory[i];
			kcg_event_post(event);
		}
	}
	if (group->sampled_once && now.pids_max > last->pids_max) {
		event = kcg_event_new(KCG_EVENT_TYPE_PIDS_MAX, group);
		if (event) {
			event->count = now.pids_max - last->pids_max;
			kcg_event_post(event);
		}
	}
	rcu_read_unlock();
	*last = now;
	group->sampled_once = true;
}

static void kcg_sample(struct work_struct *work)
{
	struct kcg_group *group;
	unsigned long id;

	if (kcg_listening()) {
		mutex_lock(&kcg_lock);
		xa_for_each(&kcg_groups, id, group)
			kcg_sample_group(group);
		mutex_unlock(&kcg_lock);
	} else {
		/* Nobody listens: start from fresh figures when someone does. */
		mutex_lock(&kcg_lock);
		xa_for_each(&kcg_groups, id, group)
			group->sampled_once = false;
		mutex_unlock(&kcg_lock);
	}
	if (READ_ONCE(kcg_events_on))
		queue_delayed_work(kcg_event_wq, &kcg_sample_work,
				   msecs_to_jiffies(KCG_SAMPLE_MS));
}

/* Check the pids.events mirror against the file once, as for pids.current. */
static void kcg_pids_events_check(void)
{
	struct cgroup *cgrp = kcg_cg_get(kcg_root);
	char buf[64];
	s64 file;

	if (IS_ERR(cgrp))
		return;
	if (kcg_cg_read(kcg_root, "pids.events", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "max %lld", &file) == 1)
		kcg_pids_events_ok = file == kcg_pids_events_max(cgrp);
	cgroup_put(cgrp);
	if (!kcg_pids_events_ok)
		pr_warn("pids.events layout not recognised: no pids-max events\n");
}

int __init kcg_events_init(void)
{
	kcg_event_wq = alloc_ordered_workqueue("kcg_events", 0);
	if (!kcg_event_wq)
		return -ENOMEM;
	init_irq_work(&kcg_event_irq_work, kcg_event_kick);
	kcg_pids_events_check();
	WRITE_ONCE(kcg_events_on, true);
	queue_delayed_work(kcg_event_wq, &kcg_sample_work, msecs_to_jiffies(KCG_SAMPLE_MS));
	return 0;
}

/* No new event after this; call before the probes go. */
void kcg_events_stop(void)
{
	WRITE_ONCE(kcg_events_on, false);
	/* Posters check the flag under RCU: wait for those already past it. */
	synchronize_rcu();
	cancel_delayed_work_sync(&kcg_sample_work);
}

/* Deliver what is queued; call once the probes are gone, before the family. */
void kcg_events_exit(void)
{
	irq_work_sync(&kcg_event_irq_work);
	flush_workqueue(kcg_event_wq);
	kcg_event_send_all(NULL);
	destroy_workqueue(kcg_event_wq);
}
