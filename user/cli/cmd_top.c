// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top: groups by CPU, redrawn every interval with plain ANSI escapes (no
 * curses: the tool stays one small binary for minimal hosts). Keys change
 * the order. --batch prints plain frames for logs and serial consoles.
 * NAMEs narrow it to their subtrees, --depth to the levels near them; the
 * live view fits the terminal and redraws when it is resized.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <linux/kcg.h>

#include "cli.h"
#include "parse.h"
#include "print.h"
#include "sample.h"
#include "stats_print.h"

#define TOP_DEFAULT_INTERVAL_S 1.0

enum sort_key { SORT_CPU, SORT_MEM, SORT_TASKS, SORT_DELAY, SORT_NAME };

static const struct {
	const char *name;
	char key;	/* the key that picks it in the live view */
} sort_keys[] = {
	[SORT_CPU]   = { "cpu", 'c' },
	[SORT_MEM]   = { "mem", 'm' },
	[SORT_TASKS] = { "tasks", 't' },
	[SORT_DELAY] = { "delay", 'd' },
	[SORT_NAME]  = { "name", 'n' },
};

#define SORT_KEY_COUNT (sizeof(sort_keys) / sizeof(sort_keys[0]))

/* Set by SIGINT/SIGTERM; the loop ends and the terminal is restored. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Set by SIGWINCH: the live view redraws at the new size at once. */
static volatile sig_atomic_t resized;

static void note_resize(int sig)
{
	(void)sig;
	resized = 1;
}

/* What top shows: the groups named (all without), down to depth levels. */
struct top_filter {
	char *const *names;
	size_t name_count;
	int depth;		/* -1: every level */
};

/*
 * Levels of name below the nearest NAME that holds it (0: a NAME itself),
 * or without NAMEs its own levels (1: a top-level group); -1 if none holds it.
 */
static int depth_of(const char *name, const struct top_filter *f)
{
	int best = -1;

	if (!f->name_count) {
		best = 1;
		for (const char *p = name; *p; p++)
			best += *p == '/';
		return best;
	}
	for (size_t i = 0; i < f->name_count; i++) {
		size_t len = strlen(f->names[i]);
		int depth = 0;

		if (strncmp(name, f->names[i], len) != 0 || (name[len] && name[len] != '/'))
			continue;
		for (const char *p = name + len; *p; p++)
			depth += *p == '/';
		if (best < 0 || depth < best)
			best = depth;
	}
	return best;
}

/* Drop the rows deeper than the filter's depth; the count left. */
static size_t keep_depth(struct stats_row *rows, size_t count, const struct top_filter *f)
{
	size_t kept = 0;

	if (f->depth < 0)
		return count;
	for (size_t i = 0; i < count; i++) {
		int depth = depth_of(kcg_stats_name(rows[i].stats), f);

		if (depth >= 0 && depth <= f->depth)
			rows[kept++] = rows[i];
	}
	return kept;
}

static enum sort_key sort_by;

/* The figure a row sorts by, larger first; absent sorts last. */
static double sort_value(const struct stats_row *row)
{
	const struct group_rates *r = &row->rates;

	switch (sort_by) {
	case SORT_MEM:
		return r->has_memory ? (double)r->memory_current : -1;
	case SORT_TASKS:
		return r->has_tasks ? (double)r->tasks : -1;
	case SORT_DELAY:
		return r->has[RATE_RUN_DELAY_MS] ? r->value[RATE_RUN_DELAY_MS] : -1;
	default:
		return r->has[RATE_CPU_PERCENT] ? r->value[RATE_CPU_PERCENT] : -1;
	}
}

static int compare_rows(const void *a, const void *b)
{
	const struct stats_row *x = a, *y = b;
	double vx, vy;

	if (sort_by != SORT_NAME) {
		vx = sort_value(x);
		vy = sort_value(y);
		if (vx != vy)
			return vx > vy ? -1 : 1;
	}
	return cli_compare_names(kcg_stats_name(x->stats), kcg_stats_name(y->stats));
}

struct screen {
	bool live;		/* escapes and keys, not --batch */
	bool raw;		/* stdin switched to raw mode */
	struct termios saved;
};

static void screen_enter(struct screen *s)
{
	struct termios raw;

	if (!s->live)
		return;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &s->saved) == 0) {
		raw = s->saved;
		/* Keys one at a time, unechoed; ISIG stays so ^C still stops us. */
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		s->raw = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
	}
	/* Alternate screen, cursor hidden: the shell's screen comes back after. */
	fputs("\033[?1049h\033[?25l", stdout);
}

static void screen_leave(struct screen *s)
{
	if (!s->live)
		return;
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (s->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &s->saved);
}

static void draw(const struct screen *s, struct stats_row *rows, size_t count)
{
	char extra[96], title[160];
	struct frame_fit fit = { 0 };
	struct winsize size;

	qsort(rows, count, sizeof(*rows), compare_rows);
	if (s->live) {
		snprintf(extra, sizeof(extra), "sort %s  (q quit; sort c cpu, m mem, t tasks, "
			 "d delay, n name)", sort_keys[sort_by].name);
		fputs("\033[H\033[2J", stdout);
		/* The last line stays free: a newline there would scroll the title away. */
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 1 && size.ws_col) {
			fit.lines = (size_t)size.ws_row - 1;
			fit.columns = size.ws_col;
		}
	} else {
		snprintf(extra, sizeof(extra), "sort %s", sort_keys[sort_by].name);
	}
	print_frame(rows, count, FRAME_TOP, frame_title(title, sizeof(title), "kcg top", count,
							extra), s->live ? &fit : NULL);
}

