// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stats: replies built by hand parse into struct kcg_stats (absent counters
 * stay absent), the run-delay percentile, the rate computation, and the
 * text and JSON printers over the parsed objects.
 */
#include <errno.h>
#include <stdlib.h>
#include <netlink/msg.h>

#include "internal.h"
#include "print.h"
#include "rates.h"
#include "sample.h"
#include "stats_print.h"
#include "tap.h"

#define MS 1000000ULL
#define S  1000000000ULL

struct fake_counters {
	uint64_t cpu_ns, nvcsw, nivcsw, forks, tasks, memory_current;
	const uint64_t *hist;	/* NULL: no histogram */
	size_t hist_len;
	bool memory;		/* memory_current present */
};

static void put_counters(struct nl_msg *msg, int type, const struct fake_counters *c)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	nla_put_u64(msg, KCG_A_COUNTERS_CPU_NS, c->cpu_ns);
	nla_put_u64(msg, KCG_A_COUNTERS_NVCSW, c->nvcsw);
	nla_put_u64(msg, KCG_A_COUNTERS_NIVCSW, c->nivcsw);
	nla_put_u64(msg, KCG_A_COUNTERS_FORKS, c->forks);
	nla_put_u64(msg, KCG_A_COUNTERS_TASKS, c->tasks);
	for (size_t i = 0; c->hist && i < c->hist_len; i++)
		nla_put_u64(msg, KCG_A_COUNTERS_RUN_DELAY_HIST, c->hist[i]);
	if (c->memory)
		nla_put_u64(msg, KCG_A_COUNTERS_MEMORY_CURRENT, c->memory_current);
	nla_put_u64(msg, KCG_A_COUNTERS_MAX + 1, 42);	/* from a newer module */
	nla_nest_end(msg, nest);
}

/* A stats reply as the module sends it, parsed the way libkcg does. */
static int fake_stats(const char *name, const char *parent, uint64_t ts,
		      const struct fake_counters *own, const struct fake_counters *total,
		      struct kcg_stats **out)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *tb[KCG_A_STATS_MAX + 1];
	int err;

	nla_put_u64(msg, KCG_A_STATS_ID, 7);
	nla_put_string(msg, KCG_A_STATS_NAME, name);
	if (parent)
		nla_put_string(msg, KCG_A_STATS_PARENT, parent);
	nla_put_u64(msg, KCG_A_STATS_TIMESTAMP, ts);
	put_counters(msg, KCG_A_STATS_OWN, own);
	put_counters(msg, KCG_A_STATS_TOTAL, total);
	err = nla_parse(tb, KCG_A_STATS_MAX, nlmsg_attrdata(nlmsg_hdr(msg), 0),
			nlmsg_attrlen(nlmsg_hdr(msg), 0), (struct nla_policy *)kcg_stats_policy);
	if (!err)
		err = kcg_stats_from_attrs(tb, out);
	nlmsg_free(msg);
	return err;
}

static void test_parse(void)
{
	uint64_t hist[KCG_RUN_DELAY_BUCKETS] = { 5, 0, 3 }, got[KCG_RUN_DELAY_BUCKETS], v = 99;
	struct fake_counters own = { .cpu_ns = 10, .nvcsw = 2, .hist = hist,
				     .hist_len = KCG_RUN_DELAY_BUCKETS };
	struct fake_counters total = { .cpu_ns = 30, .memory = true, .memory_current = 4096 };
	struct kcg_stats *s = NULL;

	CHECK(fake_stats("a/b", "a", 5, &own, &total, &s) == 0, "a stats reply parses");
	if (!s)
		return;
	CHECK(kcg_stats_id(s) == 7 && kcg_stats_timestamp_ns(s) == 5, "id and timestamp");
	CHECK_STR(kcg_stats_parent(s), "a", "parent");
	CHECK(kcg_counters_cpu_ns(kcg_stats_own(s), &v) && v == 10, "own cpu_ns");
	CHECK(kcg_counters_cpu_ns(kcg_stats_total(s), &v) && v == 30, "total cpu_ns");
	v = 99;
	CHECK(!kcg_counters_run_delay_ns(kcg_stats_own(s), &v) && v == 99,
	      "an absent counter is absent and leaves the value alone");
	CHECK(!kcg_counters_memory_current(kcg_stats_own(s), &v), "memory absent in own");
	CHECK(kcg_counters_memory_current(kcg_stats_total(s), &v) && v == 4096,
	      "memory present in total");
	CHECK(kcg_counters_run_delay_hist(kcg_stats_own(s), got) && got[0] == 5 && got[2] == 3 &&
	      got[KCG_RUN_DELAY_BUCKETS - 1] == 0, "histogram buckets in order");
	CHECK(!kcg_counters_run_delay_hist(kcg_stats_total(s), got), "no histogram: absent");
	CHECK(!kcg_counters_get(kcg_stats_own(s), KCG_A_COUNTERS_RUN_DELAY_HIST, &v),
	      "the histogram is not a scalar counter");
	kcg_stats_free(s);

	s = NULL;
	own.hist_len = 3;
	CHECK(fake_stats("a", NULL, 5, &own, &total, &s) == -EPROTO && !s,
	      "a partial histogram is a protocol error");
	own.hist_len = KCG_RUN_DELAY_BUCKETS + 1;
	uint64_t long_hist[KCG_RUN_DELAY_BUCKETS + 1] = { 0 };
	own.hist = long_hist;
	CHECK(fake_stats("a", NULL, 5, &own, &total, &s) == -EPROTO && !s,
	      "too many buckets is a protocol error");
}

