// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Stats: the stats-get op, its replies as struct kcg_stats, and the
 * run-delay percentile that every reader of the histogram needs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"

#define BIT(attr) (UINT32_C(1) << (attr))

struct kcg_counters {
	uint32_t present;	/* a bit per KCG_A_COUNTERS_*; the histogram's too */
	uint64_t value[KCG_A_COUNTERS_MAX + 1];
	uint64_t run_delay_hist[KCG_RUN_DELAY_BUCKETS];
};

struct kcg_stats {
	uint64_t id;
	char *name;
	char *parent;
	uint64_t timestamp_ns;
	struct kcg_counters own;
	struct kcg_counters total;
};

struct kcg_stats_list {
	struct kcg_list stats;	/* of struct kcg_stats * */
};

const struct nla_policy kcg_stats_policy[KCG_A_STATS_MAX + 1] = {
	[KCG_A_STATS_ID]	= { .type = NLA_U64 },
	[KCG_A_STATS_NAME]	= { .type = NLA_STRING },
	[KCG_A_STATS_PARENT]	= { .type = NLA_STRING },
	[KCG_A_STATS_TIMESTAMP]	= { .type = NLA_U64 },
	[KCG_A_STATS_OWN]	= { .type = NLA_NESTED },
	[KCG_A_STATS_TOTAL]	= { .type = NLA_NESTED },
};

uint64_t kcg_stats_id(const struct kcg_stats *s)
{
	return s->id;
}

const char *kcg_stats_name(const struct kcg_stats *s)
{
	return s->name;
}

const char *kcg_stats_parent(const struct kcg_stats *s)
{
	return s->parent;
}

uint64_t kcg_stats_timestamp_ns(const struct kcg_stats *s)
{
	return s->timestamp_ns;
}

const struct kcg_counters *kcg_stats_own(const struct kcg_stats *s)
{
	return &s->own;
}

const struct kcg_counters *kcg_stats_total(const struct kcg_stats *s)
{
	return &s->total;
}

void kcg_stats_free(struct kcg_stats *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->parent);
	free(s);
}

bool kcg_counters_get(const struct kcg_counters *c, int counter, uint64_t *value)
{
	if (counter <= 0 || counter > KCG_A_COUNTERS_MAX ||
	    counter == KCG_A_COUNTERS_RUN_DELAY_HIST || !(c->present & BIT(counter)))
		return false;
	*value = c->value[counter];
	return true;
}

#define COUNTER_GETTER(name, attr)						\
bool kcg_counters_##name(const struct kcg_counters *c, uint64_t *value)	\
{										\
	return kcg_counters_get(c, attr, value);				\
}

COUNTER_GETTER(cpu_ns, KCG_A_COUNTERS_CPU_NS)
COUNTER_GETTER(run_delay_ns, KCG_A_COUNTERS_RUN_DELAY_NS)
COUNTER_GETTER(nvcsw, KCG_A_COUNTERS_NVCSW)
COUNTER_GETTER(nivcsw, KCG_A_COUNTERS_NIVCSW)
COUNTER_GETTER(wakeups, KCG_A_COUNTERS_WAKEUPS)
COUNTER_GETTER(migrations, KCG_A_COUNTERS_MIGRATIONS)
COUNTER_GETTER(forks, KCG_A_COUNTERS_FORKS)
COUNTER_GETTER(exits, KCG_A_COUNTERS_EXITS)
COUNTER_GETTER(tasks, KCG_A_COUNTERS_TASKS)
COUNTER_GETTER(memory_current, KCG_A_COUNTERS_MEMORY_CURRENT)
COUNTER_GETTER(memory_peak, KCG_A_COUNTERS_MEMORY_PEAK)
COUNTER_GETTER(memory_high, KCG_A_COUNTERS_MEMORY_HIGH)
COUNTER_GETTER(memory_max, KCG_A_COUNTERS_MEMORY_MAX)
COUNTER_GETTER(memory_oom, KCG_A_COUNTERS_MEMORY_OOM)
COUNTER_GETTER(memory_oom_kill, KCG_A_COUNTERS_MEMORY_OOM_KILL)

bool kcg_counters_run_delay_hist(const struct kcg_counters *c,
				 uint64_t hist[KCG_RUN_DELAY_BUCKETS])
{
	if (!(c->present & BIT(KCG_A_COUNTERS_RUN_DELAY_HIST)))
		return false;
	memcpy(hist, c->run_delay_hist, sizeof(c->run_delay_hist));
	return true;
}

/* Bucket i's bounds in ns; the last bucket has no upper bound (0). */
static void bucket_bounds(unsigned int i, uint64_t *low_ns, uint64_t *high_ns)
{
	*low_ns = i ? (UINT64_C(1) << i) * 1000 : 0;
	*high_ns = i + 1 < KCG_RUN_DELAY_BUCKETS ? (UINT64_C(2) << i) * 1000 : 0;
}

bool kcg_run_delay_percentile(const uint64_t hist[KCG_RUN_DELAY_BUCKETS], double fraction,
			      uint64_t *delay_ns)
{
	double total = 0, rank, seen = 0;

	if (!(fraction >= 0 && fraction <= 1))
		return false;
	for (unsigned int i = 0; i < KCG_RUN_DELAY_BUCKETS; i++)
		total += (double)hist[i];
	if (total == 0)
		return false;
	rank = fraction * total;
	for (unsigned int i = 0; i < KCG_RUN_DELAY_BUCKETS; i++) {
		uint64_t low, high;

		if (!hist[i] || seen + (double)hist[i] < rank) {
			seen += (double)hist[i];
			continue;
		}
		bucket_bounds(i, &low, &high);
		/* Open-ended: nothing is known above the lower bound. */
		if (!high) {
			*delay_ns = low;
			return true;
		}
		*delay_ns = low + (uint64_t)((double)(high - low) *
					     ((rank - seen) / (double)hist[i]) + 0.5);
		return true;
	}
	/* Only rounding can get here (rank == total): the highest wait seen. */
	for (unsigned int i = KCG_RUN_DELAY_BUCKETS; i-- > 0;) {
		uint64_t low, high;

		if (!hist[i])
			continue;
		bucket_bounds(i, &low, &high);
		*delay_ns = high ? high : low;
		return true;
	}
	return false;
}

