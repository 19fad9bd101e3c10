// SPDX-License-Identifier: GPL-2.0
/*
 * Events: group notifications, detected and delivered.
 *
 * Events are detected where they happen (kcg's own ops, the cgroup core's
 * populated and frozen notifications, the OOM killer's mark_victim, process
 * exit) and posted from any context, IRQs off and under the cgroup core's
 * or the victim's locks included, into a ring of records allocated at
 * load: posting never allocates, and an irq_work then queues the worker
 * that builds and sends the messages. Memory and pids events have no hook
 * the module can use, so a sampler compares their counters every
 * KCG_SAMPLE_MS while someone listens.
 *
 * The ring bounds what waits to be sent (KCG_RING_RECORDS), and no owner's
 * groups may hold more than a quarter of it, so one owner's storm cannot
 * crowd out another's events. An event that finds no record is lost, and
 * still takes a number: every listener sees the loss as a seq gap.
 *
 * Two deliveries, both numbered by the single ordered worker as it sends,
 * so a listener gets events in sequence order and every loss is a gap:
 *  - the "events" multicast group, for admins: every event, one numbering;
 *  - subscriptions, for anyone: a socket that sent event-subscribe gets,
 *    queued straight onto it, the events of the groups its sender could
 *    see, numbered per subscription, with pids as the sender's pid
 *    namespace numbers them. An event records the owners of its group and
 *    of the groups above when it is posted, so permission is still known
 *    after the group is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "kcg.h"

#define KCG_SAMPLE_MS 100
/* As inotify's max_user_instances: subscriptions one user may hold. */
#define KCG_SUBSCRIPTIONS_PER_USER 128
/* Records in the ring: at most this many events wait to be sent. */
#define KCG_RING_RECORDS 4096
/* The records the groups of one owner (or of no owner) may hold. */
#define KCG_RING_SHARE (KCG_RING_RECORDS / 4)
/*
 * Record counters per owner: slot 0 for groups no one owns (admins'),
 * 1 + uid % (KCG_SHARE_SLOTS - 1) for an owner's, so owners whose uids are
 * equal modulo 63 share a quarter (no two of 63 consecutive uids do).
 */
#define KCG_SHARE_SLOTS 64

/* A posted event, in the ring until the worker has sent it. */
struct kcg_event {
	u64 number;		/* among all events posted, lost ones included */
	u64 lost;		/* events lost just before this one */
	u64 time_ns;
	u64 group_id;
	u64 count;
	struct pid *pid;	/* the task's, referenced; NULL without a task */
	u32 type;
	u32 exit_code;
	u32 signal;
	u64 limit_id;		/* oom-kill: the group whose limit was hit, or 0 */
	u16 limit_len;		/* its name: this prefix of name */
	u8 limit_owners;	/* bit i: owners[i] owns it or a group above it */
	u8 share;		/* slot of kcg_ring_share[] */
	u8 nr_owners;
	kuid_t owners[KCG_EVENT_OWNERS];	/* of the group and above, nearest first */
	char comm[TASK_COMM_LEN];
	char name[KCG_NAME_MAX + 1];
};

/* What a poster knows beyond the type and the group. */
struct kcg_event_detail {
	struct task_struct *task;	/* for pid and comm, or NULL */
	const struct kcg_group *limit;	/* the group or one above it, or NULL */
	u32 exit_code;
	u32 signal;
	u64 count;
};

/* A socket that sent event-subscribe, until it closes. */
struct kcg_subscription {
	struct list_head node;
	struct sock *sk;		/* held */
	struct kcg_caller caller;	/* when it subscribed; namespaces held */
	u64 since;			/* events numbered up to here came before it */
	u64 seq;			/* last number given to this subscriber */
};

/*
 * The ring: records [first, first + used) wait to be sent, oldest first.
 * Posters fill a record entirely under the lock; the worker, the only
 * reader, sends the oldest without the lock and releases it afterwards.
 */
