#!/bin/bash
# Bad input: a precise message (the kernel's extack where the kernel
# decides), a non-zero exit, and nothing half-created.
. "$(dirname "$0")/../lib/tap.sh"

cleanup() {
	kill "$sleeper" 2>/dev/null
	wait "$sleeper" 2>/dev/null
	for g in t11/leaf/x t11/leaf t11/busy t11/p/c t11/p t11/ok t11; do
		kcg delete --force "$g" 2>/dev/null
	done
}
trap cleanup EXIT
cleanup

t_run "setup: a group" kcg create t11
t_err "duplicate name is EEXIST from the kernel" 1 "group already exists" kcg create t11
t_err "empty name" 2 "name" kcg create ""
t_err "'..' is not a name" '1|2' "'\.' and '\.\.' are not group names|not a valid|\.\." kcg create ..
t_err "'/' alone is not a name" '1|2' "empty level|name" kcg create /
t_err "64-character level is too long" '1|2' "63" kcg create "t11/$(printf 'a%.0s' {1..64})"
t_run "63-character level is fine" kcg create "t11/$(printf 'b%.0s' {1..63})"
kcg delete "t11/$(printf 'b%.0s' {1..63})"
t_err "bad characters" '1|2' "bad group name" kcg create 't11/a b'
t_err "missing parent" 1 "parent group does not exist" kcg create t11-nope/child
t_err "bad size is rejected before any request" 2 "12Q" kcg create t11/ok --memory-max 12Q
t_err "size overflow is rejected" 2 "99999999999999999999" kcg create t11/ok --memory-max 99999999999999999999
t_err "cpu-weight out of range" 2 "cpu-weight|10001" kcg create t11/ok --cpu-weight 10001
t_err "bad cpu-max" 2 "cpu-max|abc" kcg create t11/ok --cpu-max abc
t_eq "nothing created by rejected options" "$(test -e $CG/kcg/t11/ok || echo none)" none

# The kernel refuses CPU 999: the module reports it and removes the group again.
t_err "cpuset the kernel refuses gives its extack" 1 "cpuset.cpus: the kernel rejected" \
	kcg create t11/ok --memory-max 64M --cpuset 999
t_eq "refused create leaves no cgroup" "$(test -e $CG/kcg/t11/ok || echo none)" none
t_eq "refused create leaves no group" "$(kcg -j list | jq -r '.[].name' | grep -c '^t11/ok$')" 0
t_err "io.max on a missing device" 1 "io.max: no such block device" \
	kcg create t11/ok --io-max 250:250:rbps=1M
t_eq "refused io.max leaves no cgroup" "$(test -e $CG/kcg/t11/ok || echo none)" none

t_err "show of a missing group" 1 "no such group" kcg show t11-nope
t_err "set of a missing group" 1 "no such group" kcg set t11-nope --memory-max 1G
t_err "delete of a missing group" 1 "no such group" kcg delete t11-nope
t_err "freeze of a missing group" 1 "no such group" kcg freeze t11-nope
t_err "attach to a missing group" 1 "no such group" kcg attach t11-nope $$
t_err "attach of a missing pid" 1 "no such process" kcg attach t11 999999

t_run "setup: a busy group" kcg create t11/busy
sleep 1000 &
sleeper=$!
t_run "attach a process" kcg attach t11/busy $sleeper
t_eq "process is in the cgroup" "$(cat /proc/$sleeper/cgroup)" "0::/kcg/t11/busy"
t_err "delete of a busy group is EBUSY" 1 "group has tasks" kcg delete t11/busy
t_eq "busy group still there" "$(test -d $CG/kcg/t11/busy && echo yes)" yes
t_err "child group under a group with tasks" 1 "parent group has tasks" kcg create t11/busy/child
t_eq "no half-made child" "$(test -e $CG/kcg/t11/busy/child || echo none)" none

t_err "a parent is not made implicitly" 1 "parent group does not exist" kcg create t11/p/c
t_run "setup: parent with a child" eval "kcg create t11/p && kcg create t11/p/c"
t_err "tasks in a group with children" 1 "a group with child groups holds no tasks" \
	kcg attach t11/p $sleeper
t_err "delete of a group with children" 1 "child groups" kcg delete t11/p
t_run "delete --force kills the tasks" kcg delete --force t11/busy
t_eq "the task was killed" "$(kill -0 $sleeper 2>/dev/null || echo dead)" dead
t_eq "the forced group is gone" "$(test -e $CG/kcg/t11/busy || echo gone)" gone

t_err "unknown option" 2 "unrecognized|unknown|invalid" kcg create t11/x --bogus 1
t_err "run without a command" 2 "command|--" kcg run t11
tap_done
