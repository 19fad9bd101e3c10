#!/bin/bash
# kcg stats and top against the kernel's own figures: each counter is
# checked with a workload whose count is known, through the real CLI (-j,
# jq), next to cgroupfs (cpu.stat, memory.current, cgroup.threads) and
# /proc/PID/schedstat.
. "$(dirname "$0")/../lib/tap.sh"

groups="t20/h/c1 t20/h/c2 t20/h t20/busy t20/pin t20/pp t20/fork t20/mem t20/a t20/b t20/tasks t20"
bg_pids=()

cleanup() {
	for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for g in $groups; do kcg delete --force "$g" 2>/dev/null; done
}
trap cleanup EXIT
cleanup

# st NAME JQ: a field of NAME's object in `kcg -j stats NAME`.
st() { kcg -j stats "$1" | jq -r --arg n "$1" ".[] | select(.name == \$n) | $2"; }
# within PCT GOT WANT: |GOT - WANT| <= PCT% of WANT (integers, WANT > 0).
within() { [ "$3" -gt 0 ] && [ $(( ($2 - $3) * 100 )) -le $(( $1 * $3 )) ] &&
	   [ $(( ($3 - $2) * 100 )) -le $(( $1 * $3 )) ]; }
# t_within NAME PCT GOT WANT
t_within() {
	if [[ $3 =~ ^[0-9]+$ && $4 =~ ^[0-9]+$ ]] && within "$2" "$3" "$4"; then ok "$1"
	else not_ok "$1" "got:  '$3'" "want: '$4' +-$2%"; fi
}
# t_true NAME EXPR_DESCRIPTION CMD...: CMD succeeds (a numeric comparison).
t_true() {
	local name=$1 what=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$what"; fi
}
procs() { wc -l < "$CG/kcg/$1/cgroup.procs"; }
hog='while :; do :; done'

t_run "setup: groups" eval "kcg create t20 && for g in busy pin pp fork mem a b tasks h; do
	kcg create t20/\$g || exit 1; done && kcg create t20/h/c1 && kcg create t20/h/c2"

# CPU time: the probes' sum against the scheduler's own cpu.stat, read once
# the loop has exited so that neither moves.
kcg run t20/busy -- timeout 3 sh -c "$hog"
cpu=$(st t20/busy .own.cpu_ns)
usage=$(( $(awk '$1 == "usage_usec" { print $2 }' $CG/kcg/t20/busy/cpu.stat) * 1000 ))
t_within "busy loop: own cpu_ns within 10% of cpu.stat usage_usec" 10 "$cpu" "$usage"
t_true "busy loop: cpu_ns is most of the 3 s (>= 1 s)" "cpu_ns $cpu" [ "${cpu:-0}" -ge 1000000000 ]
t_eq "total equals own in a leaf" "$(st t20/busy '.total.cpu_ns == .own.cpu_ns')" true
t_eq "a counter the group has is a number, never null" \
	"$(st t20/busy '[.own | .cpu_ns, .nvcsw, .forks, .exits] | map(type) | unique | join(",")')" number

# Run delay: two hogs on one CPU must wait for each other.
kcg run t20/pin -- taskset -c 0 sh -c "timeout 2 sh -c '$hog' & timeout 2 sh -c '$hog'; wait"
delay=$(st t20/pin .own.run_delay_ns)
t_true "two hogs on one CPU: run_delay_ns > 0" "run_delay_ns '$delay'" [ "${delay:-0}" -gt 0 ]
t_eq "run-delay histogram has $(printf %d 24) buckets" "$(st t20/pin '.own.run_delay_hist | length')" 24
waits=$(st t20/pin '.own.run_delay_hist | add')
t_true "two hogs on one CPU: histogram not empty" "sum of buckets '$waits'" [ "${waits:-0}" -gt 0 ]
# Each hog waits about a tick (>= 1 ms) at a time: most waits are long ones.
long=$(st t20/pin '.own.run_delay_hist[9:] | add')
t_true "two hogs on one CPU: waits of 512 us and more are counted" "buckets 9..: '$long'" \
	[ "${long:-0}" -gt 0 ]

