// SPDX-License-Identifier: GPL-2.0-or-later
/* Sizes and limits as text shows them, and as JSON keeps them exact. */
#include <stdlib.h>
#include <time.h>
#include <linux/kcg.h>

#include "print.h"
#include "tap.h"

static const char *size(uint64_t bytes)
{
	static char buf[FORMAT_SIZE_LEN];

	return format_size(bytes, buf, sizeof(buf));
}

static char *out;
static size_t out_len;

static void limits_record(bool json)
{
	FILE *f = open_memstream(&out, &out_len);

	print_init(f, json, false);
	print_open_object(NULL);
	print_limit_size("memory_max", "memory.max %s", 256ULL << 20);
	print_limit_size("memory_high", " memory.high %s", KCG_LIMIT_MAX);
	print_limit_size("memory_low", " memory.low %s", 1000);
	print_limit("pids_max", " pids.max %s", 100);
	print_limit("quota", " quota %s", KCG_LIMIT_MAX);
	print_limit_size("hidden", NULL, 1);
	print_close_object();
	print_end_record();
	fclose(f);
}

static const char *wall(const char *tz, uint64_t ns, bool iso)
{
	static char buf[FORMAT_WALL_TIME_LEN];

	setenv("TZ", tz, 1);
	tzset();
	return format_wall_time(ns, iso, buf, sizeof(buf));
}

/* kcg monitor --time wall|iso: local time, microseconds, RFC 3339's offset. */
static void wall_times(void)
{
	const uint64_t t = UINT64_C(1700000000123456789);

	CHECK_STR(wall("UTC0", 0, false), "1970-01-01 00:00:00.000000", "wall: the epoch in UTC");
	CHECK_STR(wall("UTC0", 0, true), "1970-01-01T00:00:00.000000+00:00", "iso: the epoch in UTC");
	CHECK_STR(wall("UTC0", t, false), "2023-11-14 22:13:20.123456",
		  "wall: microseconds, truncated");
	CHECK_STR(wall("CET-1", t, true), "2023-11-14T23:13:20.123456+01:00",
		  "iso: local time with +HH:MM");
	CHECK_STR(wall("<-0330>3:30", t, true), "2023-11-14T18:43:20.123456-03:30",
		  "iso: a negative offset with minutes");
	CHECK_STR(wall("CET-1", t, false), "2023-11-14 23:13:20.123456", "wall: local time, no zone");
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	wall_times();
	CHECK_STR(size(0), "0", "zero stays bytes");
	CHECK_STR(size(1), "1", "one byte");
	CHECK_STR(size(1000), "1000", "decimal thousands are not a unit");
	CHECK_STR(size(1024), "1K", "1024 is 1K");
	CHECK_STR(size(1536), "1536", "1.5K is not exact: bytes");
	CHECK_STR(size(4096), "4K", "a page");
	CHECK_STR(size(256ULL << 20), "256M", "256M");
	CHECK_STR(size((256ULL << 20) + 4096), "262148K", "largest exact unit, not rounded");
	CHECK_STR(size(2ULL << 30), "2G", "2G");
	CHECK_STR(size(1ULL << 40), "1T", "1T");
	CHECK_STR(size(3ULL << 50), "3P", "3P");
	CHECK_STR(size(8ULL << 60), "8E", "8E");
	CHECK_STR(size(1ULL << 63), "8E", "E is the largest unit");
	CHECK_STR(size(18446744073709551615ULL), "18446744073709551615", "all ones: bytes");

	char small[4];
	format_size(123456, small, sizeof(small));
	CHECK_STR(small, "123", "a short buffer truncates and terminates");

	limits_record(false);
	CHECK_STR(out, "memory.max 256M memory.high max memory.low 1000 pids.max 100 quota max\n",
		  "text: sizes in units, max as \"max\"");
	free(out);

	limits_record(true);
	CHECK_STR(out, "{\"memory_max\":268435456,\"memory_high\":\"max\",\"memory_low\":1000,"
		  "\"pids_max\":100,\"quota\":\"max\",\"hidden\":1}\n",
		  "JSON: exact numbers, the string \"max\" for no limit");
	free(out);

	TAP_EXIT();
}
