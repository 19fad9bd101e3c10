// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor: the module's events as they come, one line (or JSON object) per
 * event, flushed at once so a pipe or a file sees each as it happens. Each
 * NAME keeps a group and its subtree; several are a union.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "print.h"

static volatile sig_atomic_t stop;

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

static void print_event(const struct kcg_event *e)
{
	const char *type = kcg_event_type_name(kcg_event_type(e));
	uint64_t ts = kcg_event_timestamp_ns(e), count;
	char when[32], unknown[24];
	uint32_t u32;
	pid_t pid;

	/* A newer module's type still prints, by number. */
	if (!type) {
		snprintf(unknown, sizeof(unknown), "type-%" PRIu32, kcg_event_type(e));
		type = unknown;
	}
	snprintf(when, sizeof(when), "%" PRIu64 ".%06" PRIu64,
		 ts / 1000000000, ts % 1000000000 / 1000);
	print_open_object(NULL);
	print_u64_as("timestamp_ns", "%s", ts, when);
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
	print_close_object();
	print_end_record();
}

/* Until a signal stops it (0) or reading fails (1). */
static int monitor(struct kcg *k, char *const *filters, size_t n)
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
		if (wanted(kcg_event_group_name(e), filters, n))
			print_event(e);
		kcg_event_free(e);
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct kcg *k;
	int err;

	if (cli_getopt(argc, argv, options, false) != -1)
		return cli_bad_option(argv);
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
	err = monitor(k, argv + optind, (size_t)(argc - optind));
	kcg_close(k);
	return err;
}