# Voluntary switches: N pipe round trips block each side once per trip, 2N
# in all. Slack 25%: a reader may find its byte already there (no switch),
# and python's start-up and exit add a few dozen of their own.
n=2000
kcg run t20/pp -- python3 -c "
import os
n = $n
a, b = os.pipe(), os.pipe()
if os.fork() == 0:
    for _ in range(n):
        os.read(a[0], 1); os.write(b[1], b'x')
    os._exit(0)
for _ in range(n):
    os.write(a[1], b'x'); os.read(b[0], 1)
os.wait()
"
t_within "pipe ping-pong of $n round trips: nvcsw ~ 2N (25%)" 25 "$(st t20/pp .own.nvcsw)" $((2 * n))

# Forks and exits: kcg run attaches its child before exec (no fork in the
# group); the shell forks once per /bin/true ([ and $(( )) are builtins).
# So forks = 50 and exits = 50 + the shell itself.
kcg run t20/fork -- sh -c 'i=0; while [ $i -lt 50 ]; do /bin/true; i=$((i + 1)); done'
forks=$(st t20/fork .own.forks)
exits=$(st t20/fork .own.exits)
t_eq "50 /bin/true from a shell: forks = 50" "$forks" 50
t_eq "... and exits = 51 (the shell too)" "$exits" 51
t_eq "no tasks left once all exited" "$(st t20/fork .own.tasks)" 0

# Memory: a process holding 64M, read next to memory.current.
kcg run t20/mem -- python3 -c "
import time
b = b'\x01' * (64 << 20)
time.sleep(600)
" &
bg_pids+=($!)
disown
mem_ready() { [ "$(cat $CG/kcg/t20/mem/memory.current)" -ge $((64 << 20)) ]; }
if wait_until 60 mem_ready; then
	got=$(st t20/mem .own.memory_current)
	want=$(cat $CG/kcg/t20/mem/memory.current)
	t_within "64M held: memory_current within 5% of memory.current" 5 "$got" "$want"
	t_true "memory_peak >= memory_current" "peak" \
		[ "$(st t20/mem .own.memory_peak)" -ge "$(st t20/mem .own.memory_current)" ]
	t_eq "memory figures are the same in own and total" \
		"$(st t20/mem '.own.memory_current == .total.memory_current')" true
else
	not_ok "64M held: memory_current within 5% of memory.current" "never reached 64M"
fi

# Tasks: the group's processes (pids counts threads: cgroup.threads).
kcg run t20/tasks -- sh -c 'sleep 600 & sleep 600 & sleep 600 & wait' &
bg_pids+=($!)
disown
four() { [ "$(procs t20/tasks)" = 4 ]; }
wait_until 30 four
t_eq "tasks = the group's threads" "$(st t20/tasks .own.tasks)" \
	"$(wc -l < $CG/kcg/t20/tasks/cgroup.threads)"
t_eq "tasks counts 4 processes" "$(st t20/tasks .own.tasks)" 4

# Hierarchy: totals are own plus the children's totals, read in one dump
# once the work is over so that nothing moves in between.
kcg run t20/h/c1 -- sh -c "timeout 1 sh -c '$hog'; /bin/true; /bin/true"
kcg run t20/h/c2 -- sh -c "timeout 1 sh -c '$hog'; /bin/true"
tree=$(kcg -j stats t20/h)
t_eq "stats NAME dumps the group and its subtree" "$(jq -r '[.[].name] | sort | join(" ")' <<< "$tree")" \
	"t20/h t20/h/c1 t20/h/c2"
for c in cpu_ns forks exits nvcsw nivcsw wakeups run_delay_ns; do
	t_eq "total $c = own + children's totals" "$(jq -r --arg c "$c" '
		(map({(.name): .}) | add) as $g |
		$g["t20/h"].total[$c] == $g["t20/h"].own[$c] + $g["t20/h/c1"].total[$c]
					+ $g["t20/h/c2"].total[$c]' <<< "$tree")" true
done
t_eq "children did work (cpu_ns > 0.2 s each)" \
	"$(jq 'map(select(.name != "t20/h") | .own.cpu_ns > 200000000) | all' <<< "$tree")" true