static struct kcg_event *kcg_ring;
static DEFINE_RAW_SPINLOCK(kcg_ring_lock);
static unsigned int kcg_ring_first;
static unsigned int kcg_ring_used;
static unsigned int kcg_ring_share[KCG_SHARE_SLOTS];
static u64 kcg_ring_number;	/* last number given */
static u64 kcg_ring_lost;	/* lost since the last record taken */

static bool kcg_events_on;
static struct workqueue_struct *kcg_event_wq;

static LIST_HEAD(kcg_subscriptions);
static DEFINE_MUTEX(kcg_subscriptions_lock);	/* also orders sends to them */
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
 * The owners who may see the group's events, nearest first, each once, at
 * most KCG_EVENT_OWNERS of them. Under RCU: groups above outlive their
 * children's registration.
 */
static unsigned int kcg_group_owners(const struct kcg_group *group, kuid_t *owners)
{
	unsigned int n = 0, i;

	for (; group && n < KCG_EVENT_OWNERS; group = group->parent) {
		kuid_t owner = READ_ONCE(group->owner);

		if (!uid_valid(owner))
			continue;
		for (i = 0; i < n && !uid_eq(owners[i], owner); i++)
			;
		if (i == n)
			owners[n++] = owner;
	}
	return n;
}

/*
 * Note the limit group of an oom-kill in event: its id, its name as a
 * prefix of the group's (it is the group or one above), and which of the
 * event's owners may see it.
 */
static void kcg_event_limit(struct kcg_event *event, const struct kcg_group *limit,
			    const kuid_t *owners, unsigned int nr_owners)
{
	kuid_t above[KCG_EVENT_OWNERS];
	unsigned int n, i, j;
	size_t len = strlen(limit->name);

	if (len >= sizeof(event->name) || strncmp(event->name, limit->name, len))
		return;
	event->limit_id = limit->id;
	event->limit_len = len;
	n = kcg_group_owners(limit, above);
	for (i = 0; i < nr_owners; i++)
		for (j = 0; j < n; j++)
			if (uid_eq(owners[i], above[j]))
				event->limit_owners |= BIT(i);
}

/*
 * Post an event from any context, under RCU (or the RCU-sched side of a
 * tracepoint): a record of the ring if one is free and the owner's share
 * allows, else a loss. Never allocates, never sleeps.
 */
static void kcg_event_post(u32 type, const struct kcg_group *group,
			   const struct kcg_event_detail *detail)
{
	kuid_t owners[KCG_EVENT_OWNERS];
	struct kcg_event *event;
	unsigned int nr_owners, share;
	unsigned long flags;

	if (!READ_ONCE(kcg_events_on) || !kcg_listening())
		return;
	nr_owners = kcg_group_owners(group, owners);
	share = nr_owners ? 1 + __kuid_val(owners[0]) % (KCG_SHARE_SLOTS - 1) : 0;

	raw_spin_lock_irqsave(&kcg_ring_lock, flags);
	kcg_ring_number++;
	if (kcg_ring_used == KCG_RING_RECORDS || kcg_ring_share[share] == KCG_RING_SHARE) {
		kcg_ring_lost++;
		raw_spin_unlock_irqrestore(&kcg_ring_lock, flags);
		return;
	}
	event = &kcg_ring[(kcg_ring_first + kcg_ring_used) % KCG_RING_RECORDS];
	kcg_ring_used++;
	kcg_ring_share[share]++;
	event->number = kcg_ring_number;
	event->lost = kcg_ring_lost;
	kcg_ring_lost = 0;
	event->time_ns = ktime_get_ns();
	event->type = type;
	event->group_id = group->id;
	strscpy(event->name, group->name, sizeof(event->name));
	event->share = share;
	event->nr_owners = nr_owners;
	memcpy(event->owners, owners, nr_owners * sizeof(owners[0]));
	event->count = detail ? detail->count : 0;
	event->exit_code = detail ? detail->exit_code : 0;
	event->signal = detail ? detail->signal : 0;
	event->limit_id = 0;
	event->limit_owners = 0;
	if (detail && detail->limit)
		kcg_event_limit(event, detail->limit, owners, nr_owners);
	event->pid = NULL;
	if (detail && detail->task) {
		/* A reference, not an allocation; the worker puts it. */
		event->pid = get_pid(task_tgid(detail->task));
		/*
		 * Not get_task_comm(): mark_victim fires with the victim's
		 * task_lock held. A racing rename can at worst give a mixed name.
		 */
		strscpy(event->comm, detail->task->comm, sizeof(event->comm));
	}
	raw_spin_unlock_irqrestore(&kcg_ring_lock, flags);
	/* Safe with IRQs off and under any lock: the worker is queued later. */
	irq_work_queue(&kcg_event_irq_work);
}

