// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stats output. Tables drive both forms: each counter or column names its
 * JSON key and its text rendering once, so text and JSON cannot drift.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "print.h"
#include "stats_print.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* The narrowest the name column gets in a narrow terminal. */
#define FRAME_NAME_MIN 12

enum value_kind { KIND_NS, KIND_BYTES, KIND_COUNT };

/* The counters of a reading, in the spec's order. */
static const struct {
	int counter;
	const char *key;
	const char *label;	/* text */
	enum value_kind kind;
	bool memory;		/* the same in own and total: text shows it once */
} counter_fields[] = {
	{ KCG_A_COUNTERS_CPU_NS,	  "cpu_ns",	     "cpu",	   KIND_NS, false },
	{ KCG_A_COUNTERS_RUN_DELAY_NS,	  "run_delay_ns",    "delay",	   KIND_NS, false },
	/* A list, not a number: print_histogram() prints it. */
	{ KCG_A_COUNTERS_RUN_DELAY_HIST,  "run_delay_hist",  NULL,	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_NVCSW,		  "nvcsw",	     "vcsw",	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_NIVCSW,	  "nivcsw",	     "ivcsw",	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_WAKEUPS,	  "wakeups",	     "wakeups",	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_MIGRATIONS,	  "migrations",	     "migrations", KIND_COUNT, false },
	{ KCG_A_COUNTERS_FORKS,		  "forks",	     "forks",	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_EXITS,		  "exits",	     "exits",	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_TASKS,		  "tasks",	     "tasks",	   KIND_COUNT, false },
	{ KCG_A_COUNTERS_MEMORY_CURRENT,  "memory_current",  "mem",	   KIND_BYTES, true },
	{ KCG_A_COUNTERS_MEMORY_PEAK,	  "memory_peak",     "peak",	   KIND_BYTES, true },
	{ KCG_A_COUNTERS_MEMORY_HIGH,	  "memory_high",     "high",	   KIND_COUNT, true },
	{ KCG_A_COUNTERS_MEMORY_MAX,	  "memory_max",	     "max",	   KIND_COUNT, true },
	{ KCG_A_COUNTERS_MEMORY_OOM,	  "memory_oom",	     "oom",	   KIND_COUNT, true },
	{ KCG_A_COUNTERS_MEMORY_OOM_KILL, "memory_oom_kill", "oom_kill",   KIND_COUNT, true },
};

static const char *render(enum value_kind kind, uint64_t value, char *buf, size_t len)
{
	switch (kind) {
	case KIND_NS:
		return format_duration(value, buf, len);
	case KIND_BYTES:
		return format_bytes(value, buf, len);
	default:
		snprintf(buf, len, "%" PRIu64, value);
		return buf;
	}
}

/* Text shows the whole-life p50/p99 of the histogram; JSON the buckets. */
static void print_histogram(const char *key, const struct kcg_counters *c)
{
	uint64_t hist[KCG_RUN_DELAY_BUCKETS], p50, p99;
	char a[FORMAT_DURATION_LEN], b[FORMAT_DURATION_LEN];

	if (!kcg_counters_run_delay_hist(c, hist))
		return;
	print_open_array(key);
	for (unsigned int i = 0; i < KCG_RUN_DELAY_BUCKETS; i++)
		print_u64(NULL, NULL, hist[i]);
	print_close_array();
	if (kcg_run_delay_percentile(hist, RATE_P50, &p50) &&
	    kcg_run_delay_percentile(hist, RATE_P99, &p99))
		print_text(" p50 %s p99 %s", format_duration(p50, a, sizeof(a)),
			   format_duration(p99, b, sizeof(b)));
}

static void print_counters(const char *key, const char *label, const struct kcg_counters *c,
			   bool text_memory)
{
	char text[32], fmt[32];
	uint64_t value;

	print_open_object(key);
	print_text("%s", label);
	for (size_t i = 0; i < ARRAY_SIZE(counter_fields); i++) {
		if (counter_fields[i].counter == KCG_A_COUNTERS_RUN_DELAY_HIST) {
			print_histogram(counter_fields[i].key, c);
			continue;
		}
		if (!kcg_counters_get(c, counter_fields[i].counter, &value))
			continue;
		snprintf(fmt, sizeof(fmt), " %s %%s", counter_fields[i].label);
		print_u64_as(counter_fields[i].key,
			     counter_fields[i].memory && !text_memory ? NULL : fmt, value,
			     render(counter_fields[i].kind, value, text, sizeof(text)));
	}
	print_close_object();
}

