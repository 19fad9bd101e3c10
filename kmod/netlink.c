// SPDX-License-Identifier: GPL-2.0
/*
 * The "kcg" generic netlink family: its registration, the per-op strict
 * policies, and what every op shares: who the requester is, what a group
 * name may be, and which group a request names. The ops themselves live in
 * nl_group.c and nl_stats.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"
#include "kcg.h"

struct genl_family kcg_family;

void kcg_caller_init(struct kcg_caller *caller, const struct sk_buff *skb)
{
	/* Requests run in the sender's context: current is the requester. */
	caller->uid = current_euid();
	caller->admin = netlink_capable(skb, CAP_SYS_ADMIN);
}

static int kcg_version_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq, &kcg_family, 0,
			  KCG_CMD_VERSION_GET);
	if (!hdr ||
	    nla_put_string(msg, KCG_A_VERSION_MODULE, KCG_MODULE_VERSION) ||
	    nla_put_u32(msg, KCG_A_VERSION_PROTOCOL, KCG_FAMILY_VERSION) ||
	    nla_put_u64_64bit(msg, KCG_A_VERSION_FEATURES, KCG_FEATURES, KCG_A_VERSION_PAD)) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "reply does not fit in a message");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Names: levels of [A-Za-z0-9_.-]{1,63}, not "." or "..", joined by '/'. */
int kcg_name_check(const char *name, const struct nlattr *attr,
		   struct netlink_ext_ack *extack)
{
	const char *level = name;
	size_t len, i;

	if (!*name) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "group name is empty");
		return -EINVAL;
	}
	for (;;) {
		len = strcspn(level, "/");
		if (!len) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "group name has an empty level (a leading, trailing or double '/')");
			return -EINVAL;
		}
		if (len > KCG_NAME_LEVEL_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "each level of a group name is at most 63 characters");
			return -ENAMETOOLONG;
		}
		if (level[0] == '.' && (len == 1 || (len == 2 && level[1] == '.'))) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "'.' and '..' are not group names");
			return -EINVAL;
		}
		for (i = 0; i < len; i++) {
			char c = level[i];

			if (!isalnum(c) && c != '_' && c != '.' && c != '-') {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "group names use only letters, digits, '_', '.' and '-'");
				return -EINVAL;
			}
		}
		if (!level[len])
			return 0;
		level += len + 1;
	}
}

/* The group named in the request, if the caller may see it. */
struct kcg_group *kcg_request_group(struct genl_info *info,
				    const struct kcg_caller *caller)
{
	struct nlattr *attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_group *group;

	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_NAME))
		return ERR_PTR(-EINVAL);
	group = kcg_group_find(nla_data(attr));
	if (!group) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such group");
		return ERR_PTR(-ENOENT);
	}
	if (!kcg_may_see(caller, group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "group is outside your subtree");
		return ERR_PTR(-EPERM);
	}
	return group;
}

/* As kcg_request_group, for ops that change the group: "below its own". */
struct kcg_group *kcg_request_managed(struct genl_info *info,
				      const struct kcg_caller *caller)
{
	struct kcg_group *group = kcg_request_group(info, caller);

	if (IS_ERR(group))
		return group;
	if (!kcg_may_manage(caller, group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KCG_A_GROUP_NAME],
				    "only the owner of a group above this one may change it");
		return ERR_PTR(-EPERM);
	}
	if (group->flags & KCG_GROUP_FLAG_ADOPTED) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KCG_A_GROUP_NAME],
				    "an adopted group is only accounted, never changed");
		return ERR_PTR(-EPERM);
	}
	return group;
}

/*
 * The dump of every group the requester may see, one fill() message per
 * group, in id order, resuming at cb->args[0] (the next id). With top_attr,
 * only the groups below that group (and itself, with include_top). Any
 * registration change between two parts of the dump sets NLM_F_DUMP_INTR.
 */
int kcg_dump_groups(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct nlattr *top_attr, bool include_top, kcg_fill_fn fill)
{
	struct kcg_group *group, *top = NULL;
	struct kcg_caller caller;
	unsigned long id;
	int err;

	kcg_caller_init(&caller, cb->skb);
	mutex_lock(&kcg_lock);
	if (top_attr) {
		top = kcg_group_find(nla_data(top_attr));
		if (!top || !kcg_may_see(&caller, top)) {
			kcg_extack(cb->extack, top_attr,
				   top ? "group is outside your subtree" : "no such group");
			err = top ? -EPERM : -ENOENT;
			goto unlock;
		}
	}
	cb->seq = kcg_generation;
	xa_for_each_start(&kcg_groups, id, group, cb->args[0]) {
		bool wanted = kcg_may_see(&caller, group) &&
			      (!top || (include_top && group == top) ||
			       kcg_group_below(group, top));

		if (wanted && fill(skb, group, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		cb->args[0] = id + 1;
	}
	err = skb->len;
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}

/* Per-op policies: each op accepts exactly the attributes it documents. */
static const struct nla_policy kcg_version_get_policy[1] = {};

#define KCG_NAME_POLICY { .type = NLA_NUL_STRING, .len = KCG_NAME_MAX }

static const struct nla_policy kcg_group_new_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
	[KCG_A_GROUP_OWNER]	= { .type = NLA_U32 },
	[KCG_A_GROUP_LIMITS]	= NLA_POLICY_NESTED(kcg_limits_policy),
};

static const struct nla_policy kcg_group_get_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_ID]	= { .type = NLA_U64 },
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
	[KCG_A_GROUP_PARENT]	= KCG_NAME_POLICY,
};

