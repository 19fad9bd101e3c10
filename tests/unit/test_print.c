// SPDX-License-Identifier: GPL-2.0-or-later
/* The one print path gives the same fields as text and as JSON. */
#include <stdlib.h>

#include "print.h"
#include "tap.h"

static char *buf;
static size_t len;

static FILE *capture(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void record(FILE *f, bool json, bool pretty)
{
	print_init(f, json, pretty);
	print_open_object(NULL);
	print_string("name", "%s", "web \"a\"\\\n\x01");
	print_u64("tasks", " tasks %llu", 18446744073709551615ULL);
	print_s64("delta", " delta %lld", -5);
	print_bool("frozen", " frozen %s", true);
	print_null("quota", " quota max");
	print_open_array("cpus");
	print_u64(NULL, " %llu", 0);
	print_u64(NULL, ",%llu", 3);
	print_close_array();
	print_open_object("empty");
	print_close_object();
	print_close_object();
	print_end_record();
	fclose(f);
}

int main(void)
{
	record(capture(), false, false);
	CHECK_STR(buf, "web \"a\"\\\\\\x0a\\x01 tasks 18446744073709551615 delta -5 frozen yes quota max 0,3\n",
		  "text output uses the formats, strings escaped");

	record(capture(), true, false);
	CHECK_STR(buf, "{\"name\":\"web \\\"a\\\"\\\\\\u000a\\u0001\",\"tasks\":18446744073709551615,"
		  "\"delta\":-5,\"frozen\":true,\"quota\":null,\"cpus\":[0,3],\"empty\":{}}\n",
		  "JSON output escapes strings and keeps u64 exact");

	record(capture(), true, true);
	CHECK(buf && strstr(buf, "{\n  \"name\": ") && strstr(buf, "\n  \"cpus\": [\n    0,\n    3\n  ]"),
	      "pretty JSON indents nested values");
	CHECK(buf && buf[strlen(buf) - 2] == '}' && buf[strlen(buf) - 1] == '\n',
	      "pretty JSON ends with the closing brace and a newline");

	/* A flat array at the top level, as list commands print. */
	FILE *f = capture();
	print_init(f, true, false);
	print_open_array(NULL);
	print_open_object(NULL);
	print_string("name", "%s", "a");
	print_close_object();
	print_open_object(NULL);
	print_string("name", "%s", "b");
	print_close_object();
	print_close_array();
	fclose(f);
	CHECK_STR(buf, "[{\"name\":\"a\"},{\"name\":\"b\"}]\n", "top-level arrays of objects");

	free(buf);
	TAP_EXIT();
}