void print_stats(const struct kcg_stats *s)
{
	const char *parent = kcg_stats_parent(s);
	char name_fmt[16];

	snprintf(name_fmt, sizeof(name_fmt), "%%-%ds", STATS_NAME_WIDTH);
	print_open_object(NULL);
	print_string("name", name_fmt, kcg_stats_name(s));
	print_u64("id", NULL, kcg_stats_id(s));
	if (parent)
		print_string("parent", NULL, parent);
	else
		print_null("parent", NULL);
	print_u64("timestamp_ns", NULL, kcg_stats_timestamp_ns(s));
	print_counters("own", " own:", kcg_stats_own(s), false);
	print_text(" |");
	print_counters("total", " total:", kcg_stats_total(s), true);
	print_close_object();
	print_end_record();
}

void print_group_counters(const struct kcg_stats *s)
{
	/* The labels pad to the column where `kcg show` puts its values. */
	print_open_object("stats");
	print_u64("timestamp_ns", NULL, kcg_stats_timestamp_ns(s));
	print_counters("own", "own        ", kcg_stats_own(s), false);
	print_text("\n");
	print_counters("total", "total      ", kcg_stats_total(s), true);
	print_text("\n");
	print_close_object();
}

enum column_kind { COLUMN_RATE, COLUMN_TASKS, COLUMN_MEMORY, COLUMN_P50, COLUMN_P99 };

/* Frame columns after NAME; FRAME_TOP shows the first TOP_COLUMNS. */
static const struct {
	const char *header;
	int width;
	enum column_kind kind;
	const char *key;	/* JSON; rates use rate_defs[rate].key */
	enum rate_id rate;	/* COLUMN_RATE only */
	int decimals;		/* COLUMN_RATE only */
} columns[] = {
	{ "CPU%",   6, COLUMN_RATE,   NULL,		  RATE_CPU_PERCENT,  1 },
	{ "MEM",    7, COLUMN_MEMORY, "memory_current",   RATE_COUNT,	     0 },
	{ "TASKS",  6, COLUMN_TASKS,  "tasks",		  RATE_COUNT,	     0 },
	{ "P50",    8, COLUMN_P50,    "run_delay_p50_ns", RATE_COUNT,	     0 },
	{ "P99",    8, COLUMN_P99,    "run_delay_p99_ns", RATE_COUNT,	     0 },
	{ "SW/s",   8, COLUMN_RATE,   NULL,		  RATE_SWITCHES,     0 },
	{ "WAKE/s", 8, COLUMN_RATE,   NULL,		  RATE_WAKEUPS,	     0 },
	{ "DELAY",  8, COLUMN_RATE,   NULL,		  RATE_RUN_DELAY_MS, 1 },
	{ "MIGR/s", 7, COLUMN_RATE,   NULL,		  RATE_MIGRATIONS,   0 },
	{ "FORK/s", 7, COLUMN_RATE,   NULL,		  RATE_FORKS,	     1 },
	{ "EXIT/s", 7, COLUMN_RATE,   NULL,		  RATE_EXITS,	     1 },
};

#define TOP_COLUMNS 6

static size_t column_count(enum frame_layout layout)
{
	return layout == FRAME_TOP ? TOP_COLUMNS : ARRAY_SIZE(columns);
}

static void print_cell(size_t i, const struct group_rates *r, bool text)
{
	char fmt[16], rate_fmt[16], rendered[FORMAT_DURATION_LEN];
	const char *key = columns[i].key;
	bool present;
	uint64_t value = 0;

	snprintf(fmt, sizeof(fmt), " %%%ds", columns[i].width);
	switch (columns[i].kind) {
	case COLUMN_RATE:
		present = r->has[columns[i].rate];
		snprintf(rate_fmt, sizeof(rate_fmt), " %%%d.%df", columns[i].width,
			 columns[i].decimals);
		if (present)
			print_double(rate_defs[columns[i].rate].key, text ? rate_fmt : NULL,
				     r->value[columns[i].rate]);
		break;
	case COLUMN_MEMORY:
		present = r->has_memory;
		value = r->memory_current;
		if (present)
			print_u64_as(key, text ? fmt : NULL, value,
				     format_bytes(value, rendered, sizeof(rendered)));
		break;
	case COLUMN_TASKS:
		present = r->has_tasks;
		value = r->tasks;
		if (present)
			print_u64_as(key, text ? fmt : NULL, value,
				     render(KIND_COUNT, value, rendered, sizeof(rendered)));
		break;
	default:
		present = r->has_run_delay_quantiles;
		value = columns[i].kind == COLUMN_P50 ? r->run_delay_p50_ns : r->run_delay_p99_ns;
		if (present)
			print_u64_as(key, text ? fmt : NULL, value,
				     format_duration(value, rendered, sizeof(rendered)));
		break;
	}
	/* Absent is "-" in text and no key in JSON: never a made-up zero. */
	if (!present && text)
		print_text(" %*s", columns[i].width, "-");
}

