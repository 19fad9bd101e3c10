// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: netlink attributes to controller file writes, and controller files
 * back to attributes. The kernel's own cgroup code validates and enforces
 * every value, exactly as for a write from userspace; kcg never mirrors a
 * controller.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>

#include "kcg.h"

/* Bounds above what NLA_POLICY_RANGE's s16 can hold. */
static struct netlink_range_validation kcg_period_range = {
	.min = 1000,
	.max = 1000000,
};

static struct netlink_range_validation kcg_quota_range = {
	.min = 1000,
	.max = KCG_LIMIT_MAX,
};

static const struct nla_policy kcg_io_max_policy[KCG_A_IO_MAX_MAX + 1] = {
	[KCG_A_IO_MAX_MAJOR]	= { .type = NLA_U32 },
	[KCG_A_IO_MAX_MINOR]	= { .type = NLA_U32 },
	[KCG_A_IO_MAX_RBPS]	= NLA_POLICY_MIN(NLA_U64, 1),
	[KCG_A_IO_MAX_WBPS]	= NLA_POLICY_MIN(NLA_U64, 1),
	[KCG_A_IO_MAX_RIOPS]	= NLA_POLICY_MIN(NLA_U64, 1),
	[KCG_A_IO_MAX_WIOPS]	= NLA_POLICY_MIN(NLA_U64, 1),
};

const struct nla_policy kcg_limits_policy[KCG_A_LIMITS_MAX + 1] = {
	[KCG_A_LIMITS_CPU_MAX_QUOTA]	= NLA_POLICY_FULL_RANGE(NLA_U64, &kcg_quota_range),
	[KCG_A_LIMITS_CPU_MAX_PERIOD]	= NLA_POLICY_FULL_RANGE(NLA_U64, &kcg_period_range),
	[KCG_A_LIMITS_CPU_WEIGHT]	= NLA_POLICY_RANGE(NLA_U32, 1, 10000),
	[KCG_A_LIMITS_MEMORY_MAX]	= { .type = NLA_U64 },
	[KCG_A_LIMITS_MEMORY_HIGH]	= { .type = NLA_U64 },
	[KCG_A_LIMITS_MEMORY_LOW]	= { .type = NLA_U64 },
	[KCG_A_LIMITS_PIDS_MAX]		= { .type = NLA_U64 },
	[KCG_A_LIMITS_CPUSET_CPUS]	= { .type = NLA_NUL_STRING, .len = 255 },
	[KCG_A_LIMITS_IO_MAX]		= NLA_POLICY_NESTED(kcg_io_max_policy),
	[KCG_A_LIMITS_MEMORY_MIN]	= { .type = NLA_U64 },
	[KCG_A_LIMITS_MEMORY_SWAP_MAX]	= { .type = NLA_U64 },
	[KCG_A_LIMITS_CPUSET_MEMS]	= { .type = NLA_NUL_STRING, .len = 255 },
	[KCG_A_LIMITS_IO_WEIGHT]	= NLA_POLICY_RANGE(NLA_U32, 1, 10000),
	[KCG_A_LIMITS_CPU_IDLE]		= NLA_POLICY_RANGE(NLA_U32, 0, 1),
};

/*
 * A limit's controller file, whether its attribute is a u32 (else a u64
 * where KCG_LIMIT_MAX is "max"), and the extack messages for a value the
 * kernel refuses and for a file the group's cgroup does not have: its
 * controller is not enabled there (kcg's controllers= parameter, or a
 * parent whose subtree_control lacks it) or the kernel has none. min is
 * the policy's minimum: a file may read below it (on 6.1 an idle group's
 * cpu.weight reads 0, its minimal shares rounded down), and a reply must
 * not carry what no request may set.
 */
struct kcg_limit_file {
	int attr;
	const char *file;
	bool u32;
	const char *rejected;
	const char *missing;
	u64 min;
};

