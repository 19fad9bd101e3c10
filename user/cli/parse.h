/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers for the kcg CLI's arguments. Pure and reentrant: no printing, no
 * exit(), no locale. Each returns 0, -EINVAL for text that is not of the
 * expected form, or -ERANGE for a well-formed value that overflows or is out
 * of range. Decimal only everywhere: no sign, no spaces, no "0x".
 * Outputs are written only on success.
 */
#ifndef KCG_PARSE_H
#define KCG_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* cpu.max defaults and bounds, in microseconds (as the kernel's). */
#define PARSE_CPU_PERIOD_DEFAULT	100000
#define PARSE_CPU_PERIOD_MIN		1000
#define PARSE_CPU_PERIOD_MAX		1000000
#define PARSE_CPU_QUOTA_MIN		1000
/* PID_MAX_LIMIT on 64-bit. */
#define PARSE_PIDS_MAX			4194304
/* CPU numbers in a cpuset list are below this. */
#define PARSE_CPUS_MAX			8192
/* --interval / --duration upper bound: a day. */
#define PARSE_SECONDS_MAX		86400

/*
 * "4096", "64K", "256M", "2G", "1T", "1P", "1E": binary suffixes (K = 1024),
 * either case, as the kernel's memparse. No "B"/"iB", no fractions.
 */
int parse_size(const char *s, uint64_t *bytes);
/* parse_size, or "max" -> KCG_LIMIT_MAX (every memory limit takes it). */
int parse_size_or_max(const char *s, uint64_t *bytes);

/*
 * cpu.max:
 *   "50%"           quota = percent of the default period; *period = 100000
 *                   (set explicitly so the percentage holds whatever the
 *                   group's period was). 250% means two and a half CPUs.
 *   "QUOTA/PERIOD"  both in microseconds.
 *   "QUOTA"         *period = 0: leave the period unchanged.
 *   "max"           *quota = KCG_LIMIT_MAX, *period = 0.
 *   "max/PERIOD"    *quota = KCG_LIMIT_MAX with that period.
 * Quota >= 1000 and period in 1000..1000000, else -ERANGE.
 */
int parse_cpu_max(const char *s, uint64_t *quota, uint64_t *period);

/* Decimal unsigned in [min, max] (--cpu-weight 1..10000, --owner UID). */
int parse_u32_range(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* pids.max: decimal 0..4194304, or "max" -> KCG_LIMIT_MAX. */
int parse_pids_max(const char *s, uint64_t *out);

/*
 * Syntax check of a cpuset list, of CPUs (--cpuset) or of memory nodes
 * (--cpuset-mems): "0", "0-3", "0-3,6,8-9", or "" (inherit). A descending
 * range is -EINVAL; a number >= 8192 is -ERANGE.
 */
int parse_cpulist(const char *s);

/*
 * --io-max DEVICE:KEY=VAL[,KEY=VAL...], keys rbps, wbps, riops, wiops, each
 * at most once, at least one. bps values are sizes or "max", iops values are
 * decimal or "max". A value of 0 is -ERANGE (the kernel rejects it and 0
 * marks a field unset). DEVICE is MAJ:MIN, major fitting 12 bits and minor
 * 20 (dev_t), or a path starting with '/' ("/dev/sda"), which may hold ':'
 * itself (/dev/disk/by-path names do): it ends at the last ':' before the
 * first '='. A path is copied to path, major and minor left 0, for the
 * caller to resolve (parsers do no I/O); -ERANGE if it does not fit. For
 * MAJ:MIN, path is "".
 */
#define PARSE_IO_UNSET UINT64_C(0) /* never a valid io.max value: the kernel rejects 0 */
#define PARSE_IO_PATH_MAX 4096
struct io_max_spec {
	uint32_t major, minor;
	uint64_t rbps, wbps, riops, wiops;
	char path[PARSE_IO_PATH_MAX];
};
int parse_io_max(const char *s, struct io_max_spec *out);

/*
 * Full group name: levels joined by '/', each [A-Za-z0-9_.-]{1,63} and not
 * "." or "..", at most KCG_NAME_MAX (255) in all. -EINVAL for a bad
 * character, an empty or dot level, or a leading, trailing or double '/';
 * -ENAMETOOLONG for a level over 63 or a name over 255.
 */
int parse_group_name(const char *s);

/*
 * `kcg adopt` without --name: a group name from the last component of the
 * cgroup path. A systemd unit type (.scope, .slice, .service, .socket,
 * .mount, .swap) is dropped; in a slice, the part from a "-pod" on is kept
 * (kubepods-burstable-pod<uid>.slice -> pod<uid>); a trailing 64-hex
 * container id is cut to 12 (docker-<id>.scope -> docker-<12 hex>). The
 * result must be one level of the name grammar: -EINVAL when a character
 * does not fit or nothing is left, -ENAMETOOLONG past 63 characters or size.
 */
int parse_default_name(const char *component, char *name, size_t size);

/*
 * Signal by name ("KILL", "SIGKILL", "kill"; the standard signals 1..31
 * plus the aliases IOT, CLD, POLL) or number 1..64 (-ERANGE outside).
 */
int parse_signal(const char *s, int *sig);
/* "KILL" for SIGKILL; NULL for a number without a standard name. */
const char *parse_signal_name(int sig);

/*
 * `kcg run --ns`: comma-separated pid,mnt,uts,ipc,net,user or all, as
 * CLONE_NEW* flags. Duplicates are fine; unknown or empty items -EINVAL.
 */
int parse_ns_list(const char *s, int *clone_flags);

/*
 * --interval / --duration: "2", "0.5"; digits are required on both sides of
 * a '.'. Must be > 0 and <= 86400, else -ERANGE. Digits past the ninth
 * decimal place are checked but ignored.
 */
int parse_seconds(const char *s, double *seconds);

#endif /* KCG_PARSE_H */