static int counters_parse(struct kcg_counters *c, const struct nlattr *nest)
{
	unsigned int buckets = 0;
	struct nlattr *pos;
	int rem;

	nla_for_each_nested(pos, (struct nlattr *)nest, rem) {
		int type = nla_type(pos);

		/* A newer module's counters are skipped, not an error. */
		if (type <= 0 || type > KCG_A_COUNTERS_MAX || type == KCG_A_COUNTERS_PAD)
			continue;
		if (nla_len(pos) != sizeof(uint64_t))
			return -EPROTO;
		if (type == KCG_A_COUNTERS_RUN_DELAY_HIST) {
			if (buckets == KCG_RUN_DELAY_BUCKETS)
				return -EPROTO;
			c->run_delay_hist[buckets++] = nla_get_u64(pos);
			continue;
		}
		c->value[type] = nla_get_u64(pos);
		c->present |= BIT(type);
	}
	/* Buckets are positional: a partial histogram could not be read right. */
	if (buckets && buckets != KCG_RUN_DELAY_BUCKETS)
		return -EPROTO;
	if (buckets)
		c->present |= BIT(KCG_A_COUNTERS_RUN_DELAY_HIST);
	return 0;
}

int kcg_stats_from_attrs(struct nlattr **tb, struct kcg_stats **out)
{
	struct kcg_stats *s;
	int err;

	/* Every stats reply identifies the group and when it was read. */
	if (!tb[KCG_A_STATS_ID] || !tb[KCG_A_STATS_NAME] || !tb[KCG_A_STATS_TIMESTAMP])
		return -EPROTO;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->id = nla_get_u64(tb[KCG_A_STATS_ID]);
	s->timestamp_ns = nla_get_u64(tb[KCG_A_STATS_TIMESTAMP]);
	err = kcg_dup_string(tb[KCG_A_STATS_NAME], &s->name);
	if (!err)
		err = kcg_dup_string(tb[KCG_A_STATS_PARENT], &s->parent);
	if (!err && tb[KCG_A_STATS_OWN])
		err = counters_parse(&s->own, tb[KCG_A_STATS_OWN]);
	if (!err && tb[KCG_A_STATS_TOTAL])
		err = counters_parse(&s->total, tb[KCG_A_STATS_TOTAL]);
	if (err) {
		kcg_stats_free(s);
		return err;
	}
	*out = s;
	return 0;
}

size_t kcg_stats_list_count(const struct kcg_stats_list *list)
{
	return list->stats.count;
}

const struct kcg_stats *kcg_stats_list_at(const struct kcg_stats_list *list, size_t index)
{
	return index < list->stats.count ? list->stats.items[index] : NULL;
}

static void free_stats_item(void *item)
{
	kcg_stats_free(item);
}

void kcg_stats_list_free(struct kcg_stats_list *list)
{
	if (!list)
		return;
	kcg_list_release(&list->stats, free_stats_item);
	free(list);
}

static int parse_one_stats(struct nlattr **tb, void *arg)
{
	struct kcg_stats **out = arg;

	if (*out)	/* a do request has exactly one reply */
		return -EPROTO;
	return kcg_stats_from_attrs(tb, out);
}

int kcg_stats_get(struct kcg *k, const char *name, struct kcg_stats **out)
{
	struct kcg_stats *stats = NULL;
	const struct kcg_reply reply = {
		.policy = kcg_stats_policy,
		.maxattr = KCG_A_STATS_MAX,
		.parse = parse_one_stats,
		.arg = &stats,
	};
	struct nl_msg *msg;
	int err = kcg_check_string(name, KCG_NAME_MAX);

	*out = NULL;
	if (err)
		return err;
	msg = kcg_msg_new(k, KCG_CMD_STATS_GET, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, KCG_A_STATS_NAME, name) < 0)
		return kcg_put_failed(msg);
	err = kcg_transact(k, msg, &reply);
	if (!err && !stats)
		err = -EPROTO;
	if (err) {
		kcg_stats_free(stats);
		return err;
	}
	*out = stats;
	return 0;
}

static int parse_stats_entry(struct nlattr **tb, void **item)
{
	return kcg_stats_from_attrs(tb, (struct kcg_stats **)item);
}

int kcg_stats_dump(struct kcg *k, const char *name, struct kcg_stats_list **out)
{
	const struct kcg_dump dump = {
		.cmd = KCG_CMD_STATS_GET,
		.filter_attr = KCG_A_STATS_NAME,
		.filter = name,
		.policy = kcg_stats_policy,
		.maxattr = KCG_A_STATS_MAX,
		.parse = parse_stats_entry,
		.free_item = free_stats_item,
	};
	struct kcg_stats_list *list = calloc(1, sizeof(*list));
	int err;

	*out = NULL;
	if (!list)
		return -ENOMEM;
	err = kcg_dump_run(k, &dump, &list->stats);
	if (err) {
		free(list);
		return err;
	}
	*out = list;
	return 0;
}
