/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Prometheus text exposition (format 0.0.4) of group stats, for
 * `kcg export`. Pure: it formats what it is given and asks nobody, so the
 * host unit tests check its exact output. docs/metrics.md lists the metrics.
 */
#ifndef KCG_METRICS_H
#define KCG_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libkcg.h"

/* One group's counters, as a stats reply carried them (absent: has false). */
struct metrics_counters {
	bool has[KCG_A_COUNTERS_MAX + 1];
	uint64_t value[KCG_A_COUNTERS_MAX + 1];
	bool has_hist;
	uint64_t hist[KCG_RUN_DELAY_BUCKETS];
};

struct metrics_group {
	const char *name;
	uint64_t id;
	/* From the group dump; a group it missed (created in between) has none. */
	bool has_info;
	bool has_owner;
	uint32_t owner;
	const char *parent;		/* NULL: top level */
	const char *cgroup_path;	/* NULL: not reported */
	uint32_t flags;			/* KCG_GROUP_FLAG_* */
	const struct kcg_limits *limits; /* NULL: none reported */
	/* The group with its subtree (the stats reply's TOTAL). */
	struct metrics_counters counters;
};

/*
 * Every metric family with HELP and TYPE, then one sample per group that
 * has the figure, in the order of groups. Returns 0, -ENOMEM, or -EIO if
 * out failed.
 */
int metrics_write(FILE *out, const struct metrics_group *groups, size_t count);

/* A label value as the text format wants it; exposed for the tests. */
void metrics_label_value(FILE *out, const char *s);

#endif /* KCG_METRICS_H */