static const struct nla_policy kcg_group_set_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
	[KCG_A_GROUP_LIMITS]	= NLA_POLICY_NESTED(kcg_limits_policy),
};

static const struct nla_policy kcg_group_del_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
	[KCG_A_GROUP_FORCE]	= { .type = NLA_FLAG },
};

static const struct nla_policy kcg_group_name_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
};

static const struct nla_policy kcg_group_kill_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
	[KCG_A_GROUP_SIGNAL]	= NLA_POLICY_RANGE(NLA_U32, 1, 64),
};

static const struct nla_policy kcg_task_attach_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	= KCG_NAME_POLICY,
	[KCG_A_GROUP_PID]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy kcg_group_adopt_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_NAME]	  = KCG_NAME_POLICY,
	[KCG_A_GROUP_CGROUP_PATH] = { .type = NLA_NUL_STRING, .len = 4095 },
};

static const struct nla_policy kcg_event_subscribe_policy[1] = {};

static const struct nla_policy kcg_stats_get_policy[KCG_A_STATS_MAX + 1] = {
	[KCG_A_STATS_NAME]	= KCG_NAME_POLICY,
};

#define KCG_GROUP_OP(_cmd, _doit, _policy)		\
	{						\
		.cmd	 = _cmd,			\
		.doit	 = _doit,			\
		.policy	 = _policy,			\
		.maxattr = KCG_A_GROUP_MAX,		\
	}

/*
 * Plain genl_ops with a policy per op: split ops only arrived in 6.2, and
 * this form gives the same strictness on every supported kernel.
 */
static const struct genl_ops kcg_ops[] = {
	{
		.cmd	 = KCG_CMD_VERSION_GET,
		.doit	 = kcg_version_get_doit,
		.policy	 = kcg_version_get_policy,
		.maxattr = 0,
	},
	KCG_GROUP_OP(KCG_CMD_GROUP_NEW, kcg_group_new_doit, kcg_group_new_policy),
	{
		.cmd	 = KCG_CMD_GROUP_GET,
		.doit	 = kcg_group_get_doit,
		.dumpit	 = kcg_group_get_dumpit,
		.policy	 = kcg_group_get_policy,
		.maxattr = KCG_A_GROUP_MAX,
	},
	KCG_GROUP_OP(KCG_CMD_GROUP_SET, kcg_group_set_doit, kcg_group_set_policy),
	KCG_GROUP_OP(KCG_CMD_GROUP_DEL, kcg_group_del_doit, kcg_group_del_policy),
	KCG_GROUP_OP(KCG_CMD_GROUP_FREEZE, kcg_group_freeze_doit, kcg_group_name_policy),
	KCG_GROUP_OP(KCG_CMD_GROUP_THAW, kcg_group_thaw_doit, kcg_group_name_policy),
	KCG_GROUP_OP(KCG_CMD_GROUP_KILL, kcg_group_kill_doit, kcg_group_kill_policy),
	KCG_GROUP_OP(KCG_CMD_TASK_ATTACH, kcg_task_attach_doit, kcg_task_attach_policy),
	KCG_GROUP_OP(KCG_CMD_GROUP_ADOPT, kcg_group_adopt_doit, kcg_group_adopt_policy),
	{
		.cmd	 = KCG_CMD_STATS_GET,
		.doit	 = kcg_stats_get_doit,
		.dumpit	 = kcg_stats_get_dumpit,
		.policy	 = kcg_stats_get_policy,
		.maxattr = KCG_A_STATS_MAX,
	},
	{
		.cmd	 = KCG_CMD_EVENT_SUBSCRIBE,
		.doit	 = kcg_event_subscribe_doit,
		.policy	 = kcg_event_subscribe_policy,
		.maxattr = 0,
	},
};

/*
 * Listeners see every group's events: joining needs CAP_SYS_ADMIN. Anyone
 * else subscribes (event-subscribe) to the events of the groups it may see.
 */
static const struct genl_multicast_group kcg_mcgrps[] = {
	{ .name = KCG_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

struct genl_family kcg_family __ro_after_init = {
	.name		= KCG_FAMILY_NAME,
	.version	= KCG_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= kcg_ops,
	.n_ops		= ARRAY_SIZE(kcg_ops),
	.resv_start_op	= KCG_CMD_MAX + 1,
	.mcgrps		= kcg_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kcg_mcgrps),
};

int __init kcg_netlink_init(void)
{
	return genl_register_family(&kcg_family);
}

void kcg_netlink_exit(void)
{
	genl_unregister_family(&kcg_family);
}

/* A client resolving the family loads the module on demand. */
MODULE_ALIAS_GENL_FAMILY(KCG_FAMILY_NAME);