/* The one-value limits, written in this order. */
static const struct kcg_limit_file kcg_value_limits[] = {
	{ KCG_A_LIMITS_MEMORY_MAX, "memory.max", false,
	  "memory.max: the kernel rejected the value",
	  "memory.max: no such file: the memory controller is not enabled for this group" },
	{ KCG_A_LIMITS_MEMORY_HIGH, "memory.high", false,
	  "memory.high: the kernel rejected the value",
	  "memory.high: no such file: the memory controller is not enabled for this group" },
	{ KCG_A_LIMITS_MEMORY_LOW, "memory.low", false,
	  "memory.low: the kernel rejected the value",
	  "memory.low: no such file: the memory controller is not enabled for this group" },
	{ KCG_A_LIMITS_MEMORY_MIN, "memory.min", false,
	  "memory.min: the kernel rejected the value",
	  "memory.min: no such file: the memory controller is not enabled for this group" },
	/* Present with CONFIG_SWAP, swap in use or not. */
	{ KCG_A_LIMITS_MEMORY_SWAP_MAX, "memory.swap.max", false,
	  "memory.swap.max: the kernel rejected the value",
	  "memory.swap.max: no such file: no memory controller here, or no swap in the kernel" },
	{ KCG_A_LIMITS_PIDS_MAX, "pids.max", false,
	  "pids.max: the kernel rejected the value",
	  "pids.max: no such file: the pids controller is not enabled for this group" },
	/* An idle group refuses a weight (sched_group_set_shares()). */
	{ KCG_A_LIMITS_CPU_WEIGHT, "cpu.weight", true,
	  "cpu.weight: the kernel rejected the value (an idle group takes no weight)",
	  "cpu.weight: no such file: the cpu controller is not enabled for this group",
	  .min = 1 },
	/* Written as "N"; read back from its first line, "default N". */
	{ KCG_A_LIMITS_IO_WEIGHT, "io.weight", true,
	  "io.weight: the kernel rejected the value",
	  "io.weight: no such file: no io controller here, or no io.cost in the kernel",
	  .min = 1 },
};

/* cpu.idle goes around cpu.weight: see kcg_limits_apply(). */
static const struct kcg_limit_file kcg_cpu_idle = {
	KCG_A_LIMITS_CPU_IDLE, "cpu.idle", true,
	"cpu.idle: the kernel rejected the value",
	"cpu.idle: no such file: the cpu controller is not enabled for this group"
};

/* The limits written from more than one attribute or as text. */
static const struct kcg_limit_file kcg_cpu_max = {
	KCG_A_LIMITS_CPU_MAX_QUOTA, "cpu.max", false,
	"cpu.max: the kernel rejected the quota or period",
	"cpu.max: no such file: the cpu controller is not enabled for this group"
};

static const struct kcg_limit_file kcg_cpuset_cpus = {
	KCG_A_LIMITS_CPUSET_CPUS, "cpuset.cpus", false,
	"cpuset.cpus: the kernel rejected the CPU list",
	"cpuset.cpus: no such file: the cpuset controller is not enabled for this group"
};

static const struct kcg_limit_file kcg_cpuset_mems = {
	KCG_A_LIMITS_CPUSET_MEMS, "cpuset.mems", false,
	"cpuset.mems: the kernel rejected the memory node list",
	"cpuset.mems: no such file: the cpuset controller is not enabled for this group"
};

static const struct kcg_limit_file kcg_io_max = {
	KCG_A_LIMITS_IO_MAX, "io.max", false,
	"io.max: the kernel rejected the limit",
	"io.max: no such file: the io controller is not enabled for this group"
};

static void kcg_format_u64(char *buf, size_t size, u64 value, bool max_ok)
{
	if (max_ok && value == KCG_LIMIT_MAX)
		strscpy(buf, "max", size);
	else
		snprintf(buf, size, "%llu", value);
}

