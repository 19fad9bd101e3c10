#!/bin/bash
# Events under pressure, and who gets them:
# - a fork/exit storm in an owned group with 100 subscribed sockets that
#   never read: the module's memory stays bounded, root's requests stay
#   quick, and a reader that reads only afterwards counts every event it
#   missed from the seq gaps;
# - a real-time storm starves the sending worker: the owner's burst beyond
#   its share of the event ring is lost (and counted), while another owner
#   loses none of its own events;
# - a subscription belongs to its socket: a socket that takes a closed
#   subscriber's portid gets nothing; subscribing twice is one subscription;
# - pids are those of the subscriber's pid namespace.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t27.XXXXXX)
lib=$(cd "$(dirname "$0")/../lib" && pwd)
kcgnl=$lib/kcgnl.py
pids=()
groups=(t27a/s t27a/begin t27a/end t27a/m t27a/b2 t27a/e2 t27a t27b/s t27b/m t27b t27r t27n/s
	t27n/m t27n)

cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done

# window FILE BEGIN END: what a listener got between two created markers,
# as {received, lost, names: the groups of what it received}.
window() {
	jq -s -c --arg b "$2" --arg e "$3" '
	(map(.type == "created" and .name == $b) | index(true)) as $i |
	(map(.type == "created" and .name == $e) | index(true)) as $j |
	.[$i + 1:$j] as $w |
	{received: ($w | map(select(.type != "lost")) | length),
	 lost: ($w | map(select(.type == "lost") | .count) | add // 0),
	 names: ($w | map(select(.type != "lost") | .name) | unique)}' "$1" 2>&1
}
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

storm=$tmp/storm
t_run "build the storm helper" cc -O2 -Wall -o "$storm" "$lib/storm.c"

# Tasks run in leaves (s); markers are their siblings.
kcg create t27a --owner 2000 >/dev/null
kcg create t27a/s >/dev/null
kcg create t27b --owner 2001 >/dev/null
kcg create t27b/s >/dev/null

# 100 sockets of the owner subscribe and never read.
as_job 2000 python3 "$kcgnl" subscribe-hold 100 > "$tmp/hold.out" 2>&1 &
pids+=($!)
t_run "the owner holds 100 subscriptions it never reads" \
	wait_until 120 grep -q subscribed "$tmp/hold.out"

# The owner's monitor, stopped through the storm: it reads only afterwards.
L=$tmp/late.json
as_job 2000 kcg -j monitor > "$L" 2> "$tmp/late.err" &
late=$!
pids+=("$late")
for i in $(seq 30); do
	as 2000 kcg create t27a/m >/dev/null
	wait_until 2 ev_has "$L" '.type == "created" and .name == "t27a/m"' && break
	as 2000 kcg delete t27a/m >/dev/null
done
as 2000 kcg delete t27a/m >/dev/null
as 2000 kcg create t27a/begin >/dev/null
wait_until 10 ev_has "$L" '.type == "created" and .name == "t27a/begin"'
t_run "the late reader is subscribed" ev_has "$L" '.type == "created" and .name == "t27a/begin"'
kill -STOP "$late"

# Root dumps the groups every 0.2 s, from one process, calm then in the storm.
python3 "$kcgnl" dump-times "$tmp/calm.stop" > "$tmp/calm" &
pids+=($!)
sleep 4
touch "$tmp/calm.stop"
wait $!
python3 "$kcgnl" dump-times "$tmp/storm.stop" > "$tmp/dumps" &
dumper=$!
pids+=("$dumper")
slab0=$(slab_kb)
S=${KCG_T27_STORM:-4000}
kcg run t27a/s -- "$storm" -n "$S" -t 90 > "$tmp/n1" &
stormpid=$!
pids+=("$stormpid")
: > "$tmp/slab"
while kill -0 "$stormpid" 2>/dev/null; do
	sleep 1
	slab_kb >> "$tmp/slab"
done
wait "$stormpid"
touch "$tmp/storm.stop"
wait "$dumper"
n1=$(cat "$tmp/n1")
kill -CONT "$late"
as 2000 kcg create t27a/end >/dev/null
wait_until 60 ev_has "$L" '.type == "created" and .name == "t27a/end"'

echo "# storm: $n1 failing exits"
echo "# Slab (kB) before: $slab0, during: $(tr '\n' ' ' < "$tmp/slab")"
echo "# root's dumps (slowest, median ms; count): calm $(cat "$tmp/calm"), storm $(cat "$tmp/dumps")"
t_match "the storm ran" "$n1" '^[1-9][0-9]+$'
grown=$(( $(sort -n "$tmp/slab" | tail -n 1) - slab0 ))
# Each never-read socket holds at most its receive buffer (rmem_default;
# twice rmem_max for the monitor's, which asks for more) and one message
# more; past that the module keeps nothing for it.
rmem=$(cat /proc/sys/net/core/rmem_default)
rmax=$(cat /proc/sys/net/core/rmem_max)
bound=$(( (100 * (rmem + 8192) + 2 * rmax + 8192) / 1024 + 8192 ))
t_eq "Slab grew by at most the sockets' buffers + 8 MiB (grew $grown kB, bound $bound kB)" \
	"$((grown <= bound))" 1
half=$(($(wc -l < "$tmp/slab") / 2))
late_growth=$(( $(tail -n 1 "$tmp/slab") - $(sed -n "${half}p" "$tmp/slab") ))
t_eq "Slab stopped growing once the sockets were full (last half: $late_growth kB)" \
	"$((late_growth <= 4096))" 1
read -r slowest median _ < "$tmp/dumps"
t_eq "root's group dumps stayed quick in the storm (slowest $slowest ms, median $median ms)" \
	"$((slowest < 1000 && median < 250))" 1

w=$(window "$L" t27a/begin t27a/end)
echo "# late reader: $w"
# The group and its parent each became populated, then empty.
t_eq "late reader: received + lost == the storm's exits + populated + empty" \
	"$(jq '.received + .lost' <<< "$w")" $((n1 + 4))
t_eq "late reader: its loss shows as seq gaps" "$(jq '.lost > 0' <<< "$w")" true
t_eq "late reader: what it received is the storm's group" "$(jq -c .names <<< "$w")" \
	'["t27a","t27a/s"]'
# Nothing queues in the module for a reader that does not read: afterwards
# it gets what its socket buffer held (2 * rmem_max, messages of at least
# 512 bytes of truesize) and at most a ring (1024 records) more.
most=$((2 * rmax / 512 + 1024))
t_eq "late reader: got no more than its buffer and the ring hold ($(jq .received <<< "$w") <= $most)" \
	"$(jq ".received <= $most" <<< "$w")" true
t_eq "late reader: no errors" "$(cat "$tmp/late.err")" ""
kill "$late"

# A subscription is its socket's: close one while another socket grabs its
# portid at once, with events flowing. 100 unread subscriptions keep the
# sender busy, as before.
kcg run t27a/s -- "$storm" -t 600 > /dev/null &
bg=$!
pids+=("$bg")
t_eq "a socket that takes a closed subscriber's portid gets nothing" \
	"$(python3 "$kcgnl" portid-reuse 20 2>&1)" 0
kill "$bg"
wait "$bg" 2>/dev/null
t_eq "subscribing twice on one socket is one subscription" \
	"$(python3 "$kcgnl" subscribe-twice t27r 2>&1)" 2

# A real-time storm on both CPUs starves the sending worker (a kworker):
# the ring fills. Owner 2000's exits may take a quarter of it, the rest is
# lost and counted; owner 2001's paced exits, at a higher priority, all get
# a record and reach its reader.
R=$tmp/root.json B=$tmp/b.json
kcg -j monitor > "$R" 2> "$tmp/root.err" &
pids+=($!)
as_job 2001 kcg -j monitor > "$B" 2> "$tmp/b.err" &
pids+=($!)
for i in $(seq 30); do
	kcg create t27a/m >/dev/null
	as 2001 kcg create t27b/m >/dev/null
	wait_until 2 eval "ev_has '$R' '.name == \"t27a/m\"' && ev_has '$B' '.name == \"t27b/m\"'" && break
	kcg delete t27a/m >/dev/null
	as 2001 kcg delete t27b/m >/dev/null
done
kcg create t27a/b2 >/dev/null
wait_until 10 ev_has "$R" '.type == "created" and .name == "t27a/b2"'
t_run "root's and the other owner's monitors are subscribed" \
	eval "ev_has '$R' '.name == \"t27a/b2\"' && ev_has '$B' '.name == \"t27b/m\"'"
kcg run t27a/s -- chrt -f 10 taskset -c 0 "$storm" -t 3 > "$tmp/n2a" &
s1=$!
kcg run t27a/s -- chrt -f 10 taskset -c 1 "$storm" -t 3 > "$tmp/n2b" &
s2=$!
kcg run t27b/s -- chrt -f 20 "$storm" -n 20 -i 100 -c 3 > "$tmp/n2c" &
s3=$!
pids+=("$s1" "$s2" "$s3")
wait "$s1" "$s2" "$s3"
n2=$(($(cat "$tmp/n2a") + $(cat "$tmp/n2b")))
kcg create t27a/e2 >/dev/null
wait_until 60 ev_has "$R" '.type == "created" and .name == "t27a/e2"'
wait_until 30 eval "[ \"\$(ev_count '$B' '.type == \"task-exit\" and .name == \"t27b/s\"')\" -ge 20 ]"
w=$(window "$R" t27a/b2 t27a/e2)
echo "# real-time storm: $n2 exits of t27a, $(cat "$tmp/n2c") of t27b; root's monitor: $w"
t_eq "the other owner's paced storm ran" "$(cat "$tmp/n2c")" 20
t_eq "root: received + lost == every event of both storms (+ populated, empty of 4 groups)" \
	"$(jq '.received + .lost' <<< "$w")" $((n2 + 20 + 8))
t_eq "root: the burst beyond the owner's share was lost, and counted" \
	"$(jq '.lost > 0' <<< "$w")" true
t_eq "the other owner lost none of its own events" \
	"$(ev_count "$B" '.type == "task-exit" and .name == "t27b/s" and .exit_code == 3')" 20
t_eq "the monitors wrote no errors" "$(cat "$tmp/root.err" "$tmp/b.err")" ""

# Pids as the subscriber's pid namespace numbers them: a monitor in a new
# pid namespace sees its own pid for a task started there, and no pid for a
# task it cannot see; root's monitor sees host pids.
kcg create t27n >/dev/null
kcg create t27n/s >/dev/null
H=$tmp/host.json N=$tmp/ns.json
kcg -j monitor t27n > "$H" 2> "$tmp/host.err" &
pids+=($!)
unshare --kill-child -p -f --mount-proc sh -c '
	kcg -j monitor t27n > "$1" 2> "$1.err" &
	until [ -e "$2" ]; do sleep 0.1; done
	kcg run t27n/s -- sh -c "echo \$\$ > $3; exec sleep 1001"
	sleep 1000' sh "$N" "$tmp/go" "$tmp/inner.pid" &
pids+=($!)
for i in $(seq 30); do
	kcg create t27n/m >/dev/null
	wait_until 2 eval "ev_has '$H' '.name == \"t27n/m\"' && ev_has '$N' '.name == \"t27n/m\"'" && break
	kcg delete t27n/m >/dev/null
done
t_run "the monitors in and out of the pid namespace are subscribed" \
	eval "ev_has '$H' '.name == \"t27n/m\"' && ev_has '$N' '.name == \"t27n/m\"'"
touch "$tmp/go"
wait_until 20 test -s "$tmp/inner.pid"
inner=$(cat "$tmp/inner.pid")
hostpid=$(pgrep -f '^sleep 1001$')
kill -TERM "$hostpid"
kcg run t27n/s -- sh -c 'echo $$ > "$1"; exit 4' sh "$tmp/outer.pid"
outer=$(cat "$tmp/outer.pid")
wait_until 20 eval "[ \"\$(ev_count '$H' '.type == \"task-exit\"')\" -ge 2 ] &&
	[ \"\$(ev_count '$N' '.type == \"task-exit\"')\" -ge 2 ]"
echo "# inner task: $inner in its namespace, $hostpid on the host; outer task: $outer"
t_eq "the task in the namespace has another pid on the host" "$((inner != hostpid))" 1
t_eq "in the namespace: the pid the task has there" \
	"$(ev_field "$N" '.type == "task-exit" and .signal == 15' pid)" "$inner"
t_eq "on the host: the host pid" "$(ev_field "$H" '.type == "task-exit" and .signal == 15' pid)" \
	"$hostpid"
t_eq "in the namespace: no pid for a task outside it" \
	"$(ev_field "$N" '.type == "task-exit" and .exit_code == 4' pid)" none
t_eq "on the host: its pid" "$(ev_field "$H" '.type == "task-exit" and .exit_code == 4' pid)" "$outer"
t_eq "in the namespace: still the comm" \
	"$(ev_field "$N" '.type == "task-exit" and .exit_code == 4' comm)" sh
t_eq "no errors in or out of the namespace" "$(cat "$tmp/host.err" "$N.err")" ""

cleanup
trap - EXIT
tap_done