const char *frame_cut_name(const char *name, size_t width, char *buf)
{
	size_t len = strlen(name);

	if (len <= width)
		return name;
	/* The end of a name tells siblings apart: keep it. */
	if (width < 4) {
		memset(buf, '.', width);
		buf[width] = '\0';
		return buf;
	}
	memcpy(buf, "...", 3);
	memcpy(buf + 3, name + len - (width - 3), width - 3 + 1);
	return buf;
}

static void print_row(const struct stats_row *row, enum frame_layout layout, int name_width)
{
	const char *name = kcg_stats_name(row->stats);
	char name_fmt[16], cut[KCG_NAME_MAX + 1];

	snprintf(name_fmt, sizeof(name_fmt), "%%-%ds", name_width);
	print_open_object(NULL);
	/* JSON gets the whole name; text what fits the column. */
	print_string("name", NULL, name);
	print_text_string(name_fmt, frame_cut_name(name, (size_t)name_width, cut));
	print_u64("id", NULL, kcg_stats_id(row->stats));
	print_u64("timestamp_ns", NULL, kcg_stats_timestamp_ns(row->stats));
	if (row->rates.interval_ns)
		print_u64("interval_ns", NULL, row->rates.interval_ns);
	for (size_t i = 0; i < ARRAY_SIZE(columns); i++)
		print_cell(i, &row->rates, i < column_count(layout));
	print_close_object();
	print_text("\n");
}

/* The name column: the longest name, at least the default, within fit's width. */
static int name_width(const struct stats_row *rows, size_t count, enum frame_layout layout,
		      const struct frame_fit *fit)
{
	size_t width = STATS_NAME_WIDTH, others = 0;

	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(kcg_stats_name(rows[i].stats));

		if (len > width)
			width = len;
	}
	for (size_t i = 0; i < column_count(layout); i++)
		others += 1 + (size_t)columns[i].width;
	if (fit && fit->columns) {
		size_t room = fit->columns > others ? fit->columns - others : 0;

		/* A terminal too narrow for the figures still gets some of each name. */
		if (room < FRAME_NAME_MIN)
			room = FRAME_NAME_MIN;
		if (width > room)
			width = room;
	}
	return (int)width;
}

void print_frame(const struct stats_row *rows, size_t count, enum frame_layout layout,
		 const char *title, const struct frame_fit *fit)
{
	int width = name_width(rows, count, layout, fit);
	size_t shown = count, lines = fit && !print_is_json() ? fit->lines : 0;
	size_t head = title ? 2 : 1;

	if (title) {
		/* Cut, not wrapped: a wrapped title would take a row's line. */
		if (fit && fit->columns && strlen(title) > fit->columns)
			print_text("%.*s\n", (int)fit->columns, title);
		else
			print_text("%s\n", title);
	}
	/* Rows that do not fit: as many as fit, less one for the line that says so. */
	if (lines && head + count > lines)
		shown = lines > head + 1 ? lines - head - 1 : 0;
	print_text("%-*s", width, "NAME");
	for (size_t i = 0; i < column_count(layout); i++)
		print_text(" %*s", columns[i].width, columns[i].header);
	print_text("\n");
	print_open_array(NULL);
	for (size_t i = 0; i < shown; i++)
		print_row(&rows[i], layout, width);
	print_close_array();
	if (shown < count)
		print_text("(%zu more group%s below; the terminal is %zu lines high)\n",
			   count - shown, count - shown == 1 ? "" : "s", lines);
	print_finish();
}

char *frame_title(char *buf, size_t len, const char *what, size_t groups, const char *extra)
{
	char when[32] = "";
	time_t now = time(NULL);
	struct tm local;

	if (localtime_r(&now, &local))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &local);
	snprintf(buf, len, "%s  %s  %zu group%s%s%s", what, when, groups, groups == 1 ? "" : "s",
		 extra ? "  " : "", extra ? extra : "");
	return buf;
}