static void kcg_event_kick(struct irq_work *work)
{
	queue_work(kcg_event_wq, &kcg_event_work);
}

void kcg_event_group(u32 type, const struct kcg_group *group)
{
	rcu_read_lock();
	kcg_event_post(type, group, NULL);
	rcu_read_unlock();
}

/* From the sched_process_exit probe: a process, not a thread, that failed. */
void kcg_event_exit(const struct kcg_group *group, struct task_struct *task)
{
	struct kcg_event_detail detail = { .task = task };
	int code = READ_ONCE(task->exit_code);

	if (!thread_group_leader(task) || !code)
		return;
	if (code & 0x7f)
		detail.signal = code & 0x7f;
	else
		detail.exit_code = (code >> 8) & 0xff;
	kcg_event_post(KCG_EVENT_TYPE_TASK_EXIT, group, &detail);
}

/* The cgroup core's own notifications, for the cgroups that are groups. */
static void kcg_event_cgroup(u32 type, struct cgroup *cgrp)
{
	struct kcg_group *group = xa_load(&kcg_groups, cgroup_id(cgrp));

	if (group)
		kcg_event_post(type, group, NULL);
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

/*
 * memory.events.local "oom" of the group's own memcg, or -1 when the
 * memory controller is not enabled on it. Under RCU.
 */
static long kcg_oom_local(const struct kcg_group *group)
{
	struct cgroup_subsys_state *css;

	css = rcu_dereference(group->cgrp->subsys[memory_cgrp_id]);
	if (!css)
		return -1;
	return atomic_long_read(&mem_cgroup_from_css(css)->memory_events_local[MEMCG_OOM]);
}

/*
 * The group whose memory limit this OOM kill is for: the nearest of group
 * and those above whose own oom count rose, which mem_cgroup_oom() counts
 * before the victim is chosen. OOM kills are serialised by oom_lock, so
 * each rise is claimed by one kill. NULL for a system OOM.
 */
static const struct kcg_group *kcg_oom_limit_group(struct kcg_group *group)
{
	const struct kcg_group *found = NULL;
	long now, seen;

	for (; group; group = group->parent) {
		now = kcg_oom_local(group);
		if (now < 0)
			continue;
		seen = atomic_long_xchg(&group->oom_local_seen, now);
		if (!found && now > seen)
			found = group;
	}
	return found;
}

/* The OOM killer picked task: exact, with the victim, for global and memcg OOM. */
void kcg_probe_oom_victim(void *data, struct task_struct *task, uid_t uid)
{
	struct kcg_group *group;
	struct kcg_event_detail detail = { .task = task };

	rcu_read_lock();
	group = xa_load(&kcg_groups, cgroup_id(task_dfl_cgroup(task)));
	if (group) {
		detail.limit = kcg_oom_limit_group(group);
		kcg_event_post(KCG_EVENT_TYPE_OOM_KILL, group, &detail);
	}
	rcu_read_unlock();
}

/* The largest message an event makes: sized so, a skb wastes no room. */
static size_t kcg_event_msg_size(const struct kcg_event *event)
{
	return nla_total_size(sizeof(u32)) +			/* type */
	       3 * nla_total_size_64bit(sizeof(u64)) +		/* seq, time, id */
	       nla_total_size(strlen(event->name) + 1) +
	       nla_total_size(sizeof(u32)) +			/* pid */
	       nla_total_size(sizeof(event->comm)) +
	       nla_total_size(sizeof(u32)) +			/* exit code or signal */
	       nla_total_size_64bit(sizeof(u64)) +		/* count */
	       nla_total_size_64bit(sizeof(u64)) +		/* limit group id */
	       nla_total_size(event->limit_len + 1);
}

/* The limit group's id and name, when there is one the reader may see. */
static int kcg_event_put_limit(struct sk_buff *skb, const struct kcg_event *event, bool visible)
{
	struct nlattr *name;

	if (!event->limit_id || !visible)
		return 0;
	if (nla_put_u64_64bit(skb, KCG_A_EVENT_LIMIT_GROUP_ID, event->limit_id, KCG_A_EVENT_PAD))
		return -EMSGSIZE;
	name = nla_reserve(skb, KCG_A_EVENT_LIMIT_GROUP_NAME, event->limit_len + 1);
	if (!name)
		return -EMSGSIZE;
	memcpy(nla_data(name), event->name, event->limit_len);
	((char *)nla_data(name))[event->limit_len] = '\0';
	return 0;
}

/*
 * The message for event, numbered seq, with pid (0: none) and the limit
 * group when limit_visible; NULL if it cannot be had.
 */
static struct sk_buff *kcg_event_msg(const struct kcg_event *event, u64 seq, pid_t pid,
				     bool limit_visible)
{
	struct sk_buff *skb = genlmsg_new(kcg_event_msg_size(event), GFP_KERNEL | __GFP_NOWARN);
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
	    (pid && nla_put_u32(skb, KCG_A_EVENT_PID, pid)) ||
	    (event->pid && nla_put_string(skb, KCG_A_EVENT_COMM, event->comm)) ||
	    (event->type == KCG_EVENT_TYPE_TASK_EXIT &&
	     (event->signal ? nla_put_u32(skb, KCG_A_EVENT_SIGNAL, event->signal)
			    : nla_put_u32(skb, KCG_A_EVENT_EXIT_CODE, event->exit_code))) ||
	    (event->count &&
	     nla_put_u64_64bit(skb, KCG_A_EVENT_COUNT, event->count, KCG_A_EVENT_PAD)) ||
	    kcg_event_put_limit(skb, event, limit_visible)) {
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

/* Under kcg_subscriptions_lock; free it with kcg_subscriptions_free() after. */
static void kcg_subscription_unlink(struct kcg_subscription *sub, struct list_head *gone)
{
	list_move(&sub->node, gone);
	WRITE_ONCE(kcg_nr_subscriptions, kcg_nr_subscriptions - 1);
}

/*
 * Not under kcg_subscriptions_lock: the last reference to a socket frees
 * it, and on 6.1 that may end a dump of another family.
 */
static void kcg_subscriptions_free(struct list_head *gone)
{
	struct kcg_subscription *sub, *next;

	list_for_each_entry_safe(sub, next, gone, node) {
		sock_put(sub->sk);
		put_user_ns(sub->caller.user_ns);
		put_pid_ns(sub->caller.pid_ns);
		kfree(sub);
	}
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

/* May caller see the limit group of event (which it may see)? */
static bool kcg_event_limit_visible(const struct kcg_event *event, const struct kcg_caller *caller)
{
	unsigned int i;

	if (caller->admin)
		return true;
	for (i = 0; i < event->nr_owners; i++)
		if ((event->limit_owners & BIT(i)) && uid_eq(event->owners[i], caller->uid))
			return true;
	return false;
}

/* Onto the subscribed sockets, each a message of its own seq and pid namespace. */
static void kcg_event_unicast(const struct kcg_event *event)
{
	struct kcg_subscription *sub, *next;
	LIST_HEAD(gone);
	struct sk_buff *skb;
	struct sock *sk;

	mutex_lock(&kcg_subscriptions_lock);
	list_for_each_entry_safe(sub, next, &kcg_subscriptions, node) {
		sk = sub->sk;
		if (sock_flag(sk, SOCK_DEAD)) {
			kcg_subscription_unlink(sub, &gone);
			continue;
		}
		if (event->number <= sub->since)
			continue;	/* posted before it subscribed */
		/* Lost events of unknown groups count for everyone. */
		sub->seq += min(event->lost, event->number - 1 - sub->since);
		if (!kcg_event_visible(event, &sub->caller))
			continue;
		sub->seq++;
		/* A full socket is not worth a message: the reader sees the gap. */
		if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf))
			continue;
		skb = kcg_event_msg(event, sub->seq, pid_nr_ns(event->pid, sub->caller.pid_ns),
				    kcg_event_limit_visible(event, &sub->caller));
		if (skb && sock_queue_rcv_skb(sk, skb))
			kfree_skb(skb);
	}
	mutex_unlock(&kcg_subscriptions_lock);
	kcg_subscriptions_free(&gone);
}

static void kcg_event_send(const struct kcg_event *event)
{
	struct sk_buff *skb;

	/*
	 * The initial network namespace only: joining is checked against the
	 * user namespace owning the listener's netns, which an unprivileged
	 * user can own. Its members are admins: initial pid namespace numbers.
	 */
	if (genl_has_listeners(&kcg_family, &init_net, 0)) {
		skb = kcg_event_msg(event, event->number, pid_nr_ns(event->pid, &init_pid_ns),
				    true);
		if (skb)
			genlmsg_multicast(&kcg_family, skb, 0, 0, GFP_KERNEL);
	}
	if (READ_ONCE(kcg_nr_subscriptions))
		kcg_event_unicast(event);
}

/* The oldest record, or NULL: it stays the worker's until released. */
static struct kcg_event *kcg_ring_oldest(void)
{
	struct kcg_event *event = NULL;

	raw_spin_lock_irq(&kcg_ring_lock);
	if (kcg_ring_used)
		event = &kcg_ring[kcg_ring_first];
	raw_spin_unlock_irq(&kcg_ring_lock);
	return event;
}

static void kcg_ring_release(struct kcg_event *event)
{
	put_pid(event->pid);
	raw_spin_lock_irq(&kcg_ring_lock);
	kcg_ring_share[event->share]--;
	kcg_ring_first = (kcg_ring_first + 1) % KCG_RING_RECORDS;
	kcg_ring_used--;
	raw_spin_unlock_irq(&kcg_ring_lock);
}

static void kcg_event_send_all(struct work_struct *work)
{
	struct kcg_event *event;

	while ((event = kcg_ring_oldest())) {
		kcg_event_send(event);
		kcg_ring_release(event);
		cond_resched();
	}
}

int kcg_event_subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sock *sk = NETLINK_CB(skb).sk;
	struct kcg_subscription *sub, *new;
	unsigned int mine = 0;
	int err = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	kcg_caller_init(&new->caller, skb);

	mutex_lock(&kcg_subscriptions_lock);
	list_for_each_entry(sub, &kcg_subscriptions, node) {
		if (sub->sk == sk)
			goto unlock;	/* already subscribed: nothing to do */
		mine += uid_eq(sub->caller.uid, new->caller.uid);
	}
	if (mine >= KCG_SUBSCRIPTIONS_PER_USER) {
		NL_SET_ERR_MSG(info->extack, "too many event subscriptions for this user");
		err = -EMFILE;
		goto unlock;
	}
	/*
	 * The socket itself, not its portid: once it closes, a socket that
	 * binds the same portid inherits nothing.
	 */
	sock_hold(sk);
	new->sk = sk;
	get_user_ns(new->caller.user_ns);
	get_pid_ns(new->caller.pid_ns);
	raw_spin_lock_irq(&kcg_ring_lock);
	new->since = kcg_ring_number;
	raw_spin_unlock_irq(&kcg_ring_lock);
	list_add_tail(&new->node, &kcg_subscriptions);
	WRITE_ONCE(kcg_nr_subscriptions, kcg_nr_subscriptions + 1);
	new = NULL;
unlock:
	mutex_unlock(&kcg_subscriptions_lock);
	kfree(new);
	return err;
}

