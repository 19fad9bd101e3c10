#!/bin/bash
# Limits set through kcg are enforced by the kernel: a fork loop stops at
# pids.max, a memory hog is OOM-killed under memory.max, and a busy loop
# under cpu.max is throttled.
. "$(dirname "$0")/../lib/tap.sh"

cleanup() {
	for g in t12/pids t12/mem t12/cpu t12; do kcg delete --force "$g" 2>/dev/null; done
}
trap cleanup EXIT
cleanup

t_run "setup" kcg create t12
t_run "create with pids.max 20" kcg create t12/pids --pids-max 20
# Forks until the kernel says no; the children sleep so they all count.
forked=$(kcg run t12/pids -- python3 -c '
import os, signal, time
n = 0
try:
    while n < 100:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except BlockingIOError:
    pass
print(n)
' 2>&1)
t_match "fork loop stops below pids.max" "$forked" '^1[0-9]$'
t_match "pids.events counts the refused forks" "$(cat $CG/kcg/t12/pids/pids.events)" '^max [1-9]'
kcg kill t12/pids
wait_until 10 grep -q 'populated 0' $CG/kcg/t12/pids/cgroup.events

t_run "create with memory.max 32M" kcg create t12/mem --memory-max 32M
kcg run t12/mem -- python3 -c 'x = b"a" * (256 << 20); print("survived")' > /tmp/t12.out 2>&1
status=$?
t_eq "memory hog is killed by SIGKILL" "$status" 137
t_eq "it never got past the allocation" "$(grep -c survived /tmp/t12.out)" 0
t_match "memory.events counts the OOM kill" "$(grep oom_kill $CG/kcg/t12/mem/memory.events)" \
	'^oom_kill [1-9]'
t_match "memory.max was in force" "$(cat $CG/kcg/t12/mem/memory.max)" '^33554432$'

t_run "create with cpu.max 10%" kcg create t12/cpu --cpu-max 10000/100000
began=$(date +%s%N)
kcg run t12/cpu -- timeout 3 sh -c 'while :; do :; done'
wall_ms=$((($(date +%s%N) - began) / 1000000))
t_match "cpu.stat shows throttled periods" "$(grep nr_throttled $CG/kcg/t12/cpu/cpu.stat)" \
	'^nr_throttled [1-9]'
t_match "cpu.stat shows throttled time" "$(grep throttled_usec $CG/kcg/t12/cpu/cpu.stat)" \
	'^throttled_usec [1-9]'
usage=$(awk '/^usage_usec/ { print $2 }' $CG/kcg/t12/cpu/cpu.stat)
echo "# 3 s of busy loop under a 10% quota used ${usage} us of CPU in ${wall_ms} ms" \
	"($((usage / (wall_ms * 10 + 1))) %);" \
	$(grep -E 'nr_periods|nr_throttled|throttled_usec' $CG/kcg/t12/cpu/cpu.stat)
# timeout runs in the group too, so its 3 s end late when the quota holds
# it back: the loop's CPU is measured against the wall time it ran. 20 %
# is twice the quota, wide enough for late period timers under TCG on a
# loaded host, far from the ~100 % of an unthrottled loop.
t_eq "the busy loop used at most 20% of its wall time (quota 10%)" \
	"$((usage < wall_ms * 200))" 1
tap_done
