// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor: the module's events as they come, one line (or JSON object) per
 * event, flushed at once so a pipe or a file sees each as it happens. Each
 * NAME keeps a group and its subtree; several are a union. --type keeps
 * only events of the types listed; --time shows wall-clock time.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "print.h"

static volatile sig_atomic_t stop;

enum time_format { TIME_MONO, TIME_WALL, TIME_ISO };

struct monitor_options {
	char *const *filters;		/* group names */
	size_t filter_count;
	uint64_t types;			/* bit per event type; 0: all */
	enum time_format time;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* name is filter itself or below it ("a/b" for "a", not "ab"). */
static bool wanted(const char *name, char *const *filters, size_t n)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(filters[i]);

		if (strncmp(name, filters[i], len) == 0 && (name[len] == '\0' || name[len] == '/'))
			return true;
	}
	return false;
}

static void print_lost(uint64_t count)
{
	print_open_object(NULL);
	print_string("type", "%s", "lost");
	print_u64("count", " %" PRIu64, count);
	print_close_object();
	print_end_record();
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec now;

	clock_gettime(clock, &now);
	return (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
}

/*
 * The event's time as text shows it. The module stamps CLOCK_MONOTONIC;
 * wall-clock time adds the offset to CLOCK_REALTIME read now, so it
 * follows a clock that was set since.
 */
static void print_time(enum time_format format, uint64_t ts)
{
	char when[FORMAT_WALL_TIME_LEN];
	uint64_t wall;

	if (format == TIME_MONO) {
		snprintf(when, sizeof(when), "%" PRIu64 ".%06" PRIu64,
			 ts / 1000000000, ts % 1000000000 / 1000);
		print_u64_as("timestamp_ns", "%s", ts, when);
		return;
	}
	wall = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC) + ts;
	print_u64("timestamp_ns", NULL, ts);
	/* JSON is for programs: always RFC 3339. */
	format_wall_time(wall, format == TIME_ISO || print_is_json(), when, sizeof(when));
	print_string("time", "%s", when);
}

static void print_event(const struct kcg_event *e, enum time_format format)
{
	const char *type = kcg_event_type_name(kcg_event_type(e));
	uint64_t count;
	char unknown[24];
	uint32_t u32;
	pid_t pid;

	/* A newer module's type still prints, by number. */
	if (!type) {
		snprintf(unknown, sizeof(unknown), "type-%" PRIu32, kcg_event_type(e));
		type = unknown;
	}
	print_open_object(NULL);
	print_time(format, kcg_event_timestamp_ns(e));
	print_u64("seq", " seq %" PRIu64, kcg_event_seq(e));
	print_string("type", " %s", type);
	print_string("name", " %s", kcg_event_group_name(e));
	print_u64("id", " id %" PRIu64, kcg_event_group_id(e));
	if (kcg_event_pid(e, &pid))
		print_s64("pid", " pid %" PRId64, pid);
	if (kcg_event_comm(e))
		print_string("comm", " comm %s", kcg_event_comm(e));
	if (kcg_event_exit_code(e, &u32))
		print_u64("exit_code", " exit_code %" PRIu64, u32);
	if (kcg_event_signal(e, &u32))
		print_u64("signal", " signal %" PRIu64, u32);
	if (kcg_event_count(e, &count))
		print_u64("count", " count %" PRIu64, count);
	if (kcg_event_limit_group(e, NULL))
		print_string("limit_group", " limit %s", kcg_event_limit_group(e, NULL));
	print_close_object();
	print_end_record();
}

static bool type_wanted(uint64_t types, uint32_t type)
{
	/* A type past the mask is one this tool does not know: no name matched it. */
	return !types || (type < 64 && (types & (UINT64_C(1) << type)));
}

/* Until a signal stops it (0) or reading fails (1). */
static int monitor(struct kcg *k, const struct monitor_options *o)
{
	uint64_t last = 0;
	bool first = true;

	while (!stop) {
		struct kcg_event *e;
		/* Bounded: a signal just before the wait would otherwise not end it. */
		int err = kcg_event_next(k, &e, 500);

		if (err == -EINTR || err == -EAGAIN)
			continue;
		if (err)
			return cli_error(k, err, "monitor");
		/*
		 * Every event the module made took a seq, including those of
		 * groups filtered out here: gaps are counted before filtering.
		 * A seq going back means the module was reloaded: start over.
		 */
		if (!first && kcg_event_seq(e) > last + 1)
			print_lost(kcg_event_seq(e) - last - 1);
		first = false;
		last = kcg_event_seq(e);
		if (wanted(kcg_event_group_name(e), o->filters, o->filter_count) &&
		    type_wanted(o->types, kcg_event_type(e)))
			print_event(e, o->time);
		kcg_event_free(e);
	}
	return 0;
}

/* The usage error names the types the library knows, as the spec does. */
static int bad_types(const char *list, const char *item, size_t len)
{
	char known[512] = "";
	const char *name;
	size_t used = 0;

	for (uint32_t t = 1; (name = kcg_event_type_name(t)) && used < sizeof(known); t++)
		used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
					 t > 1 ? "," : "", name);
	return cli_usage("monitor: bad --type '%s': no event type '%.*s'; types are %s",
			 list, (int)len, item, known);
}

/* "created,oom-kill": the bits of the types named (the spec's names), added to *types. */
static int parse_types(const char *list, uint64_t *types)
{
	const char *item = list;

	for (;;) {
		size_t len = strcspn(item, ",");
		uint32_t t;
		const char *name;

		for (t = 1; (name = kcg_event_type_name(t)) && t < 64; t++)
			if (strlen(name) == len && strncmp(item, name, len) == 0)
				break;
		if (!name || t >= 64)
			return bad_types(list, item, len);
		*types |= UINT64_C(1) << t;
		if (!item[len])
			return 0;
		item += len + 1;
	}
}

static int parse_time(const char *arg, enum time_format *format)
{
	static const char *const names[] = {
		[TIME_MONO] = "mono", [TIME_WALL] = "wall", [TIME_ISO] = "iso",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i]) == 0) {
			*format = (enum time_format)i;
			return 0;
		}
	}
	return cli_usage("monitor: bad --time '%s': mono, wall or iso", arg);
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option options[] = {
		{ "type", required_argument, NULL, 't' },
		{ "time", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor_options o = { .time = TIME_MONO };
	struct kcg *k;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		switch (opt) {
		case 't':
			err = parse_types(optarg, &o.types);
			break;
		case 'T':
			err = parse_time(optarg, &o.time);
			break;
		default:
			return cli_bad_option(argv);
		}
		if (err)
			return err;
	}
	for (int i = optind; i < argc; i++) {
		err = cli_check_group_name("monitor", argv[i]);
		if (err)
			return err;
	}
	k = cli_connect();
	if (!k)
		return 1;
	err = kcg_events_open(k);
	if (err) {
		cli_error(k, err, "monitor");
		kcg_close(k);
		return 1;
	}
	/* No SA_RESTART: the wait in poll() must end for the loop to see stop. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.filters = argv + optind;
	o.filter_count = (size_t)(argc - optind);
	err = monitor(k, &o);
	kcg_close(k);
	return err;
}