/*
 * A limit's file is missing: its controller is absent (EOPNOTSUPP, with
 * its own message), unless the cgroup itself was just removed behind kcg's
 * back, before the registry noticed: ENOENT, as for any op on a group that
 * is gone.
 */
static int kcg_limit_missing(struct kcg_group *group, const struct kcg_limit_file *limit,
			     const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	if (css_is_dying(&group->cgrp->self)) {
		NL_SET_ERR_MSG(extack, "no such group");
		return -ENOENT;
	}
	kcg_extack(extack, attr, limit->missing);
	return -EOPNOTSUPP;
}

/* Write a limit's controller file, with the extack for each failure. */
static int kcg_limit_write(struct kcg_group *group, const struct kcg_limit_file *limit,
			   const char *buf, const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	int err = kcg_cg_write(&group->dir, limit->file, buf);

	if (err == -ENOENT)
		return kcg_limit_missing(group, limit, attr, extack);
	if (err)
		kcg_extack(extack, attr, limit->rejected);
	return err;
}

static int kcg_apply_one(struct kcg_group *group, const struct kcg_limit_file *limit,
			 const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	char buf[32];

	if (limit->u32)
		snprintf(buf, sizeof(buf), "%u", nla_get_u32(attr));
	else
		kcg_format_u64(buf, sizeof(buf), nla_get_u64(attr), true);
	return kcg_limit_write(group, limit, buf, attr, extack);
}

/* cpuset.cpus or cpuset.mems, if in the request. */
static int kcg_apply_cpuset(struct kcg_group *group, const struct kcg_limit_file *limit,
			    const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	if (!attr)
		return 0;
	/* An empty write would be refused: a newline resets to "inherit". */
	return kcg_limit_write(group, limit, nla_len(attr) > 1 ? (char *)nla_data(attr) : "\n",
			       attr, extack);
}

static int kcg_apply_cpu_max(struct kcg_group *group, struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *quota = tb[KCG_A_LIMITS_CPU_MAX_QUOTA];
	struct nlattr *period = tb[KCG_A_LIMITS_CPU_MAX_PERIOD];
	char buf[64], quota_text[24];
	int err;

	if (!quota && !period)
		return 0;
	if (quota) {
		kcg_format_u64(quota_text, sizeof(quota_text), nla_get_u64(quota), true);
	} else {
		/* cpu.max takes "QUOTA [PERIOD]": keep the quota in force. */
		err = kcg_cg_read(&group->dir, "cpu.max", buf, sizeof(buf));
		if (err == -ENOENT)
			return kcg_limit_missing(group, &kcg_cpu_max, period, extack);
		if (err < 0) {
			NL_SET_ERR_MSG_ATTR(extack, period,
					    "cpu.max: cannot read the current quota");
			return err;
		}
		sscanf(buf, "%23s", quota_text);
	}
	if (period)
		snprintf(buf, sizeof(buf), "%s %llu", quota_text, nla_get_u64(period));
	else
		strscpy(buf, quota_text, sizeof(buf));
	return kcg_limit_write(group, &kcg_cpu_max, buf, quota ?: period, extack);
}

static int kcg_apply_io_max(struct kcg_group *group, const struct nlattr *nest,
			    struct netlink_ext_ack *extack)
{
	static const char * const keys[] = { "rbps", "wbps", "riops", "wiops" };
	struct nlattr *tb[KCG_A_IO_MAX_MAX + 1];
	char buf[160], value[24];
	int err, i, len;

