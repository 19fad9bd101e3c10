/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rates over an interval from two stats readings of one group: the one
 * computation behind `kcg stats --interval` and `kcg top`. Pure: no I/O.
 */
#ifndef KCG_RATES_H
#define KCG_RATES_H

#include <stdbool.h>
#include <stdint.h>

#include "libkcg.h"

enum rate_id {
	RATE_CPU_PERCENT,	/* cpu_ns per elapsed ns, x100: 100 is one CPU */
	RATE_SWITCHES,		/* nvcsw + nivcsw per second */
	RATE_WAKEUPS,
	RATE_RUN_DELAY_MS,	/* ms of run delay per second */
	RATE_MIGRATIONS,
	RATE_FORKS,
	RATE_EXITS,
	RATE_COUNT
};

/*
 * value = (delta of counter, plus delta of also_counter if non-zero) *
 * per_second_scale / elapsed seconds.
 */
struct rate_def {
	const char *key;	/* JSON key */
	int counter;		/* KCG_A_COUNTERS_* */
	int also_counter;	/* added to counter, or 0 */
	double per_second_scale;
};

extern const struct rate_def rate_defs[RATE_COUNT];

/* Run-delay quantiles shown from each interval's histogram. */
#define RATE_P50 0.50
#define RATE_P99 0.99

struct group_rates {
	uint64_t interval_ns;
	/* Absent when a counter is absent in either reading or went backwards. */
	bool has[RATE_COUNT];
	double value[RATE_COUNT];
	/* Levels, from the later reading. */
	bool has_tasks, has_memory;
	uint64_t tasks, memory_current;
	/* From the histogram's delta; absent when no task waited. */
	bool has_run_delay_quantiles;
	uint64_t run_delay_p50_ns, run_delay_p99_ns;
};

/*
 * Rates between before (read at before_ns) and after (at after_ns).
 * -EINVAL when after_ns is not later than before_ns.
 */
int rates_compute(const struct kcg_counters *before, uint64_t before_ns,
		  const struct kcg_counters *after, uint64_t after_ns, struct group_rates *out);

/* Only the levels of one reading: for a group with no earlier reading. */
void rates_levels_only(const struct kcg_counters *now, struct group_rates *out);

#endif /* KCG_RATES_H */
