#!/bin/bash
# Events through `kcg monitor`: each kind of event is caused for real (a
# memory hog, a fork loop, freeze, signals, exit codes) and must show up
# with the right group, id, pid and fields; owners get their own groups'
# events and nothing else; and a flood of events is either received or
# counted as lost, never miscounted.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t21.XXXXXX)
A=$tmp/a.json	# kcg -j monitor t21: the subtree filter
B=$tmp/b.json	# kcg -j monitor: everything, for the filter check and the flood
T=$tmp/t.txt	# kcg monitor t21: the text form
pids=()
groups=(t21/a t21/mem t21/pids t21/fz t21/ex t21/s t21/mc t21 t21x t21f/begin t21f/end t21f
	t21o/w t21o/ready t21o t21p/w t21p/ready t21p)

cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done


kcg -j monitor t21 > "$A" 2> "$tmp/a.err" &
pids+=($!)
kcg -j monitor > "$B" 2> "$tmp/b.err" &
pids+=($!)
kcg monitor t21 > "$T" 2> "$tmp/t.err" &
pids+=($!)

# Ready when all three saw the marker group t21 created; an attempt made
# before a monitor joined is simply lost to it, so delete and try again.
ready=no
for i in $(seq 30); do
	kcg create t21 >/dev/null
	if wait_until 2 eval "ev_has '$A' '.type == \"created\" and .name == \"t21\"' &&
	   ev_has '$B' '.type == \"created\" and .name == \"t21\"' &&
	   grep -q ' created t21 ' '$T'"; then
		ready=yes
		break
	fi
	kcg delete t21 >/dev/null
done
t_eq "the monitors are ready (saw the marker group created)" "$ready" yes

# created, set, destroyed: name and the group's own id.
kcg create t21/a >/dev/null
id=$(kcg_field t21/a .id)
kcg set t21/a --memory-max 64M >/dev/null
kcg delete t21/a >/dev/null
wait_until 10 ev_has "$A" '.type == "destroyed" and .name == "t21/a"'
t_eq "created t21/a carries its id" "$(ev_field "$A" '.type == "created" and .name == "t21/a"' id)" "$id"
t_eq "set t21/a carries its id" "$(ev_field "$A" '.type == "set" and .name == "t21/a"' id)" "$id"
t_eq "destroyed t21/a carries its id" \
	"$(ev_field "$A" '.type == "destroyed" and .name == "t21/a"' id)" "$id"
t_eq "created, set, destroyed come in that order (by seq)" \
	"$(jq -s -r '[.[] | select(.name == "t21/a") | .type] | join(",")' "$A")" created,set,destroyed
t_match "every event has a timestamp and a seq" \
	"$(jq -s -r '[.[] | select(.name == "t21/a") | (.timestamp_ns > 0 and .seq > 0)] | unique | join(",")' "$A")" \
	'^true$'
t_match "the text form: one line per event" "$(grep ' set t21/a ' "$T")" \
	"^[0-9]+\.[0-9]{6} seq [0-9]+ set t21/a id $id\$"

# The filter: t21x is not below t21, so only the unfiltered monitor has it.
kcg create t21x >/dev/null
kcg delete t21x >/dev/null
wait_until 10 ev_has "$B" '.type == "destroyed" and .name == "t21x"'
t_eq "the unfiltered monitor has t21x's events" "$(ev_count "$B" '.name == "t21x"')" 2
t_eq "the monitor of t21 does not (prefix without '/')" "$(ev_count "$A" '.name == "t21x"')" 0

# A memory hog under memory.max 16M: OOM-killed, with its pid and comm.
kcg create t21/mem --memory-max 16M >/dev/null
kcg run t21/mem -- python3 -c '
import os, sys
open(sys.argv[1], "w").write(str(os.getpid()))
x = b"a" * (256 << 20)' "$tmp/hog.pid" > /dev/null 2>&1
t_eq "the hog died of SIGKILL" $? 137
hog=$(cat "$tmp/hog.pid" 2>/dev/null)
wait_until 10 ev_has "$A" '.type == "oom-kill" and .name == "t21/mem"'
t_eq "oom-kill names the hog's pid" \
	"$(ev_field "$A" '.type == "oom-kill" and .name == "t21/mem"' pid)" "${hog:-nopid}"
