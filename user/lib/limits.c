// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Limits: the caller's builder, its encoding into a KCG_A_GROUP_LIMITS nest,
 * and the parse of the same nest from a group reply.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>

#include "internal.h"

#define BIT(attr) (UINT32_C(1) << (attr))

/* The u64 limits, which all encode and parse alike. */
static const int u64_limits[] = {
	KCG_A_LIMITS_CPU_MAX_QUOTA,
	KCG_A_LIMITS_CPU_MAX_PERIOD,
	KCG_A_LIMITS_MEMORY_MAX,
	KCG_A_LIMITS_MEMORY_HIGH,
	KCG_A_LIMITS_MEMORY_LOW,
	KCG_A_LIMITS_PIDS_MAX,
	KCG_A_LIMITS_MEMORY_MIN,
	KCG_A_LIMITS_MEMORY_SWAP_MAX,
};

/* The u32 limits likewise. */
static const int u32_limits[] = {
	KCG_A_LIMITS_CPU_WEIGHT,
	KCG_A_LIMITS_IO_WEIGHT,
	KCG_A_LIMITS_CPU_IDLE,
};

/* io.max rates in attribute order, with their place in struct kcg_io_max. */
static const struct {
	int attr;
	size_t offset;
} io_rates[] = {
	{ KCG_A_IO_MAX_RBPS,  offsetof(struct kcg_io_max, rbps) },
	{ KCG_A_IO_MAX_WBPS,  offsetof(struct kcg_io_max, wbps) },
	{ KCG_A_IO_MAX_RIOPS, offsetof(struct kcg_io_max, riops) },
	{ KCG_A_IO_MAX_WIOPS, offsetof(struct kcg_io_max, wiops) },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CPUSET_LIST_MAX 255	/* max-len of cpuset-cpus and cpuset-mems in the spec */

static uint64_t *io_rate(struct kcg_io_max *io, size_t i)
{
	return (uint64_t *)((char *)io + io_rates[i].offset);
}

static uint64_t io_rate_value(const struct kcg_io_max *io, size_t i)
{
	return *(const uint64_t *)((const char *)io + io_rates[i].offset);
}

struct kcg_limits *kcg_limits_new(void)
{
	return calloc(1, sizeof(struct kcg_limits));
}

void kcg_limits_release(struct kcg_limits *l)
{
	free(l->cpuset_cpus);
	free(l->cpuset_mems);
	free(l->io_max);
	memset(l, 0, sizeof(*l));
}

void kcg_limits_free(struct kcg_limits *l)
{
	if (!l)
		return;
	kcg_limits_release(l);
	free(l);
}

static void set_value(struct kcg_limits *l, int attr, uint64_t value)
{
	l->value[attr] = value;
	l->present |= BIT(attr);
}

static bool get_value(const struct kcg_limits *l, int attr, uint64_t *value)
{
	if (!(l->present & BIT(attr)))
		return false;
	*value = l->value[attr];
	return true;
}

void kcg_limits_set_cpu_max(struct kcg_limits *l, uint64_t quota, uint64_t period)
{
	set_value(l, KCG_A_LIMITS_CPU_MAX_QUOTA, quota);
	if (period)
		set_value(l, KCG_A_LIMITS_CPU_MAX_PERIOD, period);
	else
		l->present &= ~BIT(KCG_A_LIMITS_CPU_MAX_PERIOD);
}

void kcg_limits_set_cpu_weight(struct kcg_limits *l, uint32_t weight)
{
	set_value(l, KCG_A_LIMITS_CPU_WEIGHT, weight);
}

void kcg_limits_set_memory_max(struct kcg_limits *l, uint64_t bytes)
{
	set_value(l, KCG_A_LIMITS_MEMORY_MAX, bytes);
}

void kcg_limits_set_memory_high(struct kcg_limits *l, uint64_t bytes)
{
	set_value(l, KCG_A_LIMITS_MEMORY_HIGH, bytes);
}

void kcg_limits_set_memory_low(struct kcg_limits *l, uint64_t bytes)
{
	set_value(l, KCG_A_LIMITS_MEMORY_LOW, bytes);
}

void kcg_limits_set_pids_max(struct kcg_limits *l, uint64_t pids)
{
	set_value(l, KCG_A_LIMITS_PIDS_MAX, pids);
}

/* A cpuset list into *slot, replacing what it held only on success. */
static int set_list(struct kcg_limits *l, int attr, char **slot, const char *list)
{
	char *copy;

	if (strlen(list) > CPUSET_LIST_MAX)
		return -ERANGE;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	l->present |= BIT(attr);
	return 0;
}

int kcg_limits_set_cpuset_cpus(struct kcg_limits *l, const char *cpus)
{
	return set_list(l, KCG_A_LIMITS_CPUSET_CPUS, &l->cpuset_cpus, cpus);
}

void kcg_limits_set_memory_min(struct kcg_limits *l, uint64_t bytes)
{
	set_value(l, KCG_A_LIMITS_MEMORY_MIN, bytes);
}

void kcg_limits_set_memory_swap_max(struct kcg_limits *l, uint64_t bytes)
{
	set_value(l, KCG_A_LIMITS_MEMORY_SWAP_MAX, bytes);
}

int kcg_limits_set_cpuset_mems(struct kcg_limits *l, const char *mems)
{
	return set_list(l, KCG_A_LIMITS_CPUSET_MEMS, &l->cpuset_mems, mems);
}

void kcg_limits_set_io_weight(struct kcg_limits *l, uint32_t weight)
{
	set_value(l, KCG_A_LIMITS_IO_WEIGHT, weight);
}

void kcg_limits_set_cpu_idle(struct kcg_limits *l, bool idle)
{
	set_value(l, KCG_A_LIMITS_CPU_IDLE, idle);
}

int kcg_limits_add_io_max(struct kcg_limits *l, const struct kcg_io_max *io)
{
	struct kcg_io_max *grown;

	grown = realloc(l->io_max, (l->io_max_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	grown[l->io_max_count++] = *io;
	l->io_max = grown;
	l->present |= BIT(KCG_A_LIMITS_IO_MAX);
	return 0;
}

bool kcg_limits_get_cpu_max(const struct kcg_limits *l, uint64_t *quota, uint64_t *period)
{
	if (!get_value(l, KCG_A_LIMITS_CPU_MAX_QUOTA, quota))
		return false;
	if (!get_value(l, KCG_A_LIMITS_CPU_MAX_PERIOD, period))
		*period = 0;
	return true;
}

bool kcg_limits_get_cpu_weight(const struct kcg_limits *l, uint32_t *weight)
{
	uint64_t value;

	if (!get_value(l, KCG_A_LIMITS_CPU_WEIGHT, &value))
		return false;
	*weight = (uint32_t)value;
	return true;
}

bool kcg_limits_get_memory_max(const struct kcg_limits *l, uint64_t *bytes)
{
	return get_value(l, KCG_A_LIMITS_MEMORY_MAX, bytes);
}

bool kcg_limits_get_memory_high(const struct kcg_limits *l, uint64_t *bytes)
{
	return get_value(l, KCG_A_LIMITS_MEMORY_HIGH, bytes);
}

bool kcg_limits_get_memory_low(const struct kcg_limits *l, uint64_t *bytes)
{
	return get_value(l, KCG_A_LIMITS_MEMORY_LOW, bytes);
}

bool kcg_limits_get_pids_max(const struct kcg_limits *l, uint64_t *pids)
{
	return get_value(l, KCG_A_LIMITS_PIDS_MAX, pids);
}

const char *kcg_limits_get_cpuset_cpus(const struct kcg_limits *l)
{
	return l->cpuset_cpus;
}

bool kcg_limits_get_memory_min(const struct kcg_limits *l, uint64_t *bytes)
{
	return get_value(l, KCG_A_LIMITS_MEMORY_MIN, bytes);
}

bool kcg_limits_get_memory_swap_max(const struct kcg_limits *l, uint64_t *bytes)
{
	return get_value(l, KCG_A_LIMITS_MEMORY_SWAP_MAX, bytes);
}

const char *kcg_limits_get_cpuset_mems(const struct kcg_limits *l)
{
	return l->cpuset_mems;
}

bool kcg_limits_get_io_weight(const struct kcg_limits *l, uint32_t *weight)
{
	uint64_t value;

	if (!get_value(l, KCG_A_LIMITS_IO_WEIGHT, &value))
		return false;
	*weight = (uint32_t)value;
	return true;
}

bool kcg_limits_get_cpu_idle(const struct kcg_limits *l, bool *idle)
{
	uint64_t value;

	if (!get_value(l, KCG_A_LIMITS_CPU_IDLE, &value))
		return false;
	*idle = value != 0;
	return true;
}

size_t kcg_limits_io_max_count(const struct kcg_limits *l)
{
	return l->io_max_count;
}

const struct kcg_io_max *kcg_limits_io_max_at(const struct kcg_limits *l, size_t index)
{
	return index < l->io_max_count ? &l->io_max[index] : NULL;
}

static int put_io_max(struct nl_msg *msg, const struct kcg_io_max *io)
{
	/* libnl before 3.5 does not flag nests; the kernel's strict policy wants it. */
	struct nlattr *nest = nla_nest_start(msg, KCG_A_LIMITS_IO_MAX | NLA_F_NESTED);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, KCG_A_IO_MAX_MAJOR, io->major) < 0 ||
	    nla_put_u32(msg, KCG_A_IO_MAX_MINOR, io->minor) < 0)
		return -EMSGSIZE;
	for (size_t i = 0; i < ARRAY_SIZE(io_rates); i++) {
		uint64_t rate = io_rate_value(io, i);

		if (rate != KCG_IO_UNSET && nla_put_u64(msg, io_rates[i].attr, rate) < 0)
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int kcg_limits_put(struct nl_msg *msg, int attr, const struct kcg_limits *l)
{
	struct nlattr *nest = nla_nest_start(msg, attr | NLA_F_NESTED);
	uint64_t value;

	if (!nest)
		return -EMSGSIZE;
	for (size_t i = 0; i < ARRAY_SIZE(u64_limits); i++) {
		if (get_value(l, u64_limits[i], &value) &&
		    nla_put_u64(msg, u64_limits[i], value) < 0)
			return -EMSGSIZE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(u32_limits); i++) {
		if (get_value(l, u32_limits[i], &value) &&
		    nla_put_u32(msg, u32_limits[i], (uint32_t)value) < 0)
			return -EMSGSIZE;
	}
	if (l->cpuset_cpus && nla_put_string(msg, KCG_A_LIMITS_CPUSET_CPUS, l->cpuset_cpus) < 0)
		return -EMSGSIZE;
	if (l->cpuset_mems && nla_put_string(msg, KCG_A_LIMITS_CPUSET_MEMS, l->cpuset_mems) < 0)
		return -EMSGSIZE;
	for (size_t i = 0; i < l->io_max_count; i++) {
		int err = put_io_max(msg, &l->io_max[i]);

		if (err)
			return err;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static struct nla_policy limits_policy[KCG_A_LIMITS_MAX + 1] = {
	[KCG_A_LIMITS_CPU_MAX_QUOTA]  = { .type = NLA_U64 },
	[KCG_A_LIMITS_CPU_MAX_PERIOD] = { .type = NLA_U64 },
	[KCG_A_LIMITS_CPU_WEIGHT]     = { .type = NLA_U32 },
	[KCG_A_LIMITS_MEMORY_MAX]     = { .type = NLA_U64 },
	[KCG_A_LIMITS_MEMORY_HIGH]    = { .type = NLA_U64 },
	[KCG_A_LIMITS_MEMORY_LOW]     = { .type = NLA_U64 },
	[KCG_A_LIMITS_PIDS_MAX]       = { .type = NLA_U64 },
	[KCG_A_LIMITS_CPUSET_CPUS]    = { .type = NLA_STRING },
	[KCG_A_LIMITS_IO_MAX]         = { .type = NLA_NESTED },
	[KCG_A_LIMITS_MEMORY_MIN]     = { .type = NLA_U64 },
	[KCG_A_LIMITS_MEMORY_SWAP_MAX] = { .type = NLA_U64 },
	[KCG_A_LIMITS_CPUSET_MEMS]    = { .type = NLA_STRING },
	[KCG_A_LIMITS_IO_WEIGHT]      = { .type = NLA_U32 },
	[KCG_A_LIMITS_CPU_IDLE]       = { .type = NLA_U32 },
};

static struct nla_policy io_max_policy[KCG_A_IO_MAX_MAX + 1] = {
	[KCG_A_IO_MAX_MAJOR] = { .type = NLA_U32 },
	[KCG_A_IO_MAX_MINOR] = { .type = NLA_U32 },
	[KCG_A_IO_MAX_RBPS]  = { .type = NLA_U64 },
	[KCG_A_IO_MAX_WBPS]  = { .type = NLA_U64 },
	[KCG_A_IO_MAX_RIOPS] = { .type = NLA_U64 },
	[KCG_A_IO_MAX_WIOPS] = { .type = NLA_U64 },
};

static int parse_io_max(struct kcg_limits *l, struct nlattr *nest)
{
	struct nlattr *tb[KCG_A_IO_MAX_MAX + 1];
	struct kcg_io_max io = { 0 };

	if (nla_parse_nested(tb, KCG_A_IO_MAX_MAX, nest, io_max_policy) < 0 ||
	    !tb[KCG_A_IO_MAX_MAJOR] || !tb[KCG_A_IO_MAX_MINOR])
		return -EPROTO;
	io.major = nla_get_u32(tb[KCG_A_IO_MAX_MAJOR]);
	io.minor = nla_get_u32(tb[KCG_A_IO_MAX_MINOR]);
	for (size_t i = 0; i < ARRAY_SIZE(io_rates); i++) {
		if (tb[io_rates[i].attr])
			*io_rate(&io, i) = nla_get_u64(tb[io_rates[i].attr]);
	}
	return kcg_limits_add_io_max(l, &io);
}

int kcg_limits_parse(struct kcg_limits *l, const struct nlattr *nest)
{
	struct nlattr *tb[KCG_A_LIMITS_MAX + 1], *pos;
	int rem, err;

	if (nla_parse_nested(tb, KCG_A_LIMITS_MAX, (struct nlattr *)nest, limits_policy) < 0)
		return -EPROTO;
	for (size_t i = 0; i < ARRAY_SIZE(u64_limits); i++) {
		if (tb[u64_limits[i]])
			set_value(l, u64_limits[i], nla_get_u64(tb[u64_limits[i]]));
	}
	for (size_t i = 0; i < ARRAY_SIZE(u32_limits); i++) {
		if (tb[u32_limits[i]])
			set_value(l, u32_limits[i], nla_get_u32(tb[u32_limits[i]]));
	}
	if (tb[KCG_A_LIMITS_CPUSET_CPUS]) {
		err = kcg_limits_set_cpuset_cpus(l, nla_get_string(tb[KCG_A_LIMITS_CPUSET_CPUS]));
		if (err)
			return err == -ERANGE ? -EPROTO : err;
	}
	if (tb[KCG_A_LIMITS_CPUSET_MEMS]) {
		err = kcg_limits_set_cpuset_mems(l, nla_get_string(tb[KCG_A_LIMITS_CPUSET_MEMS]));
		if (err)
			return err == -ERANGE ? -EPROTO : err;
	}
	/* io-max is multi-attr: nla_parse keeps only the last, so walk them all. */
	nla_for_each_nested(pos, (struct nlattr *)nest, rem) {
		if (nla_type(pos) != KCG_A_LIMITS_IO_MAX)
			continue;
		err = parse_io_max(l, pos);
		if (err)
			return err;
	}
	return 0;
}
