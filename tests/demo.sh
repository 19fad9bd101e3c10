#!/bin/bash
# make demo: runs inside the VM with kcg.ko loaded (tests/vm/run).
# Shows the module at work; each step prints the command it runs.
step() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@"
}

step uname -r
step grep '^kcg ' /proc/modules
step genl ctrl get name kcg
step kcg --version
step kcg -j -p --version
