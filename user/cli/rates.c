// SPDX-License-Identifier: GPL-2.0-or-later
/* Rates from counter deltas; see rates.h. */
#include <errno.h>
#include <string.h>

#include "rates.h"

#define NS_PER_S 1e9

const struct rate_def rate_defs[RATE_COUNT] = {
	/* ns of CPU per s is 1e9 for one CPU; as a percentage, scale by 100/1e9. */
	[RATE_CPU_PERCENT]  = { "cpu_percent", KCG_A_COUNTERS_CPU_NS, 0, 100 / NS_PER_S },
	[RATE_SWITCHES]     = { "switches_per_s", KCG_A_COUNTERS_NVCSW, KCG_A_COUNTERS_NIVCSW, 1 },
	[RATE_WAKEUPS]      = { "wakeups_per_s", KCG_A_COUNTERS_WAKEUPS, 0, 1 },
	[RATE_RUN_DELAY_MS] = { "run_delay_ms_per_s", KCG_A_COUNTERS_RUN_DELAY_NS, 0, 1e-6 },
	[RATE_MIGRATIONS]   = { "migrations_per_s", KCG_A_COUNTERS_MIGRATIONS, 0, 1 },
	[RATE_FORKS]        = { "forks_per_s", KCG_A_COUNTERS_FORKS, 0, 1 },
	[RATE_EXITS]        = { "exits_per_s", KCG_A_COUNTERS_EXITS, 0, 1 },
};

/* A monotonic counter's growth; false if absent either side or it went back. */
static bool counter_delta(const struct kcg_counters *before, const struct kcg_counters *after,
			  int counter, uint64_t *delta)
{
	uint64_t a, b;

	if (!kcg_counters_get(before, counter, &b) || !kcg_counters_get(after, counter, &a) ||
	    a < b)
		return false;
	*delta = a - b;
	return true;
}

void rates_levels_only(const struct kcg_counters *now, struct group_rates *out)
{
	memset(out, 0, sizeof(*out));
	out->has_tasks = kcg_counters_tasks(now, &out->tasks);
	out->has_memory = kcg_counters_memory_current(now, &out->memory_current);
}

static void run_delay_quantiles(const struct kcg_counters *before,
				const struct kcg_counters *after, struct group_rates *out)
{
	uint64_t hist_before[KCG_RUN_DELAY_BUCKETS], hist_after[KCG_RUN_DELAY_BUCKETS];

	if (!kcg_counters_run_delay_hist(before, hist_before) ||
	    !kcg_counters_run_delay_hist(after, hist_after))
		return;
	for (unsigned int i = 0; i < KCG_RUN_DELAY_BUCKETS; i++) {
		if (hist_after[i] < hist_before[i])
			return;
		hist_after[i] -= hist_before[i];
	}
	out->has_run_delay_quantiles =
		kcg_run_delay_percentile(hist_after, RATE_P50, &out->run_delay_p50_ns) &&
		kcg_run_delay_percentile(hist_after, RATE_P99, &out->run_delay_p99_ns);
}

int rates_compute(const struct kcg_counters *before, uint64_t before_ns,
		  const struct kcg_counters *after, uint64_t after_ns, struct group_rates *out)
{
	double seconds;

	if (after_ns <= before_ns)
		return -EINVAL;
	rates_levels_only(after, out);
	out->interval_ns = after_ns - before_ns;
	seconds = (double)out->interval_ns / NS_PER_S;
	for (int r = 0; r < RATE_COUNT; r++) {
		const struct rate_def *def = &rate_defs[r];
		uint64_t delta, also = 0;

		if (!counter_delta(before, after, def->counter, &delta) ||
		    (def->also_counter && !counter_delta(before, after, def->also_counter, &also)))
			continue;
		out->has[r] = true;
		out->value[r] = (double)(delta + also) * def->per_second_scale / seconds;
	}
	run_delay_quantiles(before, after, out);
	return 0;
}
