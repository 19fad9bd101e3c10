#!/bin/bash
# An owner's slow operations stall nobody else: while uid 1000 loops
# `kcg freeze` and `kcg delete --force` on a group whose task will neither
# freeze nor die (each waits its full 1 s or 5 s in the module), root's and
# another tenant's list and stats dumps answer in under 100 ms.
#
# The stuck task: a task frozen by the cgroup v1 freezer sleeps in
# TASK_FROZEN, which neither cgroup v2's freezer (it never enters the v2
# freezer trap, so frozen stays 0) nor SIGKILL from cgroup.kill wakes,
# until the v1 cgroup is thawed.
#
# Answer times are taken inside one process (build/test/kcglat) around each
# request: starting the CLI alone takes 0.3-1 s under TCG.
. "$(dirname "$0")/../lib/tap.sh"

helpers=$KCG_REPO/build/test
v1=/tmp/t23-freezer
nl=$KCG_REPO/tests/lib/kcgnl.py
pids=()


# For a background process: run directly (a function in the background is a
# subshell), so that $! is the process itself.
unpriv() { echo setpriv --reuid="$1" --regid="$1" --clear-groups --inh-caps=-all --bounding-set=-all; }

cleanup() {
	local p
	# Thaw first: a task held by the v1 freezer dies of nothing, and `wait`
	# would wait for it forever.
	if mountpoint -q "$v1"; then
		[ -d "$v1/t23" ] && echo THAWED > "$v1/t23/freezer.state"
	fi
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if mountpoint -q "$v1"; then
		wait_until 10 eval "[ ! -s $v1/t23/cgroup.procs ]"
		rmdir "$v1/t23" 2>/dev/null
		umount "$v1"
	fi
	rmdir "$v1" 2>/dev/null
	rm -f /tmp/t23-rounds
	kcg delete --force t23/stuck 2>/dev/null
	kcg delete t23 2>/dev/null
	kcg delete t23-other 2>/dev/null
}
trap cleanup EXIT
cleanup
[ -x "$helpers/kcglat" ] || not_ok "setup: $helpers/kcglat is built (make test-tools)"

events() { awk -v k="$2" '$1 == k { print $2 }' "$CG/kcg/$1/cgroup.events" 2>/dev/null; }
# under_100ms WHAT LINE: LINE is kcglat's "list MAX SAMPLES..."; every
# sample but the slowest under 100 ms and that one under 1 s: a vCPU of a
# TCG guest can lose the host CPU for a while, a stall by a held lock lasts
# seconds on every sample.
under_100ms() {
	local max=${2#* } second
	max=${max%% *}
	second=$(tr ' ' '\n' <<<"${2#* * }" | sort -g | tail -n 2 | head -n 1)
	if [ -n "$max" ] && awk -v m="$max" -v s="$second" 'BEGIN { exit !(s < 100 && m < 1000) }'; then
		ok "$1 (max $max ms)"
	else
		not_ok "$1" "max ${max:-?} ms; samples in ms: ${2#* * }"
	fi
}
latency_ok() {	# latency_ok WHO UID: WHO's list and stats answer in under 100 ms
	local out
	if [ "$2" = 0 ]; then
		out=$("$helpers/kcglat" -n 8 -i 200 2>&1)
	else
		out=$(as "$2" "$helpers/kcglat" -n 8 -i 200 2>&1)
	fi
	under_100ms "$1's list answers in under 100 ms$3" "$(grep '^list ' <<<"$out")"
	under_100ms "$1's stats answers in under 100 ms$3" "$(grep '^stats ' <<<"$out")"
}

t_run "setup: root gives t23 to uid 1000" kcg create t23 --owner 1000
t_run "setup: the owner creates t23/stuck" as 1000 kcg create t23/stuck
t_run "setup: another tenant's group, t23 is not its" kcg create t23-other --owner 2000
mkdir -p "$v1"
t_run "setup: mount the cgroup v1 freezer" mount -t cgroup -o freezer t23-freezer "$v1"
mkdir "$v1/t23"
$(unpriv 1000) sleep 1000 &
stuck=$!
pids+=("$stuck")
# Once it runs sleep: a task in the middle of exec (reading it over 9p) may
# not reach the v1 freezer for a long time.
wait_until 60 grep -q '^Name:[[:space:]]*sleep$' "/proc/$stuck/status"
echo "$stuck" > "$v1/t23/cgroup.procs"
t_run "setup: the owner's task is in t23/stuck" kcg attach t23/stuck "$stuck"
echo FROZEN > "$v1/t23/freezer.state"
wait_until 60 grep -qx FROZEN "$v1/t23/freezer.state"
t_eq "setup: the v1 freezer holds the task" "$(cat "$v1/t23/freezer.state")" FROZEN

# The stuck group: v2 freeze never completes, SIGKILL does not empty it.
as 1000 kcg freeze t23/stuck 2>/dev/null
sleep 2
t_eq "setup: t23/stuck's cgroup.freeze never completes" "$(events t23/stuck frozen)" 0
echo 1 > "$CG/kcg/t23/stuck/cgroup.kill"
sleep 5
t_eq "setup: cgroup.kill does not empty t23/stuck within 5 s" "$(events t23/stuck populated)" 1

latency_ok "baseline: root" 0 ", no one waiting"

# The owner's loop, in one process (a CLI start takes seconds under TCG):
# each freeze waits 1 s in the module, each delete --force 5 s.
echo 0 > "$CG/kcg/t23/stuck/cgroup.freeze"
$(unpriv 1000) "$nl" hammer t23/stuck 900 > /tmp/t23-rounds 2>&1 &
loop=$!
pids+=("$loop")
if wait_until 60 grep -qx 1 "$CG/kcg/t23/stuck/cgroup.freeze"; then
	ok "setup: the owner's freeze/delete --force loop runs"
else
	not_ok "setup: the owner's freeze/delete --force loop runs" "$(cat /tmp/t23-rounds)"
fi
start=$SECONDS
latency_ok root 0 " while the owner's freeze/delete --force wait"
latency_ok "uid 2000" 2000 " while uid 1000's freeze/delete --force wait"
echo "# measured for $((SECONDS - start)) s"
t_eq "the owner's loop was still running" "$(kill -0 "$loop" 2>/dev/null && echo yes)" yes
for cmd in list stats; do
	s=$(date +%s%N)
	kcg "$cmd" > /dev/null
	echo "# root's CLI kcg $cmd took $((($(date +%s%N) - s) / 1000000)) ms, CLI start included"
done
t_eq "the group is still stuck after the measurement" "$(events t23/stuck populated)" 1
tap_done
