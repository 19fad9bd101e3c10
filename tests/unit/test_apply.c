// SPDX-License-Identifier: GPL-2.0-or-later
/* `kcg apply`'s file parser and limit comparison: good files, bad lines with their numbers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kcg.h>

#include "applyfile.h"
#include "tap.h"

static char err[APPLY_ERR_LEN];

static int parse(const char *text, struct apply_file *f)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (!in)
		return -EIO;
	memset(f, 0, sizeof(*f));
	rc = apply_parse(in, "groups.conf", f, err, sizeof(err));
	fclose(in);
	return rc;
}

/* A file that must fail with rc and exactly message. */
static void bad(const char *text, int rc, const char *message, const char *name)
{
	struct apply_file f;

	CHECK(parse(text, &f) == rc, name);
	CHECK_STR(err, message, name);
	CHECK(f.count == 0 && f.entries == NULL, "a bad file leaves nothing parsed");
}

static void good_file(void)
{
	static const char text[] =
		"# groups of the node\n"
		"\n"
		"tenant-a --memory-max 2G --cpu-max 200%   # two CPUs\n"
		"  tenant-a/web\t--memory-max=512M --pids-max 200 --owner 1000\n"
		"tenant-a/db --io-max 8:0:rbps=1M --io-max 8:16:wiops=100 --cpuset 0-1\n"
		"tenant-b\n"
		"tenant-b/x --cpu-weight 50 --memory-low 64M --memory-high max\r\n";
	const struct apply_entry *e;
	struct apply_file f;
	uint64_t v = 0, p = 1;
	uint32_t w = 0;

	CHECK(parse(text, &f) == 0, "a good file parses");
	CHECK(f.count == 5, "five groups");
	e = apply_find(&f, "tenant-a");
	CHECK(e && e->line == 3, "tenant-a on line 3");
	CHECK(e && kcg_limits_get_memory_max(e->limits, &v) && v == UINT64_C(2) << 30,
	      "memory-max 2G");
	CHECK(e && kcg_limits_get_cpu_max(e->limits, &v, &p) && v == 200000 && p == 100000,
	      "cpu-max 200%");
	CHECK(e && e->owner == KCG_OWNER_NONE, "no owner given");
	e = apply_find(&f, "tenant-a/web");
	CHECK(e && e->line == 4 && e->owner == 1000, "leading blanks, tab, --opt=VALUE, --owner");
	CHECK(e && kcg_limits_get_pids_max(e->limits, &v) && v == 200, "pids-max 200");
	CHECK(e && !kcg_limits_get_cpu_max(e->limits, &v, &p), "a limit not given is absent");
	e = apply_find(&f, "tenant-a/db");
	CHECK(e && kcg_limits_io_max_count(e->limits) == 2, "io-max once per device");
	CHECK_STR(e ? kcg_limits_get_cpuset_cpus(e->limits) : NULL, "0-1", "cpuset");
	e = apply_find(&f, "tenant-b/x");
	CHECK(e && kcg_limits_get_cpu_weight(e->limits, &w) && w == 50, "cpu-weight, CRLF line");
	CHECK(e && kcg_limits_get_memory_high(e->limits, &v) && v == KCG_LIMIT_MAX,
	      "memory-high max");
	CHECK(apply_find(&f, "tenant-c") == NULL, "an unlisted group is not found");
	CHECK(apply_lists_below(&f, "tenant-a") && !apply_lists_below(&f, "tenant-a/web"),
	      "listed below");
	CHECK(!apply_lists_below(&f, "tenant"), "a prefix that is not a parent is not a parent");
	CHECK(apply_lists_above(&f, "tenant-b/x/y") && !apply_lists_above(&f, "tenant-c/x"),
	      "listed above");
	CHECK(f.sorted && f.sorted[0] == apply_find(&f, "tenant-a") &&
	      f.sorted[1] == apply_find(&f, "tenant-a/db"), "sorted with parents first");
	apply_file_free(&f);

	CHECK(parse("", &f) == 0 && f.count == 0, "an empty file is fine");
	apply_file_free(&f);
	CHECK(parse("# only\n   \n", &f) == 0 && f.count == 0, "comments and blanks only");
	apply_file_free(&f);
	CHECK(parse("last-line --pids-max 5", &f) == 0 && f.count == 1, "no final newline");
	apply_file_free(&f);
}

