// SPDX-License-Identifier: GPL-2.0
/*
 * What runs inside the groups while the fuzzer (and tests/stress) works on
 * them: a fork/exit loop, a memory hog and a sleeper. Each runs until it is
 * killed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#include "fuzz.h"

void fz_pause_ms(long ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

void fz_forker(long pause_ms)
{
	for (;;) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		fz_pause_ms(pause_ms);
	}
}

/* 4 MiB to just under max_mib MiB (> 4), touched page by page, freed, again. */
void fz_hog(unsigned int max_mib, long pause_ms)
{
	unsigned int round = 0;

	for (;;) {
		size_t size = (size_t)(4 + (round++ * 7) % (max_mib - 4)) << 20;
		char *mem = malloc(size);

		if (mem) {
			memset(mem, (int)round, size);
			free(mem);
		}
		fz_pause_ms(pause_ms);
	}
}

void fz_sleeper(void)
{
	for (;;)
		pause();
}