t_eq "oom-kill names its comm" "$(ev_field "$A" '.type == "oom-kill" and .name == "t21/mem"' comm)" python3
# Sampled every 100 ms: they come later than the kill.
wait_until 5 ev_has "$A" '.type == "oom" and .name == "t21/mem"'
t_match "memory-max, sampled, with a count" \
	"$(ev_field "$A" '.type == "memory-max" and .name == "t21/mem"' count)" '^[1-9][0-9]*$'
t_match "oom, sampled, with a count" \
	"$(ev_field "$A" '.type == "oom" and .name == "t21/mem"' count)" '^[1-9][0-9]*$'
t_eq "the killed hog's task-exit says signal 9" \
	"$(ev_field "$A" '.type == "task-exit" and .name == "t21/mem"' signal)" 9

# A fork loop under pids.max: refused forks are sampled as pids-max.
kcg create t21/pids --pids-max 5 >/dev/null
kcg run t21/pids -- python3 -c '
import os, time
try:
    for _ in range(50):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
except BlockingIOError:
    pass' > /dev/null 2>&1
wait_until 5 ev_has "$A" '.type == "pids-max" and .name == "t21/pids"'
t_match "pids-max with a count" "$(ev_field "$A" '.type == "pids-max" and .name == "t21/pids"' count)" \
	'^[1-9][0-9]*$'
kcg kill t21/pids

# populated, frozen, thawed, then kill -9 of the last task: task-exit, empty.
kcg create t21/fz >/dev/null
sleep 1000 &
sl=$!
pids+=("$sl")
kcg attach t21/fz "$sl"
wait_until 10 ev_has "$A" '.type == "populated" and .name == "t21/fz"'
t_eq "the first task gives populated" "$(ev_count "$A" '.type == "populated" and .name == "t21/fz"')" 1
kcg freeze t21/fz
wait_until 10 ev_has "$A" '.type == "frozen" and .name == "t21/fz"'
t_eq "freeze gives frozen" "$(ev_count "$A" '.type == "frozen" and .name == "t21/fz"')" 1
kcg thaw t21/fz
wait_until 10 ev_has "$A" '.type == "thawed" and .name == "t21/fz"'
t_eq "thaw gives thawed" "$(ev_count "$A" '.type == "thawed" and .name == "t21/fz"')" 1
kill -9 "$sl"
wait "$sl" 2>/dev/null
wait_until 10 ev_has "$A" '.type == "empty" and .name == "t21/fz"'
t_eq "kill -9 gives task-exit with signal 9 and the pid" \
	"$(ev_field "$A" '.type == "task-exit" and .name == "t21/fz"' signal)/$(ev_field "$A" \
	'.type == "task-exit" and .name == "t21/fz"' pid)" "9/$sl"
t_eq "task-exit of the sleep has its comm" \
	"$(ev_field "$A" '.type == "task-exit" and .name == "t21/fz"' comm)" sleep
t_eq "killed, not exited: no exit_code" \
	"$(ev_field "$A" '.type == "task-exit" and .name == "t21/fz"' exit_code)" none
t_eq "the last task leaving gives empty" "$(ev_count "$A" '.type == "empty" and .name == "t21/fz"')" 1
t_eq "in order: created, populated, frozen, thawed, task-exit, empty" \
	"$(jq -s -r '[.[] | select(.name == "t21/fz") | .type] | join(",")' "$A")" \
	created,populated,frozen,thawed,task-exit,empty

# exit 3: task-exit with exit_code 3 and no signal.
kcg create t21/ex >/dev/null
kcg run t21/ex -- sh -c 'echo $$ > "$1"; exit 3' sh "$tmp/ex.pid"
t_eq "the command exited 3" $? 3
wait_until 10 ev_has "$A" '.type == "task-exit" and .name == "t21/ex"'
t_eq "task-exit says exit_code 3 and the pid" \
	"$(ev_field "$A" '.type == "task-exit" and .name == "t21/ex"' exit_code)/$(ev_field "$A" \
	'.type == "task-exit" and .name == "t21/ex"' pid)" "3/$(cat "$tmp/ex.pid")"
t_eq "an exit status is no signal" "$(ev_field "$A" '.type == "task-exit" and .name == "t21/ex"' signal)" none
t_eq "exit 0 gives no task-exit" "$(kcg run t21/ex -- true; sleep 1; ev_count "$A" \
	'.type == "task-exit" and .name == "t21/ex"')" 1

