// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Prometheus text of `kcg export` (user/cli/metrics.c) for a fake set of
 * groups, byte for byte against tests/unit/metrics.expected: families in
 * order with HELP and TYPE, exact decimal seconds, cumulative histogram
 * buckets, limits with "max" as +Inf, absent figures left out, label values
 * escaped. KCG_METRICS_WRITE=FILE writes the output there instead (to
 * review a change and update the expected file).
 */
#include <stdlib.h>

#include "metrics.h"
#include "tap.h"

#define EXPECTED "tests/unit/metrics.expected"

static char *format(const struct metrics_group *g, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	CHECK(metrics_write(f, g, n) == 0, "metrics_write succeeds");
	fclose(f);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while (m && (c = fgetc(f)) != EOF)
		fputc(c, m);
	if (m)
		fclose(m);
	fclose(f);
	return buf;
}

static char *label_value(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	metrics_label_value(f, s);
	fclose(f);
	return buf;
}

int main(void)
{
	struct kcg_limits *limits = kcg_limits_new();
	struct metrics_group g[3] = {
		{
			/* Everything present, a busy top-level group. */
			.name = "web", .id = 4242, .has_info = true, .has_owner = true,
			.owner = 1000, .cgroup_path = "/kcg/web", .limits = limits,
		},
		{
			/* An adopted cgroup with a hostile path, frozen, no limits. */
			.name = "web/x", .id = 17, .has_info = true, .has_owner = true, .owner = 0,
			.parent = "web", .cgroup_path = "/a\"b\\c\nd\xff\xc3(e\xe2\x82\xac",
			.flags = KCG_GROUP_FLAG_ADOPTED | KCG_GROUP_FLAG_FROZEN,
		},
		{
			/* Not in the group dump (created in between), most counters absent. */
			.name = "z", .id = 99,
		},
	};
	struct metrics_counters *c = &g[0].counters;
	char *got, *want, *v;
	const char *dump = getenv("KCG_METRICS_WRITE");

	kcg_limits_set_cpu_max(limits, 50000, 100000);
	kcg_limits_set_cpu_weight(limits, 200);
	kcg_limits_set_memory_max(limits, 268435456);
	kcg_limits_set_memory_high(limits, KCG_LIMIT_MAX);
	kcg_limits_set_pids_max(limits, KCG_LIMIT_MAX);

	for (int id = 1; id <= KCG_A_COUNTERS_MEMORY_OOM_KILL; id++) {
		c->has[id] = id != KCG_A_COUNTERS_RUN_DELAY_HIST;
		c->value[id] = (uint64_t)id * 1000;
	}
	c->value[KCG_A_COUNTERS_CPU_NS] = 12345678901ULL;	/* 12.345678901 s */
	c->value[KCG_A_COUNTERS_RUN_DELAY_NS] = 2500000000ULL;	/* 2.5 s */
	c->value[KCG_A_COUNTERS_MEMORY_CURRENT] = 18446744073709551615ULL;
	c->has_hist = true;
	c->hist[0] = 7;
	c->hist[3] = 2;
	c->hist[KCG_RUN_DELAY_BUCKETS - 1] = 1;

	g[1].counters = g[0].counters;
	g[1].counters.value[KCG_A_COUNTERS_CPU_NS] = 3000000000ULL;	/* whole seconds */
	g[1].counters.has_hist = false;		/* no histogram: no histogram lines */

	g[2].counters.has[KCG_A_COUNTERS_CPU_NS] = true;
	g[2].counters.value[KCG_A_COUNTERS_CPU_NS] = 1;	/* 1 ns */

	got = format(g, 3);
	if (dump) {
		FILE *f = fopen(dump, "w");

		if (f) {
			fputs(got ? got : "", f);
			fclose(f);
		}
	}
	want = slurp(EXPECTED);
	CHECK(want != NULL, EXPECTED " is there");
	CHECK(got && want && strcmp(got, want) == 0, "output is exactly " EXPECTED);
	if (got && want && strcmp(got, want)) {
		size_t i = 0;

		while (got[i] && got[i] == want[i])
			i++;
		printf("#   first difference at byte %zu: got '%.60s'\n#   want '%.60s'\n", i,
		       got + i, want + i);
	}

	/* The points the expected file shows, said once more on their own. */
	CHECK(got && strstr(got, "kcg_cpu_usage_seconds_total{group=\"web\",id=\"4242\",owner=\"1000\"}"
			    " 12.345678901\n"), "ns as exact decimal seconds, labels group, id, owner");
	CHECK(got && strstr(got, "kcg_cpu_usage_seconds_total{group=\"z\",id=\"99\",owner=\"\"} 0.000000001\n"),
	      "one ns; no owner known: empty owner");
	CHECK(got && strstr(got, "le=\"0.000002\"} 7\n") && strstr(got, "le=\"0.000016\"} 9\n") &&
	      strstr(got, "le=\"8.388608\"} 9\n") && strstr(got, "le=\"+Inf\"} 10\n"),
	      "histogram buckets are cumulative, to +Inf");
	CHECK(got && strstr(got, "kcg_run_delay_wait_seconds_sum{group=\"web\",id=\"4242\",owner=\"1000\"} 2.5\n") &&
	      strstr(got, "kcg_run_delay_wait_seconds_count{group=\"web\",id=\"4242\",owner=\"1000\"} 10\n"),
	      "histogram sum is the run delay, count the waits");
	CHECK(got && !strstr(got, "kcg_run_delay_wait_seconds_bucket{group=\"web/x\""),
	      "no histogram, no bucket lines");
	CHECK(got && strstr(got, "kcg_limit_memory_high_bytes{group=\"web\",id=\"4242\",owner=\"1000\"} +Inf\n") &&
	      strstr(got, "kcg_limit_cpu_quota_seconds{group=\"web\",id=\"4242\",owner=\"1000\"} 0.05\n"),
	      "limits: max is +Inf, us as seconds");
	CHECK(got && !strstr(got, "kcg_limit_memory_low_bytes{"), "an unreported limit has no sample");
	CHECK(got && strstr(got, "cgroup=\"/a\\\"b\\\\c\\nd\xef\xbf\xbd\xef\xbf\xbd(e\xe2\x82\xac\""),
	      "label values: quote, backslash, newline escaped; bad UTF-8 as U+FFFD");
	CHECK(got && strstr(got, "# TYPE kcg_context_switches_total counter\n"
			    "kcg_context_switches_total{group=\"web\",id=\"4242\",owner=\"1000\",type=\"voluntary\"} 4000\n"),
	      "TYPE before the family's samples; extra label after the group's");
	CHECK(got && strstr(got, "\nkcg_groups 3\n"), "kcg_groups counts the groups");

	v = label_value("\xe0\x80\x80ok\\");
	CHECK_STR(v, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdok\\\\", "overlong encodings are ill-formed, byte by byte");
	free(v);

	free(got);
	free(want);
	kcg_limits_free(limits);
	TAP_EXIT();
}
