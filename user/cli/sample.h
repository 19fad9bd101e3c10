/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A sample: the stats of the groups `kcg stats` or `kcg top` watch, read
 * at one moment, and the rows of rates between two samples.
 */
#ifndef KCG_SAMPLE_H
#define KCG_SAMPLE_H

#include <stddef.h>

#include "libkcg.h"
#include "rates.h"

struct sample {
	struct kcg_stats_list **lists;	/* one dump per name, or one of all */
	size_t list_count;
	const struct kcg_stats **groups; /* into lists: by id, each group once */
	size_t count;
};

/*
 * Read the groups named (each with its subtree; the union of all) or, with
 * no names, every group the caller may see. On error, *failed is the name
 * whose dump failed (NULL for all) and out is empty.
 */
int sample_take(struct kcg *k, char *const *names, size_t name_count, struct sample *out,
		const char **failed);
void sample_release(struct sample *sample);
/* The group with that id in sample, or NULL. */
const struct kcg_stats *sample_find(const struct sample *sample, uint64_t id);

/* One group's line in a stats or top frame. */
struct stats_row {
	const struct kcg_stats *stats;
	/* Rates of the total counters; levels only for a group new in after. */
	struct group_rates rates;
};

/*
 * *rows[i] for after->groups[i], with rates since before; free(*rows).
 * -ENOMEM.
 */
int sample_rows(const struct sample *before, const struct sample *after,
		struct stats_row **rows);

/* How often and how many times `kcg stats --interval` and `kcg top` sample. */
struct watch {
	double interval_s;
	uint32_t count;		/* 0: until interrupted */
};

/* CLOCK_MONOTONIC now, in ns. */
uint64_t monotonic_ns(void);
/* The interval as ns, at least 1. */
uint64_t watch_interval_ns(const struct watch *watch);

#endif /* KCG_SAMPLE_H */