/*
 * A subscription ends with its socket: at its release, which comes after
 * the socket is marked dead, free every subscription of a dead socket.
 */
static int kcg_netlink_release(struct notifier_block *nb, unsigned long state, void *ptr)
{
	struct netlink_notify *notify = ptr;
	struct kcg_subscription *sub, *next;
	LIST_HEAD(gone);

	if (state != NETLINK_URELEASE || notify->protocol != NETLINK_GENERIC ||
	    !READ_ONCE(kcg_nr_subscriptions))
		return NOTIFY_DONE;
	mutex_lock(&kcg_subscriptions_lock);
	list_for_each_entry_safe(sub, next, &kcg_subscriptions, node)
		if (sock_flag(sub->sk, SOCK_DEAD))
			kcg_subscription_unlink(sub, &gone);
	mutex_unlock(&kcg_subscriptions_lock);
	kcg_subscriptions_free(&gone);
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
	struct kcg_event_detail detail = {};
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;
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

	for (i = 0; i < ARRAY_SIZE(now.memory) && group->sampled_once; i++) {
		if (now.memory[i] <= last->memory[i])
			continue;
		detail.count = now.memory[i] - last->memory[i];
		kcg_event_post(kcg_memory_event_types[i], group, &detail);
	}
	if (group->sampled_once && now.pids_max > last->pids_max) {
		detail.count = now.pids_max - last->pids_max;
		kcg_event_post(KCG_EVENT_TYPE_PIDS_MAX, group, &detail);
	}
	/* From the first sample on, an OOM kill compares with this. */
	if (!group->sampled_once)
		atomic_long_set(&group->oom_local_seen, max(kcg_oom_local(group), 0L));
	*last = now;
	group->sampled_once = true;
}