# Who gets what. Monitors of unprivileged users are subscriptions the
# module filters: owner 2000 of t21o and owner 2001 of t21p each get their
# own subtree's events and nothing else, also from a user and network
# namespace of their own (where 2001 holds CAP_SYS_ADMIN, which counts for
# nothing outside it).
O=$tmp/owner.json P=$tmp/other.json NS=$tmp/netns.json
kcg create t21o --owner 2000 >/dev/null
kcg create t21p --owner 2001 >/dev/null
as_job 2000 kcg -j monitor > "$O" 2> "$tmp/o.err" &
pids+=($!)
as_job 2001 kcg -j monitor > "$P" 2> "$tmp/p.err" &
pids+=($!)
as_job 2001 unshare -Urn kcg -j monitor > "$NS" 2> "$tmp/ns.err" &
pids+=($!)
ready=no
for i in $(seq 30); do
	as 2000 kcg create t21o/ready >/dev/null
	as 2001 kcg create t21p/ready >/dev/null
	if wait_until 2 eval "ev_has '$O' '.name == \"t21o/ready\"' &&
	   ev_has '$P' '.name == \"t21p/ready\"' && ev_has '$NS' '.name == \"t21p/ready\"'"; then
		ready=yes
		break
	fi
	as 2000 kcg delete t21o/ready >/dev/null
	as 2001 kcg delete t21p/ready >/dev/null
done
t_eq "the owners' monitors are ready" "$ready" yes
for i in 1 2 3; do
	as 2000 kcg create t21o/w >/dev/null
	as 2000 kcg delete t21o/w >/dev/null
	as 2001 kcg create t21p/w >/dev/null
	as 2001 kcg delete t21p/w >/dev/null
	kcg create t21/s >/dev/null
	kcg delete t21/s >/dev/null
done
wait_until 10 ev_has "$A" '.type == "destroyed" and .name == "t21/s"'
wait_until 10 eval "[ \"\$(ev_count '$O' '.name == \"t21o/w\"')\" = 6 ]"
wait_until 10 eval "[ \"\$(ev_count '$NS' '.name == \"t21p/w\"')\" = 6 ]"
t_eq "root's monitor saw root's group" "$(ev_count "$A" '.name == "t21/s"')" 6
t_eq "the owner got its group's events" "$(ev_count "$O" '.name == "t21o/w"')" 6
t_eq "the owner got nothing outside its subtree" \
	"$(ev_count "$O" '(.name == "t21o" or (.name | startswith("t21o/"))) | not')" 0
t_eq "the other owner got its own group's events" "$(ev_count "$P" '.name == "t21p/w"')" 6
t_eq "the other owner got nothing outside its subtree" \
	"$(ev_count "$P" '(.name == "t21p" or (.name | startswith("t21p/"))) | not')" 0
t_eq "in its own user+net namespace: its own group's events" \
	"$(ev_count "$NS" '.name == "t21p/w"')" 6
t_eq "in its own user+net namespace: nothing else" \
	"$(ev_count "$NS" '(.name == "t21p" or (.name | startswith("t21p/"))) | not')" 0
t_eq "an owner's seqs number its own events: 1, 2, 3 ... without gaps" \
	"$(jq -s '[.[].seq] == [range(1; length + 1)]' "$O")" true
t_eq "the owners' monitors wrote no errors" "$(cat "$tmp/o.err" "$tmp/p.err" "$tmp/ns.err")" ""
as 2000 kcg delete t21o/ready >/dev/null
as 2001 kcg delete t21p/ready >/dev/null

# The multicast group, for admins over raw netlink: root's listener gets
# every event; a stranger may not join.
kcgnl=$(dirname "$0")/../lib/kcgnl.py
python3 "$kcgnl" listen 10 > "$tmp/mc.json" 2>&1 &
mc=$!
wait_until 60 grep -q listening "$tmp/mc.json"
kcg create t21/mc >/dev/null
kcg delete t21/mc >/dev/null
wait "$mc"
t_eq "root's multicast listener got created and destroyed" \
	"$(grep -c '"group-name": "t21/mc"' "$tmp/mc.json")" 2
t_eq "a stranger cannot join the multicast group" \
	"$(as 2001 python3 "$kcgnl" listen 1 2>&1)" "error 1: joining the events group"

# 128 subscriptions per user; the 129th is EMFILE with a message, and
# closing sockets ends their subscriptions (a new one is taken again).
t_eq "a user's 129th subscription is refused, a new one taken after closing" \
	"$(as 2002 python3 "$kcgnl" subscribe-many 129 2>&1)" \
	"128 ok, then error 24: too many event subscriptions for this user; after closing: ok"

