// SPDX-License-Identifier: GPL-2.0
/*
 * Events: group notifications, detected and delivered.
 *
 * Events are detected where they happen (kcg's own ops, the cgroup core's
 * populated and frozen notifications, the OOM killer's mark_victim, process
 * exit) and posted from any context: a GFP_ATOMIC record on a lock-free
 * list, an irq_work, then a worker that builds and sends the messages.
 * Nothing blocks in the probes. Memory and pids events have no hook the
 * module can use, so a sampler compares their counters every
 * KCG_SAMPLE_MS while someone listens.
 *
 * Two deliveries, both numbered by the single ordered worker as it sends,
 * so a listener gets events in sequence order and every loss is a gap:
 *  - the "events" multicast group, for admins: every event, one numbering;
 *  - subscriptions, for anyone: a socket that sent event-subscribe gets, by
 *    unicast, the events of the groups its sender could see, numbered per
 *    subscription. An event records the owners of its group and of the
 *    groups above when it is posted, so permission is still known after
 *    the group is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/memcontrol.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <trace/events/cgroup.h>
#include <trace/events/oom.h>

#include "compat.h"
#include "kcg.h"

#define KCG_SAMPLE_MS 100
/* As inotify's max_user_instances: subscriptions one user may hold. */
#define KCG_SUBSCRIPTIONS_PER_USER 128

struct kcg_event {
	struct llist_node node;
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
	unsigned int nr_owners;
	kuid_t owners[];		/* of the group and of the groups above */
};

/* A socket that sent event-subscribe, until it closes. */
struct kcg_subscription {
	struct list_head node;
	struct net *net;		/* referenced */
	u32 portid;
	struct kcg_caller caller;	/* the subscriber, when it subscribed */
	u64 seq;			/* last number given to this subscriber */
};

static LLIST_HEAD(kcg_event_queue);
static atomic64_t kcg_events_dropped;	/* posted but not allocated */
static u64 kcg_event_seq;		/* last number sent; the worker's */
static bool kcg_events_on;
static struct workqueue_struct *kcg_event_wq;

static LIST_HEAD(kcg_subscriptions);
static DEFINE_MUTEX(kcg_subscriptions_lock);	/* also orders sends to them */
static bool kcg_subscriptions_open;		/* under the lock */
static unsigned int kcg_nr_subscriptions;	/* written under the lock */

static void kcg_event_send_all(struct work_struct *work);
static DECLARE_WORK(kcg_event_work, kcg_event_send_all);
static void kcg_event_kick(struct irq_work *work);
static struct irq_work kcg_event_irq_work;
static void kcg_sample(struct work_struct *work);
static DECLARE_DELAYED_WORK(kcg_sample_work, kcg_sample);

static bool kcg_listening(void)
{
	return READ_ONCE(kcg_nr_subscriptions) ||
	       genl_has_listeners(&kcg_family, &init_net, 0);
}

/*
 * The owners who may see the group's events, nearest first, each once per
 * run (children inherit their parent's owner). Counts them when owners is
 * NULL. Under RCU: groups above outlive their children's registration.
 */
static unsigned int kcg_group_owners(const struct kcg_group *group, kuid_t *owners,
				     unsigned int max)
{
	kuid_t last = INVALID_UID;
	unsigned int n = 0;

	for (; group; group = group->parent) {
		kuid_t owner = READ_ONCE(group->owner);

		if (!uid_valid(owner) || uid_eq(owner, last))
			continue;
		if (owners) {
			if (n == max)
				break;
			owners[n] = owner;
		}
		last = owner;
		n++;
	}
	return n;
}

/* From any context, under RCU (or the RCU-sched side of a tracepoint). */
static struct kcg_event *kcg_event_new(u32 type, const struct kcg_group *group)
{
	unsigned int nr_owners;
	struct kcg_event *event;