/*
 * Under RCU, not kcg_lock: an op that holds the lock for long must not
 * hold back events. A group found here stays valid until
 * rcu_read_unlock() (kcg_group_unregister), and only this work, which
 * never runs twice at once, writes the figures.
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

/* The ring, the sending queue and the release notifier; before the family. */
int __init kcg_events_init(void)
{
	int err;

	kcg_ring = kvcalloc(KCG_RING_RECORDS, sizeof(*kcg_ring), GFP_KERNEL);
	if (!kcg_ring)
		return -ENOMEM;
	/*
	 * Only sends run here: the sampler, whose pass grows with the number
	 * of groups, runs on system_wq so that events never queue behind it.
	 * Not WQ_HIGHPRI: sending is work done for whoever subscribed (one
	 * event can make 128 messages for one user) and must not out-rank
	 * the host's own tasks.
	 */
	kcg_event_wq = alloc_ordered_workqueue("kcg_events", 0);
	if (!kcg_event_wq) {
		err = -ENOMEM;
		goto ring;
	}
	err = netlink_register_notifier(&kcg_netlink_notifier);
	if (err)
		goto wq;
	init_irq_work(&kcg_event_irq_work, kcg_event_kick);
	return 0;

wq:
	destroy_workqueue(kcg_event_wq);
ring:
	kvfree(kcg_ring);
	return err;
}