static void test_percentile(void)
{
	uint64_t hist[KCG_RUN_DELAY_BUCKETS] = { 0 }, ns = 0;

	CHECK(!kcg_run_delay_percentile(hist, 0.5, &ns), "empty histogram: no percentile");
	hist[0] = 100;
	CHECK(kcg_run_delay_percentile(hist, 0.5, &ns) && ns == 1000,
	      "p50 of waits under 2us: the middle of [0, 2us)");
	hist[0] = 0;
	hist[3] = 100;	/* [8, 16) us */
	CHECK(kcg_run_delay_percentile(hist, 0.5, &ns) && ns == 12000, "p50 inside [8, 16) us");
	CHECK(kcg_run_delay_percentile(hist, 0.99, &ns) && ns == 15920, "p99 interpolates");
	hist[0] = 98;
	hist[3] = 1;
	hist[10] = 1;	/* [1024, 2048) us */
	CHECK(kcg_run_delay_percentile(hist, 0.5, &ns) && ns < 2000, "p50 in bucket 0");
	CHECK(kcg_run_delay_percentile(hist, 0.99, &ns) && ns == 16000, "p99 at the top of bucket 3");
	CHECK(kcg_run_delay_percentile(hist, 1.0, &ns) && ns == 2048000, "p100: the longest bucket");
	hist[KCG_RUN_DELAY_BUCKETS - 1] = 1000;
	CHECK(kcg_run_delay_percentile(hist, 0.99, &ns) &&
	      ns == (1ULL << (KCG_RUN_DELAY_BUCKETS - 1)) * 1000,
	      "open-ended last bucket: its lower bound");
	CHECK(!kcg_run_delay_percentile(hist, 1.5, &ns), "fraction above 1 refused");
}

static void test_rates(void)
{
	uint64_t h1[KCG_RUN_DELAY_BUCKETS] = { 10 }, h2[KCG_RUN_DELAY_BUCKETS] = { 10, 0, 0, 4 };
	struct fake_counters before = { .cpu_ns = 1 * S, .nvcsw = 100, .nivcsw = 50, .forks = 3,
					.hist = h1, .hist_len = KCG_RUN_DELAY_BUCKETS };
	struct fake_counters after = { .cpu_ns = 1 * S + 500 * MS, .nvcsw = 300, .nivcsw = 150,
				       .forks = 5, .tasks = 4, .memory = true, .memory_current = 8192,
				       .hist = h2, .hist_len = KCG_RUN_DELAY_BUCKETS };
	struct kcg_stats *b = NULL, *a = NULL;
	struct group_rates r;

	fake_stats("g", NULL, 10 * S, &before, &before, &b);
	fake_stats("g", NULL, 12 * S, &after, &after, &a);
	if (!a || !b)
		return;
	CHECK(rates_compute(kcg_stats_total(b), 12 * S, kcg_stats_total(a), 12 * S, &r) == -EINVAL,
	      "no time elapsed: no rates");
	CHECK(rates_compute(kcg_stats_total(b), 10 * S, kcg_stats_total(a), 12 * S, &r) == 0,
	      "rates over 2 s");
	CHECK(r.interval_ns == 2 * S, "interval");
	CHECK(r.has[RATE_CPU_PERCENT] && r.value[RATE_CPU_PERCENT] > 24.999 &&
	      r.value[RATE_CPU_PERCENT] < 25.001, "0.5 s of CPU in 2 s is 25%");
	CHECK(r.has[RATE_SWITCHES] && r.value[RATE_SWITCHES] == 150, "switches/s sum both kinds");
	CHECK(r.has[RATE_FORKS] && r.value[RATE_FORKS] == 1, "forks/s");
	CHECK(!r.has[RATE_WAKEUPS] && !r.has[RATE_RUN_DELAY_MS], "absent counters: absent rates");
	CHECK(r.has_tasks && r.tasks == 4 && r.has_memory && r.memory_current == 8192,
	      "levels from the later reading");
	CHECK(r.has_run_delay_quantiles && r.run_delay_p50_ns == 12000,
	      "quantiles of the interval's waits only");
	CHECK(rates_compute(kcg_stats_total(a), 10 * S, kcg_stats_total(b), 12 * S, &r) == 0 &&
	      !r.has[RATE_CPU_PERCENT] && !r.has_run_delay_quantiles,
	      "a counter that went backwards gives no rate");
	kcg_stats_free(a);
	kcg_stats_free(b);
}