t_eq "several NAMEs are a union, each group once" "$(kcg -j stats t20/h t20/h/c1 t20/busy | jq length)" 4

# A task moved from t20/a to t20/b midway is charged to each for its own time.
kcg run t20/a -- sh -c "$hog" &
bg_pids+=($!)
disown
one() { [ "$(procs t20/a)" = 1 ]; }
wait_until 30 one
pid=$(cat $CG/kcg/t20/a/cgroup.procs)
ran() { [ "$(st "$1" .own.cpu_ns)" -gt 500000000 ]; }
wait_until 60 ran t20/a
t_run "attach the running task from t20/a to t20/b" kcg attach t20/b "$pid"
wait_until 60 ran t20/b
# Stopped, it is switched out: its last slice is charged and nothing moves.
kill -STOP "$pid"
stopped() { [ "$(awk '{ print $3 }' /proc/"$pid"/stat)" = T ]; }
wait_until 10 stopped
sleep 0.2
a=$(st t20/a .own.cpu_ns)
b=$(st t20/b .own.cpu_ns)
task=$(awk '{ print $1 }' /proc/"$pid"/schedstat)
t_true "moved task: both groups have cpu_ns > 0" "a=$a b=$b" [ "${a:-0}" -gt 0 -a "${b:-0}" -gt 0 ]
t_within "moved task: a + b within 5% of its schedstat run time" 5 $((a + b)) "$task"
kill -9 "$pid"

# The sampling commands.
kcg run t20/busy -- timeout 20 sh -c "$hog" &
bg_pids+=($!)
disown
# timeout and the shell it runs: two processes.
busy_runs() { [ "$(procs t20/busy)" = 2 ]; }
t_run "setup: the busy loop runs" wait_until 30 busy_runs
t_eq "stats --interval 1 --count 2: two JSON samples" \
	"$(kcg -j stats --interval 1 --count 2 t20 | jq -s length)" 2
t_eq "stats --interval 1 --count 2: two text frames" \
	"$(kcg stats --interval 1 --count 2 t20/busy | grep -c '^kcg stats ')" 2
# cpu.stat over the same second, to tell a stale counter from an idle task.
usage_usec() { awk '$1 == "usage_usec" { print $2 }' $CG/kcg/t20/busy/cpu.stat; }
u0=$(usage_usec)
sample=$(kcg -j stats --interval 1 --count 1 t20/busy)
u1=$(usage_usec)
cpu_pct=$(jq '.[0].cpu_percent | floor' <<< "$sample")
# One loop is one CPU at most; under TCG on a loaded host the guest's
# sched_clock and the CLI's monotonic interval drift apart by some percent
# (cpu.stat then grows faster than the wall clock too). Double counting
# would show 200.
t_true "a busy loop shows 30..120 cpu_percent" \
	"cpu_percent '$cpu_pct'; cpu.stat usage grew $(( (u1 - u0) / 1000 )) ms meanwhile; $sample" \
	[ "${cpu_pct:-0}" -ge 30 -a "${cpu_pct:-0}" -le 120 ]
frame=$(kcg top --batch --count 1)
t_match "top --batch --count 1: a frame header with a timestamp" "$frame" \
	'^kcg top  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  '
t_match "top --batch --count 1: lists the busy group" "$frame" '^t20/busy +[0-9]'
t_eq "top --batch has no escapes" "$(printf '%s' "$frame" | grep -c $'\033')" 0
# Totals are hierarchical: t20 holds t20/busy, so compare leaves only.
t_eq "top --batch sorts by CPU: the busy group before its siblings" \
	"$(kcg -j top --batch --count 1 | jq -r '[.[] | select(.name | startswith("t20/"))][0].name')" t20/busy

# Permission: a stranger sees none of it.
stranger=$(setpriv --reuid=2000 --regid=2000 --clear-groups --inh-caps=-all --bounding-set=-all \
	kcg -j stats 2>&1)
t_eq "a stranger's stats show no t20 group" \
	"$(jq '[.[] | select(.name | startswith("t20"))] | length' <<< "$stranger" 2>&1)" 0
tap_done
