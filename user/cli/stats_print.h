/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Printing stats through the one print path (print.h): a group's counters
 * as read, and frames of rates for `kcg stats --interval` and `kcg top`.
 */
#ifndef KCG_STATS_PRINT_H
#define KCG_STATS_PRINT_H

#include <stddef.h>

#include "libkcg.h"
#include "sample.h"

/* Name column width in text frames and stats lines. */
#define STATS_NAME_WIDTH 24

/*
 * One group's counters: a line in text, an object in JSON with id, name,
 * parent, timestamp_ns, own and total. Absent counters are left out.
 */
void print_stats(const struct kcg_stats *stats);

/*
 * The same counters inside a group's object, for `kcg show -s`: a "stats"
 * object with timestamp_ns, own and total; in text, a line for own and one
 * for total, after the fields show prints.
 */
void print_group_counters(const struct kcg_stats *stats);

/* The columns of a text frame; JSON objects always carry every field. */
enum frame_layout {
	FRAME_STATS,	/* every rate and level */
	FRAME_TOP,	/* NAME CPU% MEM TASKS P50 P99 SW/s */
};

/*
 * What a text frame must fit in (a terminal), 0 for no bound. JSON frames
 * always carry every row, names whole.
 */
struct frame_fit {
	size_t lines;	/* title, header and rows; rows beyond are dropped, and a line says how many */
	size_t columns;	/* names too long are cut to fit, "..." marking the cut */
};

/*
 * A frame of rows: in text, title (if not NULL), a column header and one
 * line per row; in JSON, one array of row objects. Then a flush. The name
 * column is as wide as the longest name (at least STATS_NAME_WIDTH), within
 * fit (NULL: unbounded).
 */
void print_frame(const struct stats_row *rows, size_t count, enum frame_layout layout,
		 const char *title, const struct frame_fit *fit);

/*
 * name cut to width characters, its start replaced by "...", into buf (of
 * width + 1 bytes at least); name itself when it fits. Returns what to print.
 */
const char *frame_cut_name(const char *name, size_t width, char *buf);

/*
 * "WHAT  YYYY-MM-DD HH:MM:SS  N groups[  EXTRA]": the line above a text
 * frame, with the local wall-clock time. Returns buf.
 */
char *frame_title(char *buf, size_t len, const char *what, size_t groups, const char *extra);

#endif /* KCG_STATS_PRINT_H */