static char *buf;
static size_t len;

static FILE *capture(bool json)
{
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	print_init(f, json, false);
	return f;
}

static void test_printers(void)
{
	struct fake_counters own = { .cpu_ns = 1500 * MS, .nvcsw = 2 };
	struct fake_counters total = { .cpu_ns = 2 * S, .nvcsw = 4, .memory = true,
				       .memory_current = 3 << 20 };
	struct fake_counters later = { .cpu_ns = 3 * S, .nvcsw = 6, .memory = true,
				       .memory_current = 3 << 20, .tasks = 2 };
	struct kcg_stats *s = NULL, *s2 = NULL;
	struct stats_row row;
	FILE *f;

	fake_stats("web", NULL, 1 * S, &own, &total, &s);
	fake_stats("web", NULL, 3 * S, &own, &later, &s2);
	if (!s || !s2)
		return;

	f = capture(true);
	print_stats(s);
	fclose(f);
	CHECK_STR(buf, "{\"name\":\"web\",\"id\":7,\"parent\":null,\"timestamp_ns\":1000000000,"
		  "\"own\":{\"cpu_ns\":1500000000,\"nvcsw\":2,\"nivcsw\":0,\"forks\":0,\"tasks\":0},"
		  "\"total\":{\"cpu_ns\":2000000000,\"nvcsw\":4,\"nivcsw\":0,\"forks\":0,\"tasks\":0,"
		  "\"memory_current\":3145728}}\n",
		  "stats JSON: exact numbers, absent counters left out");

	f = capture(false);
	print_stats(s);
	fclose(f);
	CHECK(buf && strncmp(buf, "web ", 4) == 0 && strstr(buf, " own: cpu 1.500s vcsw 2 ") &&
	      strstr(buf, " | total: cpu 2.000s vcsw 4 ") && strstr(buf, " mem 3.0M\n") &&
	      !strstr(buf, "delay"), "stats text: one line, absent counters not shown");

	/* kcg show -s: the same counters as stats, inside the group's object. */
	f = capture(true);
	print_open_object(NULL);
	print_string("name", NULL, "web");
	print_group_counters(s);
	print_close_object();
	print_end_record();
	fclose(f);
	CHECK_STR(buf, "{\"name\":\"web\",\"stats\":{\"timestamp_ns\":1000000000,"
		  "\"own\":{\"cpu_ns\":1500000000,\"nvcsw\":2,\"nivcsw\":0,\"forks\":0,\"tasks\":0},"
		  "\"total\":{\"cpu_ns\":2000000000,\"nvcsw\":4,\"nivcsw\":0,\"forks\":0,\"tasks\":0,"
		  "\"memory_current\":3145728}}}\n",
		  "show -s JSON: a stats object with the keys of kcg stats");
	f = capture(false);
	print_group_counters(s);
	fclose(f);
	CHECK_STR(buf, "own         cpu 1.500s vcsw 2 ivcsw 0 forks 0 tasks 0\n"
		  "total       cpu 2.000s vcsw 4 ivcsw 0 forks 0 tasks 0 mem 3.0M\n",
		  "show -s text: a line for own and for total, memory once, at show's column");

	row.stats = s2;
	CHECK(rates_compute(kcg_stats_total(s), 1 * S, kcg_stats_total(s2), 3 * S, &row.rates) == 0,
	      "rates for the frame");
	f = capture(true);
	print_frame(&row, 1, FRAME_TOP, "title", NULL);
	fclose(f);
	CHECK_STR(buf, "[{\"name\":\"web\",\"id\":7,\"timestamp_ns\":3000000000,"
		  "\"interval_ns\":2000000000,\"cpu_percent\":50,\"memory_current\":3145728,"
		  "\"tasks\":2,\"switches_per_s\":1,\"forks_per_s\":0}]\n",
		  "frame JSON: one array, every field the rates have, whatever the layout");

	f = capture(false);
	print_frame(&row, 1, FRAME_TOP, "title", NULL);
	fclose(f);
	CHECK_STR(buf, "title\n"
		  "NAME                       CPU%     MEM  TASKS      P50      P99     SW/s\n"
		  "web                        50.0    3.0M      2        -        -        1\n",
		  "frame text: top columns, '-' for what is absent");

	rates_levels_only(kcg_stats_total(s2), &row.rates);
	f = capture(false);
	print_frame(&row, 1, FRAME_STATS, NULL, NULL);
	fclose(f);
	CHECK(buf && strstr(buf, "EXIT/s\nweb ") && strstr(buf, "      -    3.0M      2 "),
	      "frame text: a new group shows levels, no rates");
	kcg_stats_free(s);
	kcg_stats_free(s2);
	free(buf);
}

