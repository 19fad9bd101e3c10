// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats: the counters of groups as read, or with --interval, rates between
 * samples. Each NAME is a group with its subtree; several are a union.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "parse.h"
#include "print.h"
#include "sample.h"
#include "stats_print.h"

static int compare_row_names(const void *a, const void *b)
{
	return cli_compare_names(kcg_stats_name(((const struct stats_row *)a)->stats),
				 kcg_stats_name(((const struct stats_row *)b)->stats));
}

static int compare_stats_names(const void *a, const void *b)
{
	return cli_compare_names(kcg_stats_name(*(const struct kcg_stats *const *)a),
				 kcg_stats_name(*(const struct kcg_stats *const *)b));
}

static int stats_once(struct kcg *k, char *const *names, size_t name_count)
{
	struct sample sample;
	const char *failed;
	int err = sample_take(k, names, name_count, &sample, &failed);

	if (err)
		return cli_sample_error(k, err, "stats", failed);
	/* The index is by id; people read groups by name, parents first. */
	if (sample.count)
		qsort(sample.groups, sample.count, sizeof(*sample.groups), compare_stats_names);
	print_open_array(NULL);
	for (size_t i = 0; i < sample.count; i++)
		print_stats(sample.groups[i]);
	print_close_array();
	sample_release(&sample);
	return 0;
}

static void sleep_until(uint64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / 1000000000),
		.tv_nsec = (long)(deadline_ns % 1000000000),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int stats_watch(struct kcg *k, char *const *names, size_t name_count,
		       const struct watch *w)
{
	uint64_t interval = watch_interval_ns(w), deadline = monotonic_ns();
	struct sample before, after;
	char title[64];
	const char *failed;
	int err;

	err = sample_take(k, names, name_count, &before, &failed);
	if (err)
		return cli_sample_error(k, err, "stats", failed);
	for (uint32_t n = 0; !w->count || n < w->count; n++) {
		struct stats_row *rows;

		/* Deadlines, not sleeps: the time a dump takes does not add up. */
		deadline += interval;
		sleep_until(deadline);
		err = sample_take(k, names, name_count, &after, &failed);
		if (err) {
			err = cli_sample_error(k, err, "stats", failed);
			break;
		}
		err = sample_rows(&before, &after, &rows);
		if (err) {
			sample_release(&after);
			err = cli_error(k, err, "stats");
			break;
		}
		qsort(rows, after.count, sizeof(*rows), compare_row_names);
		print_frame(rows, after.count, FRAME_STATS,
			    frame_title(title, sizeof(title), "kcg stats", after.count, NULL), NULL);
		free(rows);
		sample_release(&before);
		before = after;
	}
	sample_release(&before);
	return err;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option options[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count",    required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch w = { 0 };
	bool watching = false;
	struct kcg *k;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (opt != 'i' && opt != 'c')
			return cli_bad_option(argv);
		err = cli_watch_option("stats", opt, optarg, &w);
		if (err)
			return err;
		watching |= opt == 'i';
	}
	if (w.count && !watching)
		return cli_usage("stats: --count needs --interval");
	for (int i = optind; i < argc; i++) {
		err = cli_check_group_name("stats", argv[i]);
		if (err)
			return err;
	}
	k = cli_connect();
	if (!k)
		return 1;
	if (watching)
		err = stats_watch(k, argv + optind, (size_t)(argc - optind), &w);
	else
		err = stats_once(k, argv + optind, (size_t)(argc - optind));
	kcg_close(k);
	return err;
}
