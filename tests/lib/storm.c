// SPDX-License-Identifier: GPL-2.0
/*
 * A fork/exit storm for the event tests (python and shell fork far too
 * slowly under TCG): children that exit at once with a non-zero code, one
 * after the other, each a task-exit event of the group the storm runs in.
 *
 *   storm [-t SECONDS] [-n COUNT] [-i INTERVAL_MS] [-c CODE]
 *
 * Stops after SECONDS (default 10) or COUNT children, whichever comes
 * first, sleeping INTERVAL_MS (default 0) between two; each child exits with
 * CODE (default 1). Prints how many children exited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = 10, deadline;
	unsigned long count = 0, max = 0;
	long interval_ms = 0;
	int code = 1, opt;

	while ((opt = getopt(argc, argv, "t:n:i:c:")) != -1) {
		switch (opt) {
		case 't': seconds = atof(optarg); break;
		case 'n': max = strtoul(optarg, NULL, 10); break;
		case 'i': interval_ms = atol(optarg); break;
		case 'c': code = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: storm [-t SECONDS] [-n COUNT] [-i INTERVAL_MS] [-c CODE]\n");
			return 2;
		}
	}
	deadline = now_s() + seconds;
	while ((!max || count < max) && now_s() < deadline) {
		pid_t pid = vfork();
		int status;

		if (pid < 0) {
			perror("storm: vfork");
			return 1;
		}
		if (pid == 0)
			_exit(code);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		count++;
		if (interval_ms) {
			struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	printf("%lu\n", count);
	return 0;
}
