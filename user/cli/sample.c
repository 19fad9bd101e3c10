// SPDX-License-Identifier: GPL-2.0-or-later
/* Samples of group stats, and rates between two; see sample.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sample.h"

static int compare_ids(const void *a, const void *b)
{
	uint64_t x = kcg_stats_id(*(const struct kcg_stats *const *)a);
	uint64_t y = kcg_stats_id(*(const struct kcg_stats *const *)b);

	return x < y ? -1 : x > y;
}

void sample_release(struct sample *s)
{
	for (size_t i = 0; i < s->list_count; i++)
		kcg_stats_list_free(s->lists[i]);
	free(s->lists);
	free(s->groups);
	memset(s, 0, sizeof(*s));
}

/* Index every group of every list, by id, once: NAMEs may overlap. */
static int index_groups(struct sample *s)
{
	size_t total = 0, unique = 0;

	for (size_t i = 0; i < s->list_count; i++)
		total += kcg_stats_list_count(s->lists[i]);
	if (!total)
		return 0;
	s->groups = calloc(total, sizeof(*s->groups));
	if (!s->groups)
		return -ENOMEM;
	for (size_t i = 0; i < s->list_count; i++)
		for (size_t j = 0; j < kcg_stats_list_count(s->lists[i]); j++)
			s->groups[s->count++] = kcg_stats_list_at(s->lists[i], j);
	qsort(s->groups, s->count, sizeof(*s->groups), compare_ids);
	for (size_t i = 0; i < s->count; i++)
		if (!unique || kcg_stats_id(s->groups[unique - 1]) != kcg_stats_id(s->groups[i]))
			s->groups[unique++] = s->groups[i];
	s->count = unique;
	return 0;
}

int sample_take(struct kcg *k, char *const *names, size_t name_count, struct sample *out,
		const char **failed)
{
	size_t dumps = name_count ? name_count : 1;
	int err = 0;

	memset(out, 0, sizeof(*out));
	*failed = NULL;
	out->lists = calloc(dumps, sizeof(*out->lists));
	if (!out->lists)
		return -ENOMEM;
	for (size_t i = 0; i < dumps && !err; i++) {
		err = kcg_stats_dump(k, name_count ? names[i] : NULL, &out->lists[i]);
		if (err)
			*failed = name_count ? names[i] : NULL;
		else
			out->list_count++;
	}
	if (!err)
		err = index_groups(out);
	if (err)
		sample_release(out);
	return err;
}

const struct kcg_stats *sample_find(const struct sample *s, uint64_t id)
{
	size_t low = 0, high = s->count;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		uint64_t mid_id = kcg_stats_id(s->groups[mid]);

		if (mid_id == id)
			return s->groups[mid];
		if (mid_id < id)
			low = mid + 1;
		else
			high = mid;
	}
	return NULL;
}

uint64_t monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
}

uint64_t watch_interval_ns(const struct watch *w)
{
	uint64_t ns = (uint64_t)(w->interval_s * 1e9 + 0.5);

	return ns ? ns : 1;
}

int sample_rows(const struct sample *before, const struct sample *after,
		struct stats_row **out)
{
	/* One extra so that no groups is still an allocation, not NULL. */
	struct stats_row *rows = calloc(after->count + 1, sizeof(*rows));

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < after->count; i++) {
		const struct kcg_stats *now = after->groups[i];
		/* By id, not name: a group deleted and made again starts afresh. */
		const struct kcg_stats *then = sample_find(before, kcg_stats_id(now));

		rows[i].stats = now;
		if (!then || rates_compute(kcg_stats_total(then), kcg_stats_timestamp_ns(then),
					   kcg_stats_total(now), kcg_stats_timestamp_ns(now),
					   &rows[i].rates))
			rates_levels_only(kcg_stats_total(now), &rows[i].rates);
	}
	*out = rows;
	return 0;
}