/* kcg top in a terminal: the name column, cut names, rows that do not fit. */
static void test_fit(void)
{
	const char *long_name = "tenant-with-a-long-name/web/api";	/* 31 */
	struct fake_counters c = { .cpu_ns = 1 };
	struct kcg_stats *s[3] = { NULL };
	const char *names[3] = { "a", long_name, "b" };
	struct stats_row rows[3];
	struct frame_fit fit = { 0 };
	char cut[64], *line2, want[3][64];
	FILE *f;

	CHECK_STR(frame_cut_name("web", 8, cut), "web", "a name that fits is kept");
	CHECK_STR(frame_cut_name("tenant/web/api", 8, cut), "...b/api", "a cut name keeps its end");
	CHECK_STR(frame_cut_name("tenant/web/api", 3, cut), "...", "a column of 3 is the marker");

	memset(rows, 0, sizeof(rows));
	for (int i = 0; i < 3; i++) {
		fake_stats(names[i], NULL, 1 * S, &c, &c, &s[i]);
		if (!s[i])
			return;
		rows[i].stats = s[i];
		rates_levels_only(kcg_stats_total(s[i]), &rows[i].rates);
	}
	f = capture(false);
	print_frame(rows, 3, FRAME_TOP, "t", NULL);
	fclose(f);
	line2 = buf ? strchr(buf, '\n') + 1 : NULL;
	snprintf(want[0], sizeof(want[0]), "\n%-31s %6s ", "NAME", "CPU%");
	snprintf(want[1], sizeof(want[1]), "\n%-31s %6s ", long_name, "-");
	snprintf(want[2], sizeof(want[2]), "\n%-31s %6s ", "a", "-");
	CHECK(line2 && strstr(buf, want[0]) && strstr(buf, want[1]) && strstr(buf, want[2]),
	      "no bound: the name column widens to the longest name, the columns stay aligned");

	fit.columns = 49 + 20;	/* the figures take 49 */
	f = capture(false);
	print_frame(rows, 3, FRAME_TOP, "a title longer than the terminal is wide, cut at 69 "
		    "columns so that it does not wrap", &fit);
	fclose(f);
	snprintf(want[0], sizeof(want[0]), "\n%-20s %6s ", "NAME", "CPU%");
	snprintf(want[1], sizeof(want[1]), "\n%-20s %6s ", "...long-name/web/api", "-");
	snprintf(want[2], sizeof(want[2]), "\n%-20s %6s ", "a", "-");
	CHECK(buf && strstr(buf, want[0]) && strstr(buf, want[1]) && strstr(buf, want[2]) &&
	      strstr(buf, " so that i\n"),
	      "a terminal 69 wide: names cut to 20 with '...', the title cut");

	f = capture(true);
	print_frame(rows, 3, FRAME_TOP, "t", &fit);
	fclose(f);
	CHECK(buf && strstr(buf, "\"name\":\"tenant-with-a-long-name/web/api\""),
	      "JSON keeps the whole name");

	fit.lines = 4;
	f = capture(false);
	print_frame(rows, 3, FRAME_TOP, "t", &fit);
	fclose(f);
	CHECK(buf && strstr(buf, "\na ") && !strstr(buf, "\nb ") && !strstr(buf, "long-name") &&
	      strstr(buf, "\n(2 more groups below; the terminal is 4 lines high)\n"),
	      "4 lines: title, header, one row and a line saying how many are left out");
	fit.lines = 5;
	f = capture(false);
	print_frame(rows, 3, FRAME_TOP, "t", &fit);
	fclose(f);
	CHECK(buf && strstr(buf, "\nb ") && !strstr(buf, "more group"), "5 lines: every row fits");

	f = capture(true);
	fit.lines = 3;
	print_frame(rows, 3, FRAME_TOP, "t", &fit);
	fclose(f);
	CHECK(buf && strstr(buf, "\"name\":\"b\"") && !strstr(buf, "more"), "JSON keeps every row");
	for (int i = 0; i < 3; i++)
		kcg_stats_free(s[i]);
	free(buf);
	buf = NULL;
}

int main(void)
{
	test_fit();
	test_parse();
	test_percentile();
	test_rates();
	test_printers();
	TAP_EXIT();
}
