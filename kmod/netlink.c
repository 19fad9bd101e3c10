// SPDX-License-Identifier: GPL-2.0
/* The "kcg" generic netlink family: policies, ops and replies. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include <linux/kcg.h>

#include "kcg.h"

static struct genl_family kcg_family;

static int kcg_version_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq, &kcg_family, 0,
			  KCG_CMD_VERSION_GET);
	if (!hdr)
		goto nospace;
	if (nla_put_string(msg, KCG_A_VERSION_MODULE, KCG_MODULE_VERSION) ||
	    nla_put_u32(msg, KCG_A_VERSION_PROTOCOL, KCG_FAMILY_VERSION) ||
	    nla_put_u64_64bit(msg, KCG_A_VERSION_FEATURES, KCG_FEATURE_VERSION, KCG_A_VERSION_PAD))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	NL_SET_ERR_MSG(info->extack, "reply does not fit in a message");
	return -EMSGSIZE;
}

/*
 * Plain genl_ops with a policy per op: split ops only arrived in 6.2, and
 * this form gives the same strictness on every supported kernel.
 */
static const struct nla_policy kcg_version_get_policy[1] = {};

static const struct genl_ops kcg_ops[] = {
	{
		.cmd	= KCG_CMD_VERSION_GET,
		.doit	= kcg_version_get_doit,
		.policy	= kcg_version_get_policy,
		.maxattr = 0,
	},
};

static struct genl_family kcg_family __ro_after_init = {
	.name		= KCG_FAMILY_NAME,
	.version	= KCG_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= kcg_ops,
	.n_ops		= ARRAY_SIZE(kcg_ops),
	.resv_start_op	= KCG_CMD_MAX + 1,
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