	err = nla_parse_nested(tb, KCG_A_IO_MAX_MAX, nest, kcg_io_max_policy, extack);
	if (err)
		return err;
	if (!tb[KCG_A_IO_MAX_MAJOR] || !tb[KCG_A_IO_MAX_MINOR]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "io.max: a device needs major and minor");
		return -EINVAL;
	}
	len = snprintf(buf, sizeof(buf), "%u:%u", nla_get_u32(tb[KCG_A_IO_MAX_MAJOR]),
		       nla_get_u32(tb[KCG_A_IO_MAX_MINOR]));
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		struct nlattr *attr = tb[KCG_A_IO_MAX_RBPS + i];

		if (!attr)
			continue;
		kcg_format_u64(value, sizeof(value), nla_get_u64(attr), true);
		len += snprintf(buf + len, sizeof(buf) - len, " %s=%s", keys[i], value);
	}
	err = kcg_limit_write(group, &kcg_io_max, buf, nest, extack);
	/* The block layer's answer for no such disk, and for a partition. */
	if (err == -ENODEV)
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "io.max: no such block device (a whole disk, not a partition)");
	return err;
}

/* Write each limit present in the nest; stop at the first the kernel refuses. */
int kcg_limits_apply(struct kcg_group *group, const struct nlattr *limits,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KCG_A_LIMITS_MAX + 1];
	const struct kcg_limit_file *limit;
	struct nlattr *attr, *idle;
	int err, rem;

	if (!limits)
		return 0;
	err = nla_parse_nested(tb, KCG_A_LIMITS_MAX, limits, kcg_limits_policy, extack);
	if (err)
		return err;

	err = kcg_apply_cpu_max(group, tb, extack);
	if (err)
		return err;
	/*
	 * An idle group takes no cpu.weight: leaving idle comes before a new
	 * weight and entering it after, so both may go in one request.
	 */
	idle = tb[KCG_A_LIMITS_CPU_IDLE];
	if (idle && !nla_get_u32(idle)) {
		err = kcg_apply_one(group, &kcg_cpu_idle, idle, extack);
		if (err)
			return err;
	}
	for (limit = kcg_value_limits; limit < kcg_value_limits + ARRAY_SIZE(kcg_value_limits);
	     limit++) {
		attr = tb[limit->attr];
		if (!attr)
			continue;
		err = kcg_apply_one(group, limit, attr, extack);
		if (err)
			return err;
	}
	if (idle && nla_get_u32(idle)) {
		err = kcg_apply_one(group, &kcg_cpu_idle, idle, extack);
		if (err)
			return err;
	}
	err = kcg_apply_cpuset(group, &kcg_cpuset_cpus, tb[KCG_A_LIMITS_CPUSET_CPUS], extack);
	if (!err)
		err = kcg_apply_cpuset(group, &kcg_cpuset_mems, tb[KCG_A_LIMITS_CPUSET_MEMS],
				       extack);
	if (err)
		return err;
	nla_for_each_nested(attr, limits, rem) {
		if (nla_type(attr) != KCG_A_LIMITS_IO_MAX)
			continue;
		err = kcg_apply_io_max(group, attr, extack);
		if (err)
			return err;
	}
	return 0;
}

/* "max" or a decimal, as controller files print them. */
static int kcg_parse_u64(const char *text, u64 *value)
{
	if (!strcmp(text, "max")) {
		*value = KCG_LIMIT_MAX;
		return 0;
	}
	return kstrtou64(text, 10, value);
}

static int kcg_fill_io_max(struct sk_buff *skb, struct kcg_group *group)
{
	static const char * const keys[] = { "rbps", "wbps", "riops", "wiops" };
	char *buf, *line, *cursor, *tok;
	unsigned int major, minor;
	struct nlattr *nest;
	ssize_t len;
	int err = 0, i;
	u64 value;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = kcg_cg_read(&group->dir, "io.max", buf, PAGE_SIZE);
	cursor = buf;
	while (len > 0 && (line = strsep(&cursor, "\n")) != NULL) {
		tok = strsep(&line, " ");
		if (!tok || sscanf(tok, "%u:%u", &major, &minor) != 2)
			continue;
		nest = nla_nest_start(skb, KCG_A_LIMITS_IO_MAX);
		if (!nest || nla_put_u32(skb, KCG_A_IO_MAX_MAJOR, major) ||
		    nla_put_u32(skb, KCG_A_IO_MAX_MINOR, minor)) {
			err = -EMSGSIZE;
			break;
		}
		while ((tok = strsep(&line, " ")) != NULL) {
			char *eq = strchr(tok, '=');

			if (!eq)
				continue;
			*eq = '\0';
			for (i = 0; i < ARRAY_SIZE(keys); i++) {
				if (strcmp(tok, keys[i]) || kcg_parse_u64(eq + 1, &value))
					continue;
				if (nla_put_u64_64bit(skb, KCG_A_IO_MAX_RBPS + i, value,
						      KCG_A_IO_MAX_PAD))
					err = -EMSGSIZE;
			}
		}
		if (err)
			break;
		nla_nest_end(skb, nest);
	}
	kfree(buf);
	return err;
}

