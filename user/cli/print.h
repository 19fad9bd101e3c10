/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One print path for text and JSON: each call names the JSON key and the
 * text format of one field, and the mode chosen by -j decides which is used.
 */
#ifndef KCG_PRINT_H
#define KCG_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void print_init(FILE *out, bool json, bool pretty);
bool print_is_json(void);
bool print_is_pretty(void);
/* Finish the document: closes JSON, flushes. */
void print_finish(void);

/* key is ignored inside arrays and for the top-level object. */
void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/*
 * fmt is the text form (printf, one conversion); NULL prints nothing in text.
 * Strings may be untrusted (comm, cgroup paths, names and messages from the
 * module): text escapes them (escape_text()) and fmt is literal text around
 * one "%s", "%-Ns" or "%Ns" only, the width in characters; JSON escapes them
 * into valid UTF-8 (escape_json()).
 */
void print_string(const char *key, const char *fmt, const char *value);
/* Text only, e.g. a label that JSON carries in another field: escaped as above. */
void print_text_string(const char *fmt, const char *value);
void print_u64(const char *key, const char *fmt, uint64_t value);
void print_s64(const char *key, const char *fmt, int64_t value);
void print_double(const char *key, const char *fmt, double value);
void print_bool(const char *key, const char *fmt, bool value);
void print_null(const char *key, const char *text);
/*
 * A cgroup limit: KCG_LIMIT_MAX is the string "max" in JSON and in text, as
 * cgroupfs writes it; any other value is a JSON number. fmt takes a string.
 */
void print_limit(const char *key, const char *fmt, uint64_t value);
/* The same for bytes; text shows them as format_size() does ("256M"). */
void print_limit_size(const char *key, const char *fmt, uint64_t bytes);

/*
 * Bytes in the largest binary unit that holds them exactly ("256M", "1536"),
 * so the text reads back through the SIZE parser unchanged. Returns buf.
 */
#define FORMAT_SIZE_LEN 24
char *format_size(uint64_t bytes, char *buf, size_t len);

/*
 * A number that JSON prints exactly and text shows as already rendered
 * (fmt takes a string), e.g. by format_duration() or format_bytes().
 */
void print_u64_as(const char *key, const char *fmt, uint64_t value, const char *text);

/* Nanoseconds for people: "850ns", "12.3us", "4.6ms", "1.234s". Returns buf. */
#define FORMAT_DURATION_LEN 24
char *format_duration(uint64_t ns, char *buf, size_t len);
/*
 * Bytes for people, rounded to one decimal of the largest binary unit below
 * them: "900", "1.5K", "64.0M". Unlike format_size(), not meant to be read back.
 */
char *format_bytes(uint64_t bytes, char *buf, size_t len);

/*
 * A CLOCK_REALTIME time in local time, to the microsecond: "2026-11-25
 * 14:03:07.123456", or with iso RFC 3339's "2026-11-25T14:03:07.123456+01:00".
 */
#define FORMAT_WALL_TIME_LEN 40
char *format_wall_time(uint64_t realtime_ns, bool iso, char *buf, size_t len);

/*
 * Text only: literal text, e.g. separators and newlines. Not escaped: never
 * pass untrusted strings, use print_text_string().
 */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One record is done: a newline in text, a flush in both (for live output). */
void print_end_record(void);

#endif /* KCG_PRINT_H */
