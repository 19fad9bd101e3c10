// SPDX-License-Identifier: GPL-2.0-or-later
/* Text and JSON output through the same calls; see print.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <linux/kcg.h>

#include "escape.h"
#include "print.h"

#define MAX_DEPTH 16

static struct {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	bool need_comma[MAX_DEPTH];
	bool in_array[MAX_DEPTH];
} pr = { .depth = 0 };

void print_init(FILE *out, bool json, bool pretty)
{
	memset(&pr, 0, sizeof(pr));
	pr.out = out;
	pr.json = json;
	pr.pretty = pretty;
}

bool print_is_json(void)
{
	return pr.json;
}

bool print_is_pretty(void)
{
	return pr.pretty;
}

static void newline_indent(void)
{
	if (!pr.pretty)
		return;
	fputc('\n', pr.out);
	for (int i = 0; i < pr.depth; i++)
		fputs("  ", pr.out);
}

static void json_string(const char *s)
{
	fputc('"', pr.out);
	escape_json(pr.out, s);
	fputc('"', pr.out);
}

/* Comma, indentation and key before a JSON value. */
static void json_key(const char *key)
{
	if (pr.depth > 0) {
		if (pr.need_comma[pr.depth])
			fputc(',', pr.out);
		pr.need_comma[pr.depth] = true;
		newline_indent();
		if (!pr.in_array[pr.depth] && key) {
			json_string(key);
			fputs(pr.pretty ? ": " : ":", pr.out);
		}
	}
}

static void json_open(const char *key, char bracket, bool array)
{
	json_key(key);
	fputc(bracket, pr.out);
	if (pr.depth + 1 < MAX_DEPTH)
		pr.depth++;
	pr.need_comma[pr.depth] = false;
	pr.in_array[pr.depth] = array;
}

static void json_close(char bracket)
{
	bool had_items = pr.need_comma[pr.depth];

	if (pr.depth > 0)
		pr.depth--;
	if (had_items)
		newline_indent();
	fputc(bracket, pr.out);
	if (pr.depth == 0)
		fputc('\n', pr.out);
}

void print_open_object(const char *key)
{
	if (pr.json)
		json_open(key, '{', false);
}

void print_close_object(void)
{
	if (pr.json)
		json_close('}');
}

void print_open_array(const char *key)
{
	if (pr.json)
		json_open(key, '[', true);
}

void print_close_array(void)
{
	if (pr.json)
		json_close(']');
}

/*
 * fmt around one escaped string: "%s", "%-24s" or "%6s"; a width counts
 * characters as escape_text() does, not bytes as printf would.
 */
static void text_string(const char *fmt, const char *value)
{
	for (const char *p = fmt; *p; p++) {
		bool left = false;
		size_t width = 0, shown;

		if (*p != '%') {
			fputc(*p, pr.out);
			continue;
		}
		if (p[1] == '%') {
			fputc('%', pr.out);
			p++;
			continue;
		}
		if (p[1] == '-') {
			left = true;
			p++;
		}
		while (p[1] >= '0' && p[1] <= '9' && width < 1000)
			width = width * 10 + (size_t)(*++p - '0');
		/* Anything but 's' here is a caller's bug: the value still shows. */
		if (p[1] == 's')
			p++;
		shown = escape_text(NULL, value);
		for (size_t i = shown; !left && i < width; i++)
			fputc(' ', pr.out);
		escape_text(pr.out, value);
		for (size_t i = shown; left && i < width; i++)
			fputc(' ', pr.out);
	}
}

void print_string(const char *key, const char *fmt, const char *value)
{
	if (pr.json) {
		json_key(key);
		json_string(value);
	} else if (fmt) {
		text_string(fmt, value);
	}
}

void print_text_string(const char *fmt, const char *value)
{
	if (!pr.json)
		text_string(fmt, value);
}

void print_u64(const char *key, const char *fmt, uint64_t value)
{
	if (pr.json) {
		json_key(key);
		fprintf(pr.out, "%" PRIu64, value);
	} else if (fmt) {
		fprintf(pr.out, fmt, value);
	}
}

void print_s64(const char *key, const char *fmt, int64_t value)
{
	if (pr.json) {
		json_key(key);
		fprintf(pr.out, "%" PRId64, value);
	} else if (fmt) {
		fprintf(pr.out, fmt, value);
	}
}

void print_double(const char *key, const char *fmt, double value)
{
	if (pr.json) {
		json_key(key);
		fprintf(pr.out, "%.6g", value);
	} else if (fmt) {
		fprintf(pr.out, fmt, value);
	}
}

void print_bool(const char *key, const char *fmt, bool value)
{
	if (pr.json) {
		json_key(key);
		fputs(value ? "true" : "false", pr.out);
	} else if (fmt) {
		fprintf(pr.out, fmt, value ? "yes" : "no");
	}
}

void print_null(const char *key, const char *text)
{
	if (pr.json) {
		json_key(key);
		fputs("null", pr.out);
	} else if (text) {
		fputs(text, pr.out);
	}
}

char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int unit = -1;

	while (bytes && bytes % 1024 == 0 && units[unit + 1]) {
		bytes /= 1024;
		unit++;
	}
	if (unit < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes, units[unit]);
	return buf;
}

char *format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", (double)ns / 1e9);
	return buf;
}

char *format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double value = (double)bytes;
	int unit = -1;

	while (value >= 1024 && units[unit + 1]) {
		value /= 1024;
		unit++;
	}
	if (unit < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%.1f%c", value, units[unit]);
	return buf;
}

char *format_wall_time(uint64_t realtime_ns, bool iso, char *buf, size_t len)
{
	time_t secs = (time_t)(realtime_ns / 1000000000);
	unsigned int us = (unsigned int)(realtime_ns % 1000000000 / 1000);
	char date[32], hhmm[8], zone[8] = "";
	struct tm tm;

	if (!localtime_r(&secs, &tm) ||
	    !strftime(date, sizeof(date), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm)) {
		snprintf(buf, len, "%" PRIu64, realtime_ns);
		return buf;
	}
	/* RFC 3339 wants the offset as +HH:MM; strftime gives +HHMM. */
	if (iso && strftime(hhmm, sizeof(hhmm), "%z", &tm) == 5)
		snprintf(zone, sizeof(zone), "%.3s:%.2s", hhmm, hhmm + 3);
	snprintf(buf, len, "%s.%06u%s", date, us, zone);
	return buf;
}

void print_u64_as(const char *key, const char *fmt, uint64_t value, const char *text)
{
	if (pr.json)
		print_u64(key, NULL, value);
	else if (fmt)
		fprintf(pr.out, fmt, text);
}

/* A limit whose text form is already rendered. */
static void print_limit_as(const char *key, const char *fmt, uint64_t value, const char *text)
{
	if (value == KCG_LIMIT_MAX)
		print_string(key, fmt, "max");
	else
		print_u64_as(key, fmt, value, text);
}

void print_limit(const char *key, const char *fmt, uint64_t value)
{
	char text[FORMAT_SIZE_LEN];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	print_limit_as(key, fmt, value, text);
}

void print_limit_size(const char *key, const char *fmt, uint64_t bytes)
{
	char text[FORMAT_SIZE_LEN];

	print_limit_as(key, fmt, bytes, format_size(bytes, text, sizeof(text)));
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(pr.out, fmt, ap);
	va_end(ap);
}

void print_end_record(void)
{
	if (!pr.json)
		fputc('\n', pr.out);
	fflush(pr.out);
}

void print_finish(void)
{
	fflush(pr.out);
}