	if (!READ_ONCE(kcg_events_on) || !kcg_listening())
		return NULL;
	nr_owners = kcg_group_owners(group, NULL, 0);
	event = kmalloc(struct_size(event, owners, nr_owners), GFP_ATOMIC | __GFP_NOWARN);
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
	event->nr_owners = kcg_group_owners(group, event->owners, nr_owners);
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

/* The cgroup core's own notifications, for the cgroups that are groups. */
static void kcg_event_cgroup(u32 type, struct cgroup *cgrp)
{
	struct kcg_group *group = xa_load(&kcg_groups, cgroup_id(cgrp));

	if (group)
		kcg_event_group(type, group);
}

void kcg_probe_populated(void *data, struct cgroup *cgrp, const char *path, int val)
{
	kcg_event_cgroup(val ? KCG_EVENT_TYPE_POPULATED : KCG_EVENT_TYPE_EMPTY, cgrp);
}

void kcg_probe_frozen(void *data, struct cgroup *cgrp, const char *path, int val)
{
	kcg_event_cgroup(val ? KCG_EVENT_TYPE_FROZEN : KCG_EVENT_TYPE_THAWED, cgrp);
}

/*
 * A cgroup is being removed, by kcg's delete or behind its back: a group's
 * is destroyed now, and leaves the registry soon after.
 */
void kcg_probe_rmdir(void *data, struct cgroup *cgrp, const char *path)
{
	kcg_event_cgroup(KCG_EVENT_TYPE_DESTROYED, cgrp);
	kcg_stale_check(cgrp);
}

/* The OOM killer picked task: exact, with the victim, for global and memcg OOM. */
void kcg_probe_oom_victim(void *data, struct task_struct *task, uid_t uid)
{
	struct kcg_group *group = xa_load(&kcg_groups, cgroup_id(task_dfl_cgroup(task)));

	if (group)
		kcg_event_task(KCG_EVENT_TYPE_OOM_KILL, group, task, 0, 0);
}

/* The message for event, numbered seq; NULL if it cannot be had. */
static struct sk_buff *kcg_event_msg(const struct kcg_event *event, u64 seq)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	void *hdr;

	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &kcg_family, 0, KCG_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(skb, KCG_A_EVENT_TYPE, event->type) ||
	    nla_put_u64_64bit(skb, KCG_A_EVENT_SEQ, seq, KCG_A_EVENT_PAD) ||
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
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

static void kcg_subscription_free(struct kcg_subscription *sub)
{
	list_del(&sub->node);
	WRITE_ONCE(kcg_nr_subscriptions, kcg_nr_subscriptions - 1);
	put_net(sub->net);
	kfree(sub);
}

/* As kcg_may_see, for the group as it was when the event was posted. */
static bool kcg_event_visible(const struct kcg_event *event, const struct kcg_caller *caller)
{
	unsigned int i;

	if (caller->admin)
		return true;
	for (i = 0; i < event->nr_owners; i++)
		if (uid_eq(event->owners[i], caller->uid))
			return true;
	return false;
}

/* dropped: events lost before this one, of unknown groups: count them for all. */
static void kcg_event_unicast(const struct kcg_event *event, u64 dropped)
{
	struct kcg_subscription *sub, *next;
	struct sk_buff *skb;

	mutex_lock(&kcg_subscriptions_lock);
	list_for_each_entry_safe(sub, next, &kcg_subscriptions, node) {
		sub->seq += dropped;
		if (!kcg_event_visible(event, &sub->caller))
			continue;
		skb = kcg_event_msg(event, ++sub->seq);
		/* A full socket drops it (EAGAIN): the reader sees the gap. */
		if (skb && genlmsg_unicast(sub->net, skb, sub->portid) == -ECONNREFUSED)
			kcg_subscription_free(sub);
	}
	mutex_unlock(&kcg_subscriptions_lock);
}

static void kcg_event_send_all(struct work_struct *work)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&kcg_event_queue));
	struct kcg_event *event, *next;
	struct sk_buff *skb;
	u64 dropped;

	llist_for_each_entry_safe(event, next, list, node) {
		dropped = atomic64_xchg(&kcg_events_dropped, 0);
		kcg_event_seq += dropped + 1;
		/*
		 * The initial network namespace only: joining is checked against
		 * the user namespace owning the listener's netns, which an
		 * unprivileged user can own.
		 */
		if (genl_has_listeners(&kcg_family, &init_net, 0)) {
			skb = kcg_event_msg(event, kcg_event_seq);
			if (skb)
				genlmsg_multicast(&kcg_family, skb, 0, 0, GFP_KERNEL);
		}
		if (READ_ONCE(kcg_nr_subscriptions))
			kcg_event_unicast(event, dropped);
		kfree(event);
	}
}

int kcg_event_subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kcg_subscription *sub, *new;
	unsigned int mine = 0;
	int err = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	kcg_caller_init(&new->caller, skb);
	new->portid = info->snd_portid;

	mutex_lock(&kcg_subscriptions_lock);
	if (!kcg_subscriptions_open) {
		NL_SET_ERR_MSG(info->extack, "the module is unloading");
		err = -ESHUTDOWN;
		goto unlock;
	}
	list_for_each_entry(sub, &kcg_subscriptions, node) {
		if (net_eq(sub->net, net) && sub->portid == new->portid)
			goto unlock;	/* already subscribed: nothing to do */
		mine += uid_eq(sub->caller.uid, new->caller.uid);
	}
	if (mine >= KCG_SUBSCRIPTIONS_PER_USER) {
		NL_SET_ERR_MSG(info->extack, "too many event subscriptions for this user");
		err = -EMFILE;
		goto unlock;
	}
	new->net = get_net(net);
	list_add_tail(&new->node, &kcg_subscriptions);
	WRITE_ONCE(kcg_nr_subscriptions, kcg_nr_subscriptions + 1);
	new = NULL;
