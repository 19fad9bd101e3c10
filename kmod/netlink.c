// SPDX-License-Identifier: GPL-2.0
/*
 * The "kcg" generic netlink family: its registration and the per-op strict
 * policies. The ops live in nl_group.c, nl_stats.c and events.c; what they
 * share in request.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>

#include "compat.h"
#include "kcg.h"

struct genl_family kcg_family;

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

/*
 * Per-op policies: each op accepts exactly the attributes it documents.
 * Ops without attributes get a policy of unsupported entries: with a
 * maxattr of 0 the core would not look at the attributes at all.
 */
static const struct nla_policy kcg_no_attrs_policy[KCG_A_VERSION_MAX + 1] = {};

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
		.policy	 = kcg_no_attrs_policy,
		.maxattr = KCG_A_VERSION_MAX,
	},
	KCG_GROUP_OP(KCG_CMD_GROUP_NEW, kcg_group_new_doit, kcg_group_new_policy),
	{
		.cmd	 = KCG_CMD_GROUP_GET,
		.doit	 = kcg_group_get_doit,
		.start	 = kcg_group_get_dumpstart,
		.dumpit	 = kcg_group_get_dumpit,
		.done	 = kcg_dump_done,
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
		.start	 = kcg_stats_get_dumpstart,
		.dumpit	 = kcg_stats_get_dumpit,
		.done	 = kcg_dump_done,
		.policy	 = kcg_stats_get_policy,
		.maxattr = KCG_A_STATS_MAX,
	},
	{
		.cmd	 = KCG_CMD_EVENT_SUBSCRIBE,
		.doit	 = kcg_event_subscribe_doit,
		.policy	 = kcg_no_attrs_policy,
		.maxattr = KCG_A_VERSION_MAX,
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
	/* Every op is checked strictly: reserved header fields, flags, policy. */
	.resv_start_op	= KCG_CMD_VERSION_GET,
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
