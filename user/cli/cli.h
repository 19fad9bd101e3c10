/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the kcg CLI's command files. */
#ifndef KCG_CLI_H
#define KCG_CLI_H

#include "libkcg.h"

#define KCG_TOOL_VERSION "0.1.0"

/* Open the module's netlink family, or explain to stderr why not. */
struct kcg *cli_connect(void);
/* One-line error on stderr: "kcg: WHAT: <extack message or strerror>". Returns 1. */
int cli_error(struct kcg *k, int err, const char *what);
/* Plain usage error on stderr. Returns 2. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_version(int argc, char **argv);

#endif /* KCG_CLI_H */