/* A key from the live view: false to quit. */
static bool handle_key(char key)
{
	if (key == 'q' || key == 'Q')
		return false;
	for (size_t i = 0; i < SORT_KEY_COUNT; i++)
		if (key == sort_keys[i].key)
			sort_by = (enum sort_key)i;
	return true;
}

/*
 * Wait for the deadline; a key meanwhile is handled and, if it changed the
 * order, true asks for a redraw now. *quit is set by q or a signal.
 */
static bool wait_for(const struct screen *s, uint64_t deadline, bool *quit)
{
	struct pollfd key = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t now;
	char c;

	while (!stop_requested && (now = monotonic_ns()) < deadline) {
		int timeout_ms = (int)((deadline - now + 999999) / 1000000);

		/* SIGWINCH cuts the poll short (EINTR): redraw at the new size. */
		if (resized && s->live) {
			resized = 0;
			return true;
		}
		if (!s->raw) {
			poll(NULL, 0, timeout_ms);
			continue;
		}
		if (poll(&key, 1, timeout_ms) <= 0 || read(STDIN_FILENO, &c, 1) != 1)
			continue;
		if (!handle_key(c)) {
			*quit = true;
			return false;
		}
		return true;
	}
	*quit = stop_requested;
	return false;
}

/* On error, *failed is the NAME whose dump failed, or NULL. */
static int top_loop(struct kcg *k, const struct screen *s, const struct watch *w,
		    const struct top_filter *f, const char **failed)
{
	uint64_t interval = watch_interval_ns(w), deadline = monotonic_ns();
	struct stats_row *rows = NULL;
	struct sample before, after;
	uint32_t frames = 0;
	size_t shown = 0;
	bool quit = false;
	int err;

	err = sample_take(k, f->names, f->name_count, &before, failed);
	if (err)
		return err;
	deadline += interval;
	while (!quit) {
		if (wait_for(s, deadline, &quit)) {
			if (rows)
				draw(s, rows, shown);
			continue;
		}
		if (quit)
			break;
		deadline += interval;
		err = sample_take(k, f->names, f->name_count, &after, failed);
		if (err)
			break;
		free(rows);
		err = sample_rows(&before, &after, &rows);
		sample_release(&before);
		before = after;
		if (err)
			break;
		shown = keep_depth(rows, before.count, f);
		draw(s, rows, shown);
		if (w->count && ++frames >= w->count)
			break;
	}
	free(rows);
	sample_release(&before);
	return err;
}

static int parse_sort(const char *arg)
{
	for (size_t i = 0; i < SORT_KEY_COUNT; i++) {
		if (strcmp(arg, sort_keys[i].name) == 0) {
			sort_by = (enum sort_key)i;
			return 0;
		}
	}
	return cli_usage("top: bad --sort '%s': cpu, mem, tasks, delay or name", arg);
}

int cmd_top(int argc, char **argv)
{
	static const struct option options[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count",    required_argument, NULL, 'c' },
		{ "batch",    no_argument,       NULL, 'b' },
		{ "sort",     required_argument, NULL, 's' },
		{ "depth",    required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch w = { .interval_s = TOP_DEFAULT_INTERVAL_S };
	struct sigaction stop = { .sa_handler = request_stop };
	struct sigaction winch = { .sa_handler = note_resize };
	struct screen screen = { .live = true };
	struct top_filter filter = { .depth = -1 };
	const char *failed = NULL;
	uint32_t depth;
	struct kcg *k;
	int opt, err;

	sort_by = SORT_CPU;
	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		switch (opt) {
		case 'i':
		case 'c':
			err = cli_watch_option("top", opt, optarg, &w);
			break;
		case 'b':
			screen.live = false;
			err = 0;
			break;
		case 's':
			err = parse_sort(optarg);
			break;
		case 'd':
			/* A name has at most KCG_NAME_MAX / 2 + 1 levels. */
			err = parse_u32_range(optarg, 0, KCG_NAME_MAX, &depth) ?
			      cli_usage("top: bad --depth '%s': levels, 0..%d", optarg, KCG_NAME_MAX) : 0;
			filter.depth = (int)depth;
			break;
		default:
			return cli_bad_option(argv);
		}
		if (err)
			return err;
	}
	filter.names = argv + optind;
	filter.name_count = (size_t)(argc - optind);
	for (size_t i = 0; i < filter.name_count; i++) {
		err = cli_check_group_name("top", filter.names[i]);
		if (err)
			return err;
	}
	if (filter.depth == 0 && !filter.name_count)
		return cli_usage("top: --depth 0 shows the NAMEs alone: give one");
	/* Escapes are for a terminal: JSON or a pipe gets plain frames. */
	if (print_is_json() || !isatty(STDOUT_FILENO))
		screen.live = false;
	k = cli_connect();
	if (!k)
		return 1;
	/* No SA_RESTART: a signal must end the wait in poll() at once. */
	sigemptyset(&stop.sa_mask);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	stop_requested = 0;
	resized = 0;
	if (screen.live) {
		sigemptyset(&winch.sa_mask);
		sigaction(SIGWINCH, &winch, NULL);
	}
	screen_enter(&screen);
	err = top_loop(k, &screen, &w, &filter, &failed);
	screen_leave(&screen);
	if (err)
		err = cli_sample_error(k, err, "top", failed);
	kcg_close(k);
	return err;
}
