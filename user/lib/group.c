// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Group operations: each builds one request over the "group" attribute set,
 * and the ones with a reply turn it into a struct kcg_group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"

#define CGROUP_PATH_MAX 4095	/* max-len of cgroup-path in the spec */

struct kcg_group {
	uint64_t id;
	char *name;
	char *parent;
	char *cgroup_path;
	uid_t owner;
	uint32_t flags;
	struct kcg_limits limits;
};

struct kcg_group_list {
	struct kcg_list groups;	/* of struct kcg_group * */
};

static struct nla_policy group_policy[KCG_A_GROUP_MAX + 1] = {
	[KCG_A_GROUP_ID]	  = { .type = NLA_U64 },
	[KCG_A_GROUP_NAME]	  = { .type = NLA_STRING },
	[KCG_A_GROUP_PARENT]	  = { .type = NLA_STRING },
	[KCG_A_GROUP_OWNER]	  = { .type = NLA_U32 },
	[KCG_A_GROUP_FLAGS]	  = { .type = NLA_U32 },
	[KCG_A_GROUP_CGROUP_PATH] = { .type = NLA_STRING },
	[KCG_A_GROUP_LIMITS]	  = { .type = NLA_NESTED },
};

uint64_t kcg_group_id(const struct kcg_group *g)
{
	return g->id;
}

const char *kcg_group_name(const struct kcg_group *g)
{
	return g->name;
}

const char *kcg_group_parent(const struct kcg_group *g)
{
	return g->parent;
}

uid_t kcg_group_owner(const struct kcg_group *g)
{
	return g->owner;
}

uint32_t kcg_group_flags(const struct kcg_group *g)
{
	return g->flags;
}

const char *kcg_group_cgroup_path(const struct kcg_group *g)
{
	return g->cgroup_path;
}

const struct kcg_limits *kcg_group_limits(const struct kcg_group *g)
{
	return &g->limits;
}

void kcg_group_free(struct kcg_group *g)
{
	if (!g)
		return;
	free(g->name);
	free(g->parent);
	free(g->cgroup_path);
	kcg_limits_release(&g->limits);
	free(g);
}

size_t kcg_group_list_count(const struct kcg_group_list *list)
{
	return list->groups.count;
}

const struct kcg_group *kcg_group_list_at(const struct kcg_group_list *list, size_t index)
{
	return index < list->groups.count ? list->groups.items[index] : NULL;
}

static void free_group_item(void *item)
{
	kcg_group_free(item);
}

void kcg_group_list_free(struct kcg_group_list *list)
{
	if (!list)
		return;
	kcg_list_release(&list->groups, free_group_item);
	free(list);
}

static int group_from_attrs(struct nlattr **tb, struct kcg_group **out)
{
	struct kcg_group *g;
	int err;

	/* Every group reply identifies the group; anything less is not one. */
	if (!tb[KCG_A_GROUP_ID] || !tb[KCG_A_GROUP_NAME])
		return -EPROTO;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->id = nla_get_u64(tb[KCG_A_GROUP_ID]);
	g->owner = tb[KCG_A_GROUP_OWNER] ? nla_get_u32(tb[KCG_A_GROUP_OWNER]) : KCG_OWNER_NONE;
	if (tb[KCG_A_GROUP_FLAGS])
		g->flags = nla_get_u32(tb[KCG_A_GROUP_FLAGS]);
	err = kcg_dup_string(tb[KCG_A_GROUP_NAME], &g->name);
	if (!err)
		err = kcg_dup_string(tb[KCG_A_GROUP_PARENT], &g->parent);
	if (!err)
		err = kcg_dup_string(tb[KCG_A_GROUP_CGROUP_PATH], &g->cgroup_path);
	if (!err && tb[KCG_A_GROUP_LIMITS])
		err = kcg_limits_parse(&g->limits, tb[KCG_A_GROUP_LIMITS]);
	if (err) {
		kcg_group_free(g);
		return err;
	}
	*out = g;
	return 0;
}

static int parse_one_group(struct nlattr **tb, void *arg)
{
	struct kcg_group **out = arg;

	if (*out)	/* a do request has exactly one reply */
		return -EPROTO;
	return group_from_attrs(tb, out);
}

static int parse_list_entry(struct nlattr **tb, void **item)
{
	return group_from_attrs(tb, (struct kcg_group **)item);
}

/* A request naming one group; extra is room for more attributes than a page holds. */
static int group_request(struct kcg *k, uint8_t cmd, const char *name, size_t extra,
			 struct nl_msg **out)
{
	struct nl_msg *msg;
	int err = kcg_check_string(name, KCG_NAME_MAX);

	if (err)
		return err;
	msg = kcg_msg_new_sized(k, cmd, 0, extra ? nla_total_size(strlen(name) + 1) + extra : 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, KCG_A_GROUP_NAME, name) < 0)
		return kcg_put_failed(msg);
	*out = msg;
	return 0;
}

/* Send a group request; with out, its reply is the group. */
static int group_transact(struct kcg *k, struct nl_msg *msg, struct kcg_group **out)
{
	struct kcg_group *group = NULL;
	const struct kcg_reply reply = {
		.policy = group_policy,
		.maxattr = KCG_A_GROUP_MAX,
		.parse = parse_one_group,
		.arg = &group,
	};
	int err;

	if (!out)
		return kcg_transact(k, msg, NULL);
	/* Changing ops answer with the group only when asked to. */
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ECHO;
	*out = NULL;
	err = kcg_transact(k, msg, &reply);
	if (!err && !group)
		err = -EPROTO;
	if (err) {
		kcg_group_free(group);
		return err;
	}
	*out = group;
	return 0;
}