/*
 * One limit's file into its attribute: the value is the first line, after
 * a "default " (io.weight's first line; per-device lines follow it). A
 * missing or unreadable file, or a value below the limit's minimum, leaves
 * the attribute out. -EMSGSIZE.
 */
static int kcg_fill_one(struct sk_buff *skb, struct kcg_group *group,
			const struct kcg_limit_file *limit, char *buf, size_t size)
{
	char *text = buf;
	u64 value;

	if (kcg_cg_read(&group->dir, limit->file, buf, size) <= 0)
		return 0;
	text = strim(strsep(&text, "\n"));
	if (str_has_prefix(text, "default "))
		text += strlen("default ");
	if (kcg_parse_u64(text, &value) || value < limit->min)
		return 0;
	if (!limit->u32)
		return nla_put_u64_64bit(skb, limit->attr, value, KCG_A_LIMITS_PAD);
	return value > U32_MAX ? 0 : nla_put_u32(skb, limit->attr, value);
}

/*
 * Read the limits back from the controller files into a KCG_A_GROUP_LIMITS
 * nest. A file that is missing (controller not enabled, as may be for an
 * adopted cgroup) leaves its attribute out: absent means absent.
 */
int kcg_limits_fill(struct sk_buff *skb, struct kcg_group *group)
{
	const struct kcg_limit_file *limit;
	char buf[300], quota[24];
	struct nlattr *nest;
	u64 value, period;

	nest = nla_nest_start(skb, KCG_A_GROUP_LIMITS);
	if (!nest)
		return -EMSGSIZE;

	if (kcg_cg_read(&group->dir, "cpu.max", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%23s %llu", quota, &period) == 2 &&
	    !kcg_parse_u64(quota, &value)) {
		if (nla_put_u64_64bit(skb, KCG_A_LIMITS_CPU_MAX_QUOTA, value, KCG_A_LIMITS_PAD) ||
		    nla_put_u64_64bit(skb, KCG_A_LIMITS_CPU_MAX_PERIOD, period, KCG_A_LIMITS_PAD))
			goto nospace;
	}
	for (limit = kcg_value_limits; limit < kcg_value_limits + ARRAY_SIZE(kcg_value_limits);
	     limit++)
		if (kcg_fill_one(skb, group, limit, buf, sizeof(buf)))
			goto nospace;
	if (kcg_fill_one(skb, group, &kcg_cpu_idle, buf, sizeof(buf)))
		goto nospace;
	if (kcg_cg_read(&group->dir, "cpuset.cpus", buf, sizeof(buf)) >= 0 &&
	    nla_put_string(skb, KCG_A_LIMITS_CPUSET_CPUS, strim(buf)))
		goto nospace;
	if (kcg_cg_read(&group->dir, "cpuset.mems", buf, sizeof(buf)) >= 0 &&
	    nla_put_string(skb, KCG_A_LIMITS_CPUSET_MEMS, strim(buf)))
		goto nospace;
	if (kcg_fill_io_max(skb, group))
		goto nospace;
	nla_nest_end(skb, nest);
	return 0;

nospace:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