/* Events flow from here on; after the family is registered. */
void __init kcg_events_start(void)
{
	kcg_pids_events_check();
	WRITE_ONCE(kcg_events_on, true);
	queue_delayed_work(system_wq, &kcg_sample_work, msecs_to_jiffies(KCG_SAMPLE_MS));
}

/* No new event after this, and what was posted is sent; before the family goes. */
void kcg_events_stop(void)
{
	WRITE_ONCE(kcg_events_on, false);
	/* Posters check the flag under RCU: wait for those already past it. */
	synchronize_rcu();
	cancel_delayed_work_sync(&kcg_sample_work);
	irq_work_sync(&kcg_event_irq_work);
	flush_workqueue(kcg_event_wq);
	kcg_event_send_all(NULL);
}

/* After the family: no subscribe can come, subscriptions end. */
void kcg_events_exit(void)
{
	LIST_HEAD(gone);

	netlink_unregister_notifier(&kcg_netlink_notifier);
	mutex_lock(&kcg_subscriptions_lock);
	while (!list_empty(&kcg_subscriptions))
		kcg_subscription_unlink(list_first_entry(&kcg_subscriptions,
							 struct kcg_subscription, node), &gone);
	mutex_unlock(&kcg_subscriptions_lock);
	kcg_subscriptions_free(&gone);
	destroy_workqueue(kcg_event_wq);
	kvfree(kcg_ring);
}
