// SPDX-License-Identifier: GPL-2.0
/*
 * kcglat: how long the module takes to answer a list dump and a stats dump.
 * Under TCG, starting the CLI alone takes hundreds of milliseconds, so the
 * answer time is measured inside one process, around each request.
 *
 *   kcglat [-n SAMPLES] [-i INTERVAL_MS]
 *
 * Prints "list MAX_MS SAMPLES..." and "stats MAX_MS SAMPLES..." (each dump
 * of every group the caller may see, in milliseconds). A first, untimed
 * round warms up the process and the caches (the very first dump under TCG
 * can take 300 ms on an idle module). Exit 1 when a request fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "libkcg.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void report(const char *what, const double *ms, int n)
{
	double max = 0;

	for (int i = 0; i < n; i++)
		if (ms[i] > max)
			max = ms[i];
	printf("%s %.1f", what, max);
	for (int i = 0; i < n; i++)
		printf(" %.1f", ms[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	int samples = 10, interval_ms = 200, opt, err;
	struct kcg_group_list *groups;
	struct kcg_stats_list *stats;
	double *list_ms, *stats_ms, start;
	struct kcg *k;

	while ((opt = getopt(argc, argv, "n:i:")) != -1) {
		switch (opt) {
		case 'n': samples = atoi(optarg); break;
		case 'i': interval_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: kcglat [-n SAMPLES] [-i INTERVAL_MS]\n");
			return 2;
		}
	}
	if (samples < 1 || interval_ms < 0) {
		fprintf(stderr, "usage: kcglat [-n SAMPLES] [-i INTERVAL_MS]\n");
		return 2;
	}
	list_ms = calloc(samples, sizeof(*list_ms));
	stats_ms = calloc(samples, sizeof(*stats_ms));
	if (!list_ms || !stats_ms)
		return 2;
	err = kcg_open(&k);
	if (err) {
		fprintf(stderr, "kcglat: cannot open the kcg family: %d\n", err);
		return 1;
	}
	for (int i = -1; i < samples; i++) {
		start = now_ms();
		err = kcg_group_dump(k, NULL, &groups);
		if (i >= 0)
			list_ms[i] = now_ms() - start;
		if (err) {
			fprintf(stderr, "kcglat: list: %s\n", kcg_errmsg(k));
			return 1;
		}
		kcg_group_list_free(groups);
		start = now_ms();
		err = kcg_stats_dump(k, NULL, &stats);
		if (i >= 0)
			stats_ms[i] = now_ms() - start;
		if (err) {
			fprintf(stderr, "kcglat: stats: %s\n", kcg_errmsg(k));
			return 1;
		}
		kcg_stats_list_free(stats);
		usleep(interval_ms * 1000);
	}
	kcg_close(k);
	report("list", list_ms, samples);
	report("stats", stats_ms, samples);
	return 0;
}
