/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal TAP for host unit tests: one "ok"/"not ok" line per check. */
#ifndef KCG_UNIT_TAP_H
#define KCG_UNIT_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_failed;

#define CHECK(cond, name) do {						\
	if (cond) {							\
		printf("ok - %s: %s\n", __FILE__, name);		\
	} else {							\
		printf("not ok - %s: %s\n#   %s:%d: %s\n", __FILE__,	\
		       name, __FILE__, __LINE__, #cond);		\
		tap_failed++;						\
	}								\
} while (0)

#define CHECK_STR(got, want, name) do {					\
	const char *g_ = (got), *w_ = (want);				\
	CHECK(g_ && strcmp(g_, w_) == 0, name);				\
	if (!g_ || strcmp(g_, w_) != 0)					\
		printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_); \
} while (0)

#define TAP_EXIT() return tap_failed ? 1 : 0

#endif /* KCG_UNIT_TAP_H */