# The flood: create+delete pairs over raw netlink between two marker groups.
# Every event between the markers is one the churn caused, so the markers'
# seqs tell how many were sent; a listener must have received or counted as
# lost each one. 10,000 pairs (KCG_T21_PAIRS overrides) take 30-40 s under
# TCG.
N=${KCG_T21_PAIRS:-10000}
# A second listener, without CAP_NET_ADMIN so its socket buffer stays at
# rmem_max, is stopped during the churn: it must overflow and then count
# what it lost from the seq gaps.
S=$tmp/small.json
setpriv --inh-caps=-net_admin --bounding-set=-net_admin kcg -j monitor t21f > "$S" 2> "$tmp/s2.err" &
smallpid=$!
pids+=("$smallpid")
sleep 2	# it joins; the begin marker below proves it did
kcg create t21f >/dev/null
kcg create t21f/begin >/dev/null
wait_until 10 ev_has "$S" '.type == "created" and .name == "t21f/begin"'
kill -STOP "$smallpid"
start=$SECONDS
python3 "$kcgnl" churn t21f 1 "$N"
t_eq "the churn ran" $? 0
echo "# churn of $N pairs took $((SECONDS - start)) s"
kill -CONT "$smallpid"
sleep 2	# the stopped listener drains what its buffer kept
kcg create t21f/end >/dev/null
wait_until 60 ev_has "$B" '.type == "created" and .name == "t21f/end"'
wait_until 60 ev_has "$S" '.type == "created" and .name == "t21f/end"'
# flood FILE: what a listener got between the markers, as JSON.
flood() {
	jq -s -c '
	(map(select(.type == "created" and .name == "t21f/begin"))[0].seq) as $b |
	(map(select(.type == "created" and .name == "t21f/end"))[0].seq) as $e |
	(map(.seq) | index($b)) as $i | (map(.seq) | index($e)) as $j |
	.[$i + 1:$j] as $w |
	{sent: ($e - $b - 1),
	 received: ($w | map(select(.type != "lost")) | length),
	 lost: ($w | map(select(.type == "lost") | .count) | add // 0),
	 churn: ($w | map(select((.type == "created" or .type == "destroyed") and
				  (.name | startswith("t21f/c1-")))) | length)}' "$1" 2>&1
}
big=$(flood "$B")
small=$(flood "$S")
echo "# flood of $N pairs, running listener: $big"
echo "# flood of $N pairs, stopped listener: $small"
t_eq "the module counted exactly the 2N events sent" "$(jq .sent <<< "$big" 2>&1)" $((2 * N))
t_eq "running listener: received + lost == sent (seq gaps)" \
	"$(jq '.received + .lost' <<< "$big" 2>&1)" $((2 * N))
t_eq "running listener: every received event in the window is a churn event" \
	"$(jq .churn <<< "$big" 2>&1)" "$(jq .received <<< "$big" 2>&1)"
t_eq "running listener: at least half were received" "$(jq ".received >= $N" <<< "$big" 2>&1)" true
t_eq "stopped listener: it did lose events" "$(jq '.lost > 0' <<< "$small" 2>&1)" true
t_eq "stopped listener: received + lost == sent" \
	"$(jq '.received + .lost' <<< "$small" 2>&1)" $((2 * N))
t_eq "stopped listener: what it received is churn" \
	"$(jq .churn <<< "$small" 2>&1)" "$(jq .received <<< "$small" 2>&1)"
# A listener can only count a gap as lost if later events never fill it.
t_eq "events arrive in seq order (got: the out-of-order pairs)" \
	"$(jq -s -c '[.[] | select(.seq != null)] as $e |
		[range(1; $e | length) | select($e[.].seq < $e[. - 1].seq) |
		 [$e[. - 1] | .seq, .type, .name] + [$e[.] | .seq, .type, .name]]' "$B")" "[]"
t_eq "over the whole run too: received + lost == last seq - first seq + 1" \
	"$(jq -s '(map(select(.type != "lost")) | length) + (map(select(.type == "lost") | .count) | add // 0)' "$B")" \
	"$(jq -s 'map(.seq | select(. != null)) | .[-1] - .[0] + 1' "$B")"
t_eq "no seq twice" "$(jq -s 'map(.seq | select(. != null)) | (length == (unique | length))' "$B")" true

t_eq "the monitors wrote no errors" "$(cat "$tmp/a.err" "$tmp/b.err" "$tmp/t.err" "$tmp/s2.err")" ""
kill -INT "${pids[0]}"
wait "${pids[0]}"
t_eq "SIGINT ends a monitor with status 0" $? 0

cleanup
trap - EXIT
tap_done
