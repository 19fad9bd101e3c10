// SPDX-License-Identifier: GPL-2.0-or-later
/* The CLI's argument parsers: good values, bounds, overflow and junk. */
#include <errno.h>
#include <stdio.h>
#include <sched.h>
#include <signal.h>

#include <linux/kcg.h>

#include "parse.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Sentinel: a parser must not write its output when it fails. */
#define UNTOUCHED UINT64_C(0x5a5a5a5a5a5a5a5a)

static uint64_t u;

static int size(const char *s)
{
	u = UNTOUCHED;
	return parse_size(s, &u);
}

static int size_max(const char *s)
{
	u = UNTOUCHED;
	return parse_size_or_max(s, &u);
}

static uint64_t quota, period;

static int cpu(const char *s)
{
	quota = period = UNTOUCHED;
	return parse_cpu_max(s, &quota, &period);
}

static struct io_max_spec io;

static int iomax(const char *s)
{
	memset(&io, 0x5a, sizeof(io));
	return parse_io_max(s, &io);
}

/* Every piece of junk a number parser must refuse. */
static int all_junk(int (*fn)(const char *))
{
	static const char *const junk[] = {
		"", "12Q", "-1", "+1", " 5", "5 ", "0x10", "1.5G", "1e3",
		"K", "1KB", "1KiB", "1K1", "5\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(junk); i++)
		if (fn(junk[i]) != -EINVAL || u != UNTOUCHED)
			return 0;
	return 1;
}

static void test_size(void)
{
	CHECK(size("4096") == 0 && u == 4096, "size: plain bytes");
	CHECK(size("0") == 0 && u == 0, "size: zero");
	CHECK(size("64K") == 0 && u == 65536, "size: K is 1024");
	CHECK(size("256M") == 0 && u == 256ULL << 20, "size: M");
	CHECK(size("2G") == 0 && u == 2ULL << 30, "size: G");
	CHECK(size("1T") == 0 && u == 1ULL << 40, "size: T");
	CHECK(size("3P") == 0 && u == 3ULL << 50, "size: P");
	CHECK(size("15E") == 0 && u == 15ULL << 60, "size: 15E fits");
	CHECK(size("64k") == 0 && u == 65536, "size: lowercase suffix as memparse");
	CHECK(size("007") == 0 && u == 7, "size: leading zeros are decimal");
	CHECK(size("18446744073709551615") == 0 && u == UINT64_MAX,
	      "size: UINT64_MAX exactly");
	CHECK(size("18446744073709551616") == -ERANGE && u == UNTOUCHED,
	      "size: UINT64_MAX + 1 is -ERANGE");
	CHECK(size("16E") == -ERANGE, "size: 16E overflows the shift");
	CHECK(size("17179869184G") == -ERANGE, "size: 2^34 G overflows");
	CHECK(size("17179869183G") == 0 && u == 17179869183ULL << 30,
	      "size: largest whole G fits");
	CHECK(size("99999999999999999999K") == -ERANGE,
	      "size: digits overflow before the suffix");
	CHECK(size("99999999999999999999Q") == -EINVAL,
	      "size: junk wins over overflow");
	CHECK(all_junk(size), "size: junk is -EINVAL and leaves output");
	CHECK(size("max") == -EINVAL, "size: max is not a size");
}

static void test_size_or_max(void)
{
	CHECK(size_max("max") == 0 && u == KCG_LIMIT_MAX, "size_or_max: max");
	CHECK(size_max("1G") == 0 && u == 1ULL << 30, "size_or_max: a size");
	CHECK(size_max("MAX") == -EINVAL, "size_or_max: MAX is case-sensitive");
	CHECK(size_max("maxx") == -EINVAL, "size_or_max: max prefix is junk");
	CHECK(all_junk(size_max), "size_or_max: junk is -EINVAL");
	CHECK(size_max("16E") == -ERANGE, "size_or_max: overflow is -ERANGE");
}

static void test_cpu_max(void)
{
	CHECK(cpu("50%") == 0 && quota == 50000 && period == 100000,
	      "cpu_max: 50% of the default period");
	CHECK(cpu("250%") == 0 && quota == 250000 && period == 100000,
	      "cpu_max: over 100% for several CPUs");
	CHECK(cpu("1%") == 0 && quota == 1000, "cpu_max: 1% is the minimum quota");
	CHECK(cpu("0%") == -ERANGE && quota == UNTOUCHED, "cpu_max: 0% is -ERANGE");
	CHECK(cpu("18446744073709551615%") == -ERANGE,
	      "cpu_max: percent overflowing the quota");
	CHECK(cpu("0.5%") == -EINVAL, "cpu_max: fractional percent is junk");
	CHECK(cpu("%") == -EINVAL, "cpu_max: bare percent sign");
	CHECK(cpu("50%/100000") == -EINVAL, "cpu_max: percent with a period");
	CHECK(cpu("50000/100000") == 0 && quota == 50000 && period == 100000,
	      "cpu_max: QUOTA/PERIOD");
	CHECK(cpu("1000/1000") == 0 && cpu("5000/1000000") == 0 &&
	      period == 1000000, "cpu_max: period bounds inclusive");
	CHECK(cpu("50000/999") == -ERANGE, "cpu_max: period below 1000");
	CHECK(cpu("50000/1000001") == -ERANGE, "cpu_max: period above 1000000");
	CHECK(cpu("20000") == 0 && quota == 20000 && period == 0,
	      "cpu_max: QUOTA alone leaves the period");
	CHECK(cpu("999") == -ERANGE && cpu("999/100000") == -ERANGE,
	      "cpu_max: quota below 1000");
	CHECK(cpu("max") == 0 && quota == KCG_LIMIT_MAX && period == 0,
	      "cpu_max: max leaves the period");
	CHECK(cpu("max/200000") == 0 && quota == KCG_LIMIT_MAX && period == 200000,
	      "cpu_max: max with a period");
	CHECK(cpu("") == -EINVAL && cpu("/100000") == -EINVAL &&
	      cpu("50000/") == -EINVAL && cpu("1/2/3") == -EINVAL &&
	      cpu(" 50%") == -EINVAL && cpu("-5000") == -EINVAL,
	      "cpu_max: malformed forms are -EINVAL");
}

static void test_u32_range(void)
{
	uint32_t v = 7;

	CHECK(parse_u32_range("1", 1, 10000, &v) == 0 && v == 1, "u32_range: min inclusive");
	CHECK(parse_u32_range("10000", 1, 10000, &v) == 0 && v == 10000,
	      "u32_range: max inclusive");
	v = 7;
	CHECK(parse_u32_range("0", 1, 10000, &v) == -ERANGE && v == 7, "u32_range: below min");
	CHECK(parse_u32_range("10001", 1, 10000, &v) == -ERANGE, "u32_range: above max");
	CHECK(parse_u32_range("4294967295", 0, UINT32_MAX, &v) == 0 && v == UINT32_MAX,
	      "u32_range: full u32");
	CHECK(parse_u32_range("4294967296", 0, UINT32_MAX, &v) == -ERANGE,
	      "u32_range: beyond u32");
	CHECK(parse_u32_range("-1", 0, UINT32_MAX, &v) == -EINVAL &&
	      parse_u32_range("", 0, UINT32_MAX, &v) == -EINVAL &&
	      parse_u32_range("1k", 0, UINT32_MAX, &v) == -EINVAL,
	      "u32_range: sign, empty and suffix are junk");
}

static void test_pids_max(void)
{
	CHECK(parse_pids_max("max", &u) == 0 && u == KCG_LIMIT_MAX, "pids_max: max");
	CHECK(parse_pids_max("0", &u) == 0 && u == 0, "pids_max: zero allowed");
	CHECK(parse_pids_max("4194304", &u) == 0 && u == 4194304, "pids_max: PID_MAX_LIMIT");
	CHECK(parse_pids_max("4194305", &u) == -ERANGE, "pids_max: above PID_MAX_LIMIT");
	CHECK(parse_pids_max("10K", &u) == -EINVAL && parse_pids_max("", &u) == -EINVAL,
	      "pids_max: junk");
}

static void test_cpulist(void)
{
	CHECK(parse_cpulist("") == 0, "cpulist: empty means inherit");
	CHECK(parse_cpulist("0") == 0 && parse_cpulist("0-3") == 0 &&
	      parse_cpulist("0-3,6,8-9") == 0 && parse_cpulist("5-5") == 0,
	      "cpulist: singles and ranges");
	CHECK(parse_cpulist("8191") == 0, "cpulist: highest CPU");
	CHECK(parse_cpulist("8192") == -ERANGE && parse_cpulist("0-8192") == -ERANGE,
	      "cpulist: CPU 8192 is -ERANGE");
	CHECK(parse_cpulist("3-1") == -EINVAL, "cpulist: descending range");
	CHECK(parse_cpulist(",") == -EINVAL && parse_cpulist("1,") == -EINVAL &&
	      parse_cpulist("1,,2") == -EINVAL && parse_cpulist("-3") == -EINVAL &&
	      parse_cpulist("1-") == -EINVAL && parse_cpulist("1-2-3") == -EINVAL &&
	      parse_cpulist(" 1") == -EINVAL && parse_cpulist("a") == -EINVAL,
	      "cpulist: malformed lists");
}

static void test_io_max(void)
{
	CHECK(iomax("8:0:rbps=1M,wbps=max,riops=100,wiops=max") == 0 &&
	      io.major == 8 && io.minor == 0 && io.rbps == 1 << 20 &&
	      io.wbps == KCG_LIMIT_MAX && io.riops == 100 && io.wiops == KCG_LIMIT_MAX,
	      "io_max: all four keys");
	CHECK(iomax("259:3:wiops=5") == 0 && io.major == 259 && io.minor == 3 &&
	      io.wiops == 5 && io.rbps == PARSE_IO_UNSET && io.wbps == PARSE_IO_UNSET &&
	      io.riops == PARSE_IO_UNSET, "io_max: unset keys stay PARSE_IO_UNSET");
	CHECK(iomax("4095:1048575:rbps=1") == 0, "io_max: largest dev_t");
	CHECK(iomax("4096:0:rbps=1") == -ERANGE && iomax("8:1048576:rbps=1") == -ERANGE,
	      "io_max: major or minor beyond dev_t");
	CHECK(iomax("8:0:rbps=0") == -ERANGE && iomax("8:0:riops=0") == -ERANGE,
	      "io_max: zero is -ERANGE");
	CHECK(iomax("8:0:rbps=16E") == -ERANGE, "io_max: size overflow");
	CHECK(iomax("8:0:riops=1K") == -EINVAL, "io_max: iops take no suffix");
	CHECK(iomax("8:0:rbps=1,rbps=2") == -EINVAL && io.major == 0x5a5a5a5a,
	      "io_max: duplicate key, output untouched");
	CHECK(iomax("8:0:xbps=1") == -EINVAL && iomax("8:0:RBPS=1") == -EINVAL,
	      "io_max: unknown key");
	CHECK(iomax("8:0") == -EINVAL && iomax("8:0:") == -EINVAL,
	      "io_max: at least one key");
	CHECK(iomax("8:0:rbps=1,") == -EINVAL && iomax("8:0:rbps") == -EINVAL &&
	      iomax("8:0:rbps=") == -EINVAL && iomax("8::rbps=1") == -EINVAL &&
	      iomax("8-0:rbps=1") == -EINVAL && iomax("") == -EINVAL,
	      "io_max: malformed specs");
	CHECK(iomax("8:0:rbps=1") == 0 && io.path[0] == '\0', "io_max: MAJ:MIN leaves no path");
	CHECK(iomax("/dev/sda:rbps=1M,wiops=7") == 0 && !strcmp(io.path, "/dev/sda") &&
	      io.major == 0 && io.minor == 0 && io.rbps == 1 << 20 && io.wiops == 7,
	      "io_max: a device path is copied, numbers left for the caller");
	CHECK(iomax("/dev/disk/by-path/pci-0000:00:1f.2-ata-1:wbps=max") == 0 &&
	      !strcmp(io.path, "/dev/disk/by-path/pci-0000:00:1f.2-ata-1") &&
	      io.wbps == KCG_LIMIT_MAX, "io_max: a path with ':' ends at the last one before '='");
	CHECK(iomax("/dev/sda") == -EINVAL && iomax("/dev/sda:") == -EINVAL &&
	      iomax("/dev/sda=rbps:1") == -EINVAL && iomax("/dev/sda:rbps=0") == -ERANGE,
	      "io_max: malformed path specs");
	char long_path[PARSE_IO_PATH_MAX + 16];
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '/';
	strcpy(long_path + PARSE_IO_PATH_MAX, ":rbps=1");
	CHECK(iomax(long_path) == -ERANGE, "io_max: a path too long for the buffer");
	long_path[PARSE_IO_PATH_MAX - 1] = '\0';
	long_path[PARSE_IO_PATH_MAX - 9] = ':';
	memcpy(long_path + PARSE_IO_PATH_MAX - 8, "rbps=1", 7);
	CHECK(iomax(long_path) == 0 && strlen(io.path) == PARSE_IO_PATH_MAX - 9,
	      "io_max: a long path that fits");
}

static void test_group_name(void)
{
	char name[300];

	CHECK(parse_group_name("web") == 0 && parse_group_name("tenant-a/web") == 0 &&
	      parse_group_name("a.b_c-D9/x/y") == 0 && parse_group_name("...") == 0,
	      "group_name: valid names");
	CHECK(parse_group_name("") == -EINVAL, "group_name: empty");
	CHECK(parse_group_name("/a") == -EINVAL && parse_group_name("a/") == -EINVAL &&
	      parse_group_name("a//b") == -EINVAL, "group_name: stray slashes");
	CHECK(parse_group_name(".") == -EINVAL && parse_group_name("a/..") == -EINVAL &&
	      parse_group_name("../a") == -EINVAL, "group_name: dot levels");
	CHECK(parse_group_name("a b") == -EINVAL && parse_group_name("a:b") == -EINVAL &&
	      parse_group_name("caf\xc3\xa9") == -EINVAL, "group_name: bad characters");

	memset(name, 'a', 63);
	name[63] = '\0';
	CHECK(parse_group_name(name) == 0, "group_name: 63-char level");
	name[63] = 'a';
	name[64] = '\0';
	CHECK(parse_group_name(name) == -ENAMETOOLONG, "group_name: 64-char level");

	/* four 63-char levels and three slashes: 255 */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '/';
	name[255] = '\0';
	CHECK(parse_group_name(name) == 0, "group_name: 255 in all");
	name[255] = '/';
	name[256] = 'b';
	name[257] = '\0';
	CHECK(parse_group_name(name) == -ENAMETOOLONG, "group_name: 257 in all");
}

static void test_signal(void)
{
	int sig = -1;

	CHECK(parse_signal("KILL", &sig) == 0 && sig == SIGKILL, "signal: bare name");
	CHECK(parse_signal("SIGTERM", &sig) == 0 && sig == SIGTERM, "signal: SIG prefix");
	CHECK(parse_signal("kill", &sig) == 0 && sig == SIGKILL &&
	      parse_signal("sigusr1", &sig) == 0 && sig == SIGUSR1, "signal: any case");
	CHECK(parse_signal("SYS", &sig) == 0 && sig == SIGSYS &&
	      parse_signal("HUP", &sig) == 0 && sig == SIGHUP, "signal: table ends");
	CHECK(parse_signal("IOT", &sig) == 0 && sig == SIGABRT, "signal: alias");
	CHECK(parse_signal("9", &sig) == 0 && sig == 9 &&
	      parse_signal("64", &sig) == 0 && sig == 64, "signal: numbers up to 64");
	sig = -1;
	CHECK(parse_signal("0", &sig) == -ERANGE && parse_signal("65", &sig) == -ERANGE &&
	      sig == -1, "signal: numbers outside 1..64");
	CHECK(parse_signal("", &sig) == -EINVAL && parse_signal("SIG", &sig) == -EINVAL &&
	      parse_signal("BOGUS", &sig) == -EINVAL && parse_signal("SIG9", &sig) == -EINVAL &&
	      parse_signal("9x", &sig) == -EINVAL && parse_signal("-9", &sig) == -EINVAL,
	      "signal: junk");
	CHECK_STR(parse_signal_name(SIGKILL), "KILL", "signal_name: KILL");
	CHECK_STR(parse_signal_name(SIGABRT), "ABRT", "signal_name: canonical over alias");
	CHECK(parse_signal_name(0) == NULL && parse_signal_name(40) == NULL,
	      "signal_name: NULL without a name");
}

static void test_ns_list(void)
{
	const int all = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
			CLONE_NEWNET | CLONE_NEWUSER;
	int f = -1;

	CHECK(parse_ns_list("pid", &f) == 0 && f == CLONE_NEWPID, "ns_list: one");
	CHECK(parse_ns_list("pid,mnt,uts,ipc,net,user", &f) == 0 && f == all,
	      "ns_list: every name");
	CHECK(parse_ns_list("all", &f) == 0 && f == all, "ns_list: all");
	CHECK(parse_ns_list("net,net", &f) == 0 && f == CLONE_NEWNET, "ns_list: duplicates");
	f = -1;
	CHECK(parse_ns_list("pid,cgroup", &f) == -EINVAL && f == -1, "ns_list: unknown name");
	CHECK(parse_ns_list("", &f) == -EINVAL && parse_ns_list("pid,", &f) == -EINVAL &&
	      parse_ns_list(",pid", &f) == -EINVAL && parse_ns_list("PID", &f) == -EINVAL,
	      "ns_list: empty items and case");
}

static void test_seconds(void)
{
	double d = -1;

	CHECK(parse_seconds("2", &d) == 0 && d == 2.0, "seconds: whole");
	CHECK(parse_seconds("0.5", &d) == 0 && d == 0.5, "seconds: fraction");
	CHECK(parse_seconds("0.1", &d) == 0 && d == 0.1, "seconds: 0.1 exact as a literal");
	CHECK(parse_seconds("86400", &d) == 0 && parse_seconds("86400.000", &d) == 0 &&
	      d == 86400.0, "seconds: a day is the bound");
	d = -1;
	CHECK(parse_seconds("86400.001", &d) == -ERANGE && d == -1, "seconds: above a day");
	CHECK(parse_seconds("0", &d) == -ERANGE && parse_seconds("0.000", &d) == -ERANGE,
	      "seconds: zero is -ERANGE");
	CHECK(parse_seconds("99999999999999999999", &d) == -ERANGE, "seconds: overflow");
	CHECK(parse_seconds("", &d) == -EINVAL && parse_seconds(".5", &d) == -EINVAL &&
	      parse_seconds("5.", &d) == -EINVAL && parse_seconds("1.2.3", &d) == -EINVAL &&
	      parse_seconds("-1", &d) == -EINVAL && parse_seconds("1e3", &d) == -EINVAL &&
	      parse_seconds("inf", &d) == -EINVAL && parse_seconds("1,5", &d) == -EINVAL &&
	      parse_seconds("2s", &d) == -EINVAL, "seconds: junk");
}

/* The name parse_default_name() gives, or "E<errno>". */
static const char *default_name(const char *component)
{
	static char name[KCG_NAME_LEVEL_MAX + 1], err[16];
	int rc;

	strcpy(name, "untouched");
	rc = parse_default_name(component, name, sizeof(name));
	if (!rc)
		return name;
	if (strcmp(name, "untouched") != 0)
		return "written on error";
	snprintf(err, sizeof(err), "E%d", -rc);
	return err;
}

static void test_default_name(void)
{
	const char *id = "4f2b8c0d9e1a7b3c5d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
	const char *uid = "0e2a6f4c_1b3d_4e5f_8a9b_0c1d2e3f4a5b";
	char in[256];
	const char *e_inval = "E22", *e_long = "E36";

	CHECK_STR(default_name("t16-pod"), "t16-pod", "default name: a plain name stays");
	CHECK_STR(default_name("nginx.service"), "nginx", "default name: the unit type goes");
	snprintf(in, sizeof(in), "docker-%s.scope", id);
	CHECK_STR(default_name(in), "docker-4f2b8c0d9e1a", "default name: docker-<id>.scope");
	snprintf(in, sizeof(in), "cri-containerd-%s.scope", id);
	CHECK_STR(default_name(in), "cri-containerd-4f2b8c0d9e1a", "default name: containerd's scope");
	snprintf(in, sizeof(in), "libpod-%s", id);
	CHECK_STR(default_name(in), "libpod-4f2b8c0d9e1a", "default name: podman's cgroupfs name");
	CHECK_STR(default_name(id), "4f2b8c0d9e1a", "default name: a bare container id");
	snprintf(in, sizeof(in), "kubepods-burstable-pod%s.slice", uid);
	CHECK_STR(default_name(in), "pod0e2a6f4c_1b3d_4e5f_8a9b_0c1d2e3f4a5b",
		  "default name: a burstable pod's slice");
	snprintf(in, sizeof(in), "kubepods-pod%s.slice", uid);
	CHECK_STR(default_name(in), "pod0e2a6f4c_1b3d_4e5f_8a9b_0c1d2e3f4a5b",
		  "default name: a guaranteed pod's slice");
	CHECK_STR(default_name("kubepods-besteffort.slice"), "kubepods-besteffort",
		  "default name: a slice without a pod keeps its name");
	CHECK_STR(default_name("pod0e2a6f4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b"),
		  "pod0e2a6f4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b", "default name: cgroupfs driver's pod");
	CHECK_STR(default_name("kubepods-pod.slice"), "kubepods-pod",
		  "default name: '-pod' with nothing after is no pod");
	/* Not a container id: 63 hex, upper case, or glued to a word. */
	snprintf(in, sizeof(in), "%.63s", id);
	CHECK_STR(default_name(in), in, "default name: 63 hex digits stay");
	snprintf(in, sizeof(in), "x%s", id);
	CHECK_STR(default_name(in), e_long, "default name: an id glued to a word is not cut");
	CHECK_STR(default_name("user@1000.service"), e_inval, "default name: '@' does not fit");
	CHECK_STR(default_name("a b"), e_inval, "default name: a space does not fit");
	CHECK_STR(default_name("caf\xc3\xa9"), e_inval, "default name: non-ASCII does not fit");
	CHECK_STR(default_name(""), e_inval, "default name: nothing");
	CHECK_STR(default_name("."), e_inval, "default name: '.'");
	CHECK_STR(default_name("...scope"), e_inval, "default name: '..' once the type goes");
	memset(in, 'z', 64);
	in[64] = '\0';
	CHECK_STR(default_name(in), e_long, "default name: 64 characters");
	in[63] = '\0';
	CHECK_STR(default_name(in), in, "default name: 63 characters fit");
	CHECK(parse_default_name("abcdef", in, 4) == -ENAMETOOLONG, "default name: buffer too small");
}

int main(void)
{
	test_default_name();
	test_size();
	test_size_or_max();
	test_cpu_max();
	test_u32_range();
	test_pids_max();
	test_cpulist();
	test_io_max();
	test_group_name();
	test_signal();
	test_ns_list();
	test_seconds();
	TAP_EXIT();
}
