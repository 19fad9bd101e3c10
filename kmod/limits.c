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
};

/* The one-value limits: attribute, controller file, "max" allowed. */
struct kcg_limit_file {
	int attr;
	const char *file;
	bool max_ok;
	const char *rejected;	/* extack when the kernel refuses the value */
};

static const struct kcg_limit_file kcg_u64_limits[] = {
	{ KCG_A_LIMITS_MEMORY_MAX, "memory.max", true,
	  "memory.max: the kernel rejected the value" },
	{ KCG_A_LIMITS_MEMORY_HIGH, "memory.high", true,
	  "memory.high: the kernel rejected the value" },
	{ KCG_A_LIMITS_MEMORY_LOW, "memory.low", true,
	  "memory.low: the kernel rejected the value" },
	{ KCG_A_LIMITS_PIDS_MAX, "pids.max", true,
	  "pids.max: the kernel rejected the value" },
	{ KCG_A_LIMITS_CPU_WEIGHT, "cpu.weight", false,
	  "cpu.weight: the kernel rejected the value" },
};

static void kcg_format_u64(char *buf, size_t size, u64 value, bool max_ok)
{
	if (max_ok && value == KCG_LIMIT_MAX)
		strscpy(buf, "max", size);
	else
		snprintf(buf, size, "%llu", value);
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
	err = kcg_cg_write(&group->dir, "cpu.max", buf);
	if (err)
		NL_SET_ERR_MSG_ATTR(extack, quota ?: period,
				    "cpu.max: the kernel rejected the quota or period");
	return err;
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
	err = kcg_cg_write(&group->dir, "io.max", buf);
	if (err == -ENODEV)
		NL_SET_ERR_MSG_ATTR(extack, nest, "io.max: no such block device");
	else if (err)
		NL_SET_ERR_MSG_ATTR(extack, nest, "io.max: the kernel rejected the limit");
	return err;
}

/* Write each limit present in the nest; stop at the first the kernel refuses. */
int kcg_limits_apply(struct kcg_group *group, const struct nlattr *limits,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KCG_A_LIMITS_MAX + 1];
	const struct kcg_limit_file *limit;
	struct nlattr *attr;
	char buf[32];
	int err, rem;

	if (!limits)
		return 0;
	err = nla_parse_nested(tb, KCG_A_LIMITS_MAX, limits, kcg_limits_policy, extack);
	if (err)
		return err;

	err = kcg_apply_cpu_max(group, tb, extack);
	if (err)
		return err;
	for (limit = kcg_u64_limits; limit < kcg_u64_limits + ARRAY_SIZE(kcg_u64_limits);
	     limit++) {
		attr = tb[limit->attr];
		if (!attr)
			continue;
		kcg_format_u64(buf, sizeof(buf), limit->attr == KCG_A_LIMITS_CPU_WEIGHT ?
			       nla_get_u32(attr) : nla_get_u64(attr), limit->max_ok);
		err = kcg_cg_write(&group->dir, limit->file, buf);
		if (err) {
			kcg_extack(extack, attr, limit->rejected);
			return err;
		}
	}
	attr = tb[KCG_A_LIMITS_CPUSET_CPUS];
	if (attr) {
		/* An empty write would be refused: a newline resets to "inherit". */
		err = kcg_cg_write(&group->dir, "cpuset.cpus",
				   nla_len(attr) > 1 ? (char *)nla_data(attr) : "\n");
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "cpuset.cpus: the kernel rejected the CPU list");
			return err;
		}
	}
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
	for (limit = kcg_u64_limits; limit < kcg_u64_limits + ARRAY_SIZE(kcg_u64_limits);
	     limit++) {
		if (kcg_cg_read(&group->dir, limit->file, buf, sizeof(buf)) <= 0 ||
		    kcg_parse_u64(strim(buf), &value))
			continue;
		if (limit->attr == KCG_A_LIMITS_CPU_WEIGHT) {
			if (nla_put_u32(skb, limit->attr, value))
				goto nospace;
		} else if (nla_put_u64_64bit(skb, limit->attr, value, KCG_A_LIMITS_PAD)) {
			goto nospace;
		}
	}
	if (kcg_cg_read(&group->dir, "cpuset.cpus", buf, sizeof(buf)) >= 0 &&
	    nla_put_string(skb, KCG_A_LIMITS_CPUSET_CPUS, strim(buf)))
		goto nospace;
	if (kcg_fill_io_max(skb, group))
		goto nospace;
	nla_nest_end(skb, nest);
	return 0;

nospace:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