int kcg_group_new(struct kcg *k, const char *name, uid_t owner,
		  const struct kcg_limits *limits, struct kcg_group **out)
{
	struct nl_msg *msg;
	int err = group_request(k, KCG_CMD_GROUP_NEW, name, 0, &msg);

	if (err)
		return err;
	if (owner != KCG_OWNER_NONE && nla_put_u32(msg, KCG_A_GROUP_OWNER, owner) < 0)
		return kcg_put_failed(msg);
	if (limits && kcg_limits_put(msg, KCG_A_GROUP_LIMITS, limits) < 0)
		return kcg_put_failed(msg);
	return group_transact(k, msg, out);
}

int kcg_group_get(struct kcg *k, const char *name, struct kcg_group **out)
{
	struct nl_msg *msg;
	int err = group_request(k, KCG_CMD_GROUP_GET, name, 0, &msg);

	if (err)
		return err;
	return group_transact(k, msg, out);
}

int kcg_group_set(struct kcg *k, const char *name, const struct kcg_limits *limits,
		  struct kcg_group **out)
{
	struct nl_msg *msg;
	int err;

	if (!limits)
		return -EINVAL;
	err = group_request(k, KCG_CMD_GROUP_SET, name, 0, &msg);
	if (err)
		return err;
	if (kcg_limits_put(msg, KCG_A_GROUP_LIMITS, limits) < 0)
		return kcg_put_failed(msg);
	return group_transact(k, msg, out);
}

int kcg_group_del(struct kcg *k, const char *name, bool force)
{
	struct nl_msg *msg;
	int err = group_request(k, KCG_CMD_GROUP_DEL, name, 0, &msg);

	if (err)
		return err;
	if (force && nla_put_flag(msg, KCG_A_GROUP_FORCE) < 0)
		return kcg_put_failed(msg);
	return group_transact(k, msg, NULL);
}

int kcg_group_freeze(struct kcg *k, const char *name)
{
	struct nl_msg *msg;
	int err = group_request(k, KCG_CMD_GROUP_FREEZE, name, 0, &msg);

	return err ? err : group_transact(k, msg, NULL);
}

int kcg_group_thaw(struct kcg *k, const char *name)
{
	struct nl_msg *msg;
	int err = group_request(k, KCG_CMD_GROUP_THAW, name, 0, &msg);

	return err ? err : group_transact(k, msg, NULL);
}

int kcg_group_kill(struct kcg *k, const char *name, int signal)
{
	struct nl_msg *msg;
	int err;

	if (signal < 0)
		return -EINVAL;
	err = group_request(k, KCG_CMD_GROUP_KILL, name, 0, &msg);
	if (err)
		return err;
	/* Absent means SIGKILL, which the module sends through cgroup.kill. */
	if (signal && nla_put_u32(msg, KCG_A_GROUP_SIGNAL, (uint32_t)signal) < 0)
		return kcg_put_failed(msg);
	return group_transact(k, msg, NULL);
}

int kcg_task_attach(struct kcg *k, const char *name, const pid_t *pids, size_t n)
{
	struct nl_msg *msg;
	int err;

	if (!n)
		return -EINVAL;
	/* One request for all pids, so one answer covers them. */
	err = group_request(k, KCG_CMD_TASK_ATTACH, name, n * nla_total_size(sizeof(uint32_t)),
			    &msg);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (pids[i] <= 0) {
			nlmsg_free(msg);
			return -EINVAL;
		}
		if (nla_put_u32(msg, KCG_A_GROUP_PID, (uint32_t)pids[i]) < 0)
			return kcg_put_failed(msg);
	}
	return group_transact(k, msg, NULL);
}

int kcg_group_adopt(struct kcg *k, const char *cgroup_path, const char *name,
		    struct kcg_group **out)
{
	struct nl_msg *msg;
	int err = kcg_check_string(cgroup_path, CGROUP_PATH_MAX);

	if (err)
		return err;
	err = group_request(k, KCG_CMD_GROUP_ADOPT, name, 0, &msg);
	if (err)
		return err;
	if (nla_put_string(msg, KCG_A_GROUP_CGROUP_PATH, cgroup_path) < 0)
		return kcg_put_failed(msg);
	return group_transact(k, msg, out);
}

int kcg_group_dump(struct kcg *k, const char *parent, struct kcg_group_list **out)
{
	const struct kcg_dump dump = {
		.cmd = KCG_CMD_GROUP_GET,
		.filter_attr = KCG_A_GROUP_PARENT,
		.filter = parent,
		.policy = group_policy,
		.maxattr = KCG_A_GROUP_MAX,
		.parse = parse_list_entry,
		.free_item = free_group_item,
	};
	struct kcg_group_list *list = calloc(1, sizeof(*list));
	int err;

	*out = NULL;
	if (!list)
		return -ENOMEM;
	err = kcg_dump_run(k, &dump, &list->groups);
	if (err) {
		free(list);
		return err;
	}
	*out = list;
	return 0;
}
