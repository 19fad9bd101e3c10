// SPDX-License-Identifier: GPL-2.0
/*
 * What every op of the family shares: who the requester is, what a group
 * name may be, which group a request names, and the dump of the groups a
 * requester may see.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/pid_namespace.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "kcg.h"

/*
 * The requester is whoever opened the socket, as for netlink_capable():
 * a socket handed to another process keeps acting for its opener. Being an
 * admin takes CAP_SYS_ADMIN in the initial user namespace for both the
 * opener and the sender.
 */
void kcg_caller_init(struct kcg_caller *caller, const struct sk_buff *skb)
{
	const struct sock *sk = NETLINK_CB(skb).sk;
	const struct cred *cred = current_cred();

	if (sk && sk->sk_socket && sk->sk_socket->file)
		cred = sk->sk_socket->file->f_cred;
	caller->cred = cred;
	caller->uid = cred->euid;
	caller->user_ns = cred->user_ns;
	caller->pid_ns = task_active_pid_ns(current);
	caller->admin = netlink_capable(skb, CAP_SYS_ADMIN);
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

			if (!isascii(c) || (!isalnum(c) && c != '_' && c != '.' && c != '-')) {
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

/*
 * The group named in the request, referenced, if the caller may see it. A
 * group it may not see is answered exactly as one that does not exist.
 */
struct kcg_group *kcg_request_group(struct genl_info *info,
				    const struct kcg_caller *caller)
{
	struct nlattr *attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_group *group;

	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_NAME))
		return ERR_PTR(-EINVAL);
	group = kcg_group_lookup(nla_data(attr));
	if (group && !kcg_may_see(caller, group)) {
		kcg_group_put(group);
		group = NULL;
	}
	if (!group) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such group");
		return ERR_PTR(-ENOENT);
	}
	return group;
}

/* As kcg_request_group, for ops that change the group: "below its own". */
struct kcg_group *kcg_request_managed(struct genl_info *info,
				      const struct kcg_caller *caller)
{
	struct kcg_group *group = kcg_request_group(info, caller);
	const char *msg = NULL;

	if (IS_ERR(group))
		return group;
	if (!kcg_may_manage(caller, group))
		msg = "only the owner of a group above this one may change it";
	else if (group->flags & KCG_GROUP_FLAG_ADOPTED)
		msg = "an adopted group is only accounted, never changed";
	if (msg) {
		kcg_extack(info->extack, info->attrs[KCG_A_GROUP_NAME], msg);
		kcg_group_put(group);
		return ERR_PTR(-EPERM);
	}
	return group;
}

/*
 * Lock a group for a change, killably; ENOENT once it left the registry.
 * Whatever writes to the group's cgroup holds it, so a delete, which
 * removes the directory under it, comes wholly before or after. A caller
 * that needs the parent's lock too holds it already and passes
 * SINGLE_DEPTH_NESTING: all groups' locks are one lockdep class, and
 * parent-then-child would otherwise read as recursive locking.
 */
int kcg_group_lock(struct kcg_group *group, struct genl_info *info, unsigned int subclass)
{
	if (mutex_lock_killable_nested(&group->lock, subclass))
		return -EINTR;
	if (!group->registered) {
		mutex_unlock(&group->lock);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KCG_A_GROUP_NAME], "no such group");
		return -ENOENT;
	}
	return 0;
}

/*
 * A dump's state, in cb->ctx. Who asks and what is wanted are fixed when
 * the dump starts: later parts run in whatever process reads the socket.
 */
struct kcg_dump_ctx {
	unsigned long next_id;
	struct kcg_group *top;		/* referenced; NULL for every group */
	struct user_namespace *user_ns;	/* referenced */
	kuid_t uid;
	bool admin;
	bool include_top;
	int err;			/* a start error for the first part */
};

static_assert(sizeof(struct kcg_dump_ctx) <= sizeof_field(struct netlink_callback, ctx));

/*
 * Start a dump of every group the requester may see; with top_attr, only
 * those below that group (and itself, with include_top).
 */
int kcg_dump_start(struct netlink_callback *cb, const struct nlattr *top_attr,
		   bool include_top)
{
	struct kcg_dump_ctx *ctx = (struct kcg_dump_ctx *)cb->ctx;
	struct kcg_caller caller;

	kcg_caller_init(&caller, cb->skb);
	memset(ctx, 0, sizeof(*ctx));
	if (top_attr) {
		ctx->top = kcg_group_lookup(nla_data(top_attr));
		if (ctx->top && !kcg_may_see(&caller, ctx->top)) {
			kcg_group_put(ctx->top);
			ctx->top = NULL;
		}
		if (!ctx->top) {
			/*
			 * Before 6.2 a dump's start gets no extack: the error
			 * then ends the first part, whose NLMSG_DONE carries
			 * the message.
			 */
			if (!cb->extack) {
				ctx->err = -ENOENT;
				return 0;
			}
			NL_SET_ERR_MSG_ATTR(cb->extack, top_attr, "no such group");
			return -ENOENT;
		}
	}
	ctx->include_top = include_top;
	ctx->uid = caller.uid;
	ctx->admin = caller.admin;
	ctx->user_ns = get_user_ns(caller.user_ns);
	return 0;
}

int kcg_dump_done(struct netlink_callback *cb)
{
	struct kcg_dump_ctx *ctx = (struct kcg_dump_ctx *)cb->ctx;

	kcg_group_put(ctx->top);
	if (ctx->user_ns)
		put_user_ns(ctx->user_ns);
	return 0;
}

/*
 * One part of a dump: a fill() message per wanted group, in id order, from
 * the cursor on. No lock is held: each group is referenced while filled.
 * Any registration change since the dump's previous part sets
 * NLM_F_DUMP_INTR. A group whose message does not fit even an empty buffer
 * ends the dump with EMSGSIZE rather than silently.
 */
int kcg_dump_groups(struct sk_buff *skb, struct netlink_callback *cb, kcg_fill_fn fill)
{
	struct kcg_dump_ctx *ctx = (struct kcg_dump_ctx *)cb->ctx;
	struct kcg_caller caller = {
		.uid = ctx->uid,
		.admin = ctx->admin,
		.user_ns = ctx->user_ns,
	};
	unsigned long id = ctx->next_id;
	struct kcg_group *group;
	bool wanted;
	int err;

	if (ctx->err) {
		NL_SET_ERR_MSG(cb->extack, "no such group");
		return ctx->err;
	}
	cb->seq = READ_ONCE(kcg_generation);
	for (;; id++) {
		rcu_read_lock();
		group = xa_find(&kcg_groups, &id, ULONG_MAX, XA_PRESENT);
		if (group && !kcg_group_tryget(group))
			group = ERR_PTR(-ENOENT);
		rcu_read_unlock();
		if (!group)
			break;
		if (IS_ERR(group))
			continue;
		wanted = kcg_may_see(&caller, group) &&
			 (!ctx->top || (ctx->include_top && group == ctx->top) ||
			  kcg_group_below(group, ctx->top));
		err = wanted ? fill(skb, group, &caller, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI, cb) : 0;
		kcg_group_put(group);
		if (err)
			return skb->len ?: err;
		ctx->next_id = id + 1;
	}
	return skb->len;
}