static void bad_lines(void)
{
	char longline[APPLY_LINE_MAX + 10];

	bad("a\nb\nc/../d\n", -EINVAL, "groups.conf:3: bad group name 'c/../d'", "a bad name, line 3");
	bad("ok\n--memory-max 1G\n", -EINVAL,
	    "groups.conf:2: a line starts with a group name, not '--memory-max'",
	    "an option without a name");
	bad("a --memory-max\n", -EINVAL, "groups.conf:1: --memory-max needs a value",
	    "a missing value");
	bad("\n\na --memory-max 1Q\n", -EINVAL,
	    "groups.conf:3: bad --memory-max '1Q': expected SIZE or max", "a bad size");
	bad("a --cpu-weight 0\n", -EINVAL,
	    "groups.conf:1: bad --cpu-weight '0' (out of range): expected 1..10000",
	    "a value out of range");
	bad("a --swap-max 1G\n", -EINVAL, "groups.conf:1: unknown option '--swap-max'",
	    "an unknown option");
	bad("a --memory-max=1G --memory-max 2G\n", -EINVAL, "groups.conf:1: --memory-max given twice",
	    "an option given twice");
	bad("a --io-max 8:0:rbps=1M --io-max 8:0:wbps=1M\n", -EINVAL,
	    "groups.conf:1: --io-max given twice for one device", "io-max twice for a device");
	bad("a memory-max=1G\n", -EINVAL,
	    "groups.conf:1: expected an option such as --memory-max, not 'memory-max=1G'",
	    "a word that is not an option");
	bad("a --\n", -EINVAL, "groups.conf:1: expected an option such as --memory-max, not '--'",
	    "a bare --");
	bad("a\nb\n# c\na/b\nb --pids-max 3\n", -EINVAL,
	    "groups.conf:5: group 'b' already listed on line 2", "a name listed twice");
	bad("a --owner -1\n", -EINVAL, "groups.conf:1: bad --owner '-1': expected a uid",
	    "a bad owner");

	memset(longline, 'x', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	bad(longline, -E2BIG, "groups.conf:1: line longer than 4095 characters", "a line too long");

	/* A NUL inside a line: fmemopen with an explicit length. */
	static const char nul[] = "a\nb\0c\n";
	struct apply_file f = { 0 };
	FILE *in = fmemopen((void *)nul, sizeof(nul) - 1, "r");

	CHECK(in && apply_parse(in, "x", &f, err, sizeof(err)) == -EINVAL, "a NUL byte");
	CHECK_STR(err, "x:2: a NUL byte in the line", "a NUL byte, line 2");
	if (in)
		fclose(in);
}

static void diff(void)
{
	struct kcg_limits *want = kcg_limits_new(), *have = kcg_limits_new();
	struct kcg_limits *set = kcg_limits_new(), *undo = kcg_limits_new();
	struct apply_change ch[APPLY_CHANGES_MAX];
	uint64_t v = 0, p = 0;

	kcg_limits_set_memory_max(want, 1000000);	/* not whole pages */
	kcg_limits_set_memory_max(have, 999424);	/* what the kernel keeps */
	kcg_limits_set_cpu_max(want, 50000, 0);
	kcg_limits_set_cpu_max(have, 50000, 200000);
	kcg_limits_set_cpuset_cpus(want, "0,1,2");
	kcg_limits_set_cpuset_cpus(have, "0-2");
	kcg_limits_set_pids_max(have, 7);
	CHECK(apply_diff(want, have, 4096, set, undo, ch) == 0,
	      "equal as the kernel keeps them: pages, period kept, CPU list form");
	CHECK(!kcg_limits_get_memory_max(set, &v), "nothing to set");

	kcg_limits_set_cpu_max(want, 50000, 100000);
	kcg_limits_set_pids_max(want, KCG_LIMIT_MAX);
	CHECK(apply_diff(want, have, 4096, set, undo, ch) == 2, "period and pids differ");
	CHECK_STR(ch[0].limit, "cpu-max", "first change cpu-max");
	CHECK_STR(ch[0].from, "50000/200000", "cpu-max from");
	CHECK_STR(ch[0].to, "50000/100000", "cpu-max to");
	CHECK_STR(ch[1].limit, "pids-max", "second change pids-max");
	CHECK_STR(ch[1].from, "7", "pids-max from");
	CHECK_STR(ch[1].to, "max", "pids-max to max");
	CHECK(kcg_limits_get_pids_max(set, &v) && v == KCG_LIMIT_MAX, "set has the new value");
	CHECK(kcg_limits_get_pids_max(undo, &v) && v == 7, "undo has the old value");
	CHECK(kcg_limits_get_cpu_max(undo, &v, &p) && v == 50000 && p == 200000,
	      "undo has the old cpu.max");
	CHECK(!kcg_limits_get_memory_max(undo, &v), "undo holds only what changes");
	kcg_limits_free(set);
	kcg_limits_free(undo);

	/* A new group: everything is a change, from nothing. */
	set = kcg_limits_new();
	kcg_limits_set_memory_high(want, UINT64_C(256) << 20);
	kcg_limits_add_io_max(want, &(struct kcg_io_max){ .major = 8, .minor = 0, .rbps = 1 << 20 });
	int n = apply_diff(want, NULL, 4096, set, NULL, ch);
	CHECK(n == 6, "a new group: every limit given");
	CHECK_STR(ch[2].limit, "memory-high", "memory-high listed");
	CHECK_STR(ch[2].to, "256M", "memory as a SIZE");
	CHECK_STR(ch[2].from, "-", "from nothing");
	CHECK_STR(ch[5].to, "8:0:rbps=1048576", "io-max text");
	kcg_limits_free(set);

	/* io.max: the device's line is absent, so every rate is max. */
	set = kcg_limits_new();
	undo = kcg_limits_new();
	CHECK(apply_diff(want, have, 4096, set, undo, ch) == 4, "io-max of a device without a line");
	CHECK_STR(ch[3].from, "8:0:rbps=max", "io-max from max");
	CHECK(kcg_limits_io_max_count(undo) == 1 && kcg_limits_io_max_at(undo, 0)->rbps == KCG_LIMIT_MAX &&
	      kcg_limits_io_max_at(undo, 0)->wbps == KCG_IO_UNSET, "io undo: only the rates set");
	kcg_limits_free(set);
	kcg_limits_free(undo);

	kcg_limits_free(want);
	kcg_limits_free(have);
}

int main(void)
{
	good_file();
	bad_lines();
	diff();
	TAP_EXIT();
}