unlock:
	mutex_unlock(&kcg_subscriptions_lock);
	kfree(new);
	return err;
}

/* A subscription ends with its socket. */
static int kcg_netlink_release(struct notifier_block *nb, unsigned long state, void *ptr)
{
	struct netlink_notify *notify = ptr;
	struct kcg_subscription *sub;

	if (state != NETLINK_URELEASE || notify->protocol != NETLINK_GENERIC ||
	    !READ_ONCE(kcg_nr_subscriptions))
		return NOTIFY_DONE;
	mutex_lock(&kcg_subscriptions_lock);
	list_for_each_entry(sub, &kcg_subscriptions, node) {
		if (net_eq(sub->net, notify->net) && sub->portid == notify->portid) {
			kcg_subscription_free(sub);
			break;
		}
	}
	mutex_unlock(&kcg_subscriptions_lock);
	return NOTIFY_DONE;
}

static struct notifier_block kcg_netlink_notifier = {
	.notifier_call = kcg_netlink_release,
};

static const u32 kcg_memory_event_types[3] = {
	KCG_EVENT_TYPE_MEMORY_HIGH, KCG_EVENT_TYPE_MEMORY_MAX, KCG_EVENT_TYPE_OOM,
};

/* The pids.events "max" counter mirror is right (checked at load). */
static bool kcg_pids_events_ok;

static void kcg_sample_group(struct kcg_group *group)
{
	struct kcg_sampled now = {}, *last = &group->sampled;
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;
	struct kcg_event *event;
	s64 tasks, refused;
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
	if (kcg_pids_events_ok && kcg_pids_read(group->cgrp, &tasks, &refused))
		now.pids_max = refused;

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

/*
 * Under RCU, not kcg_lock: an op that holds the lock for long (delete
 * --force waits up to 5 s for tasks to die) must not hold back events. A
 * group found here stays valid until rcu_read_unlock() (kcg_group_unregister),
 * and only this work, which never runs twice at once, writes the figures.
 */
static void kcg_sample(struct work_struct *work)
{
	bool listening = kcg_listening();
	struct kcg_group *group;
	unsigned int n = 0;
	unsigned long id;

	rcu_read_lock();
	xa_for_each(&kcg_groups, id, group) {
		if (listening)
			kcg_sample_group(group);
		else	/* start from fresh figures when someone listens */
			group->sampled_once = false;
		/* The walk resumes from id: no group is held across the break. */
		if (!(++n % 256)) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	if (READ_ONCE(kcg_events_on))
		queue_delayed_work(system_wq, &kcg_sample_work,
				   msecs_to_jiffies(KCG_SAMPLE_MS));
}

/* Check the pids.events mirror against the file once, as for pids.current. */
static void kcg_pids_events_check(void)
{
	s64 file, tasks, refused;
	char buf[64];

	if (kcg_cg_read(&kcg_root_dir, "pids.events", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "max %lld", &file) == 1 &&
	    kcg_pids_read(kcg_root_cgrp, &tasks, &refused))
		kcg_pids_events_ok = file == refused;
	if (!kcg_pids_events_ok)
		pr_warn("pids.events layout not recognised: no pids-max events\n");
}

int __init kcg_events_init(void)
{
	int err;

	/*
	 * Only sends run here, at high priority: the sampler, whose pass grows
	 * with the number of groups, runs on system_wq so that events never
	 * queue behind it.
	 */
	kcg_event_wq = alloc_ordered_workqueue("kcg_events", WQ_HIGHPRI);
	if (!kcg_event_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&kcg_netlink_notifier);
	if (err) {
		destroy_workqueue(kcg_event_wq);
		return err;
	}
	mutex_lock(&kcg_subscriptions_lock);
	kcg_subscriptions_open = true;
	mutex_unlock(&kcg_subscriptions_lock);
	init_irq_work(&kcg_event_irq_work, kcg_event_kick);
	kcg_pids_events_check();
	WRITE_ONCE(kcg_events_on, true);
	queue_delayed_work(system_wq, &kcg_sample_work, msecs_to_jiffies(KCG_SAMPLE_MS));
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

	/* The family stays a little longer: refuse new subscriptions. */
	mutex_lock(&kcg_subscriptions_lock);
	kcg_subscriptions_open = false;
	while (!list_empty(&kcg_subscriptions))
		kcg_subscription_free(list_first_entry(&kcg_subscriptions,
						       struct kcg_subscription, node));
	mutex_unlock(&kcg_subscriptions_lock);
	netlink_unregister_notifier(&kcg_netlink_notifier);
}
