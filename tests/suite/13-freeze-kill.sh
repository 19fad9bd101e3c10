#!/bin/bash
# Freeze, thaw and kill through the CLI, on groups with real running tasks:
# the cgroup's own cgroup.events, the tasks' progress and their exit status
# are the evidence, not only kcg's replies.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t13.XXXXXX)
pids=()

cleanup() {
	for g in t13/p/c1 t13/p/c2 t13/p t13/f t13/x t13; do
		kcg delete --force "$g" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in t13/p/c1 t13/p/c2 t13/p t13/f t13/x t13; do
	kcg delete --force "$g" 2>/dev/null
done

# events NAME KEY: the value of KEY in the group's cgroup.events.
events() { awk -v k="$2" '$1 == k { print $2 }' "$CG/kcg/$1/cgroup.events" 2>/dev/null; }
events_is() { [ "$(events "$1" "$2")" = "$3" ]; }
# A process that has exited (gone, or a zombie not yet reaped).
gone() { ! [ -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
all_gone() { local p; for p in "$@"; do gone "$p" || return 1; done; }
state_has() { kcg_field "$1" '.state | join(",")' | grep -qw "$2"; }
state_lacks() { ! kcg_field "$1" '.state | join(",")' | grep -qw "$2"; }
file_changes() {	# file_changes FILE: its content changes within 5 s
	local before
	before=$(cat "$1" 2>/dev/null)
	wait_until 5 eval "[ \"\$(cat '$1' 2>/dev/null)\" != '$before' ]"
}
nprocs() { wc -l < "$CG/kcg/$1/cgroup.procs"; }

t_run "setup: a group" kcg create t13
t_run "setup: a leaf group" kcg create t13/x

# A ticker: proves by its output file whether it runs.
bash -c 'i=0; while :; do i=$((i+1)); echo $i > "$1"; sleep 0.1; done' ticker "$tmp/tick" &
ticker=$!
pids+=("$ticker")
sleep 1000 &
sleeper=$!
pids+=("$sleeper")
t_run "attach a ticker and a sleep" kcg attach t13/x "$ticker" "$sleeper"
t_eq "the ticker is in the cgroup" "$(cat /proc/$ticker/cgroup)" "0::/kcg/t13/x"
wait_until 10 events_is t13/x populated 1
t_eq "cgroup.events says populated" "$(events t13/x populated)" 1
t_match "show says populated" "$(kcg_field t13/x '.state | join(",")')" populated
if file_changes "$tmp/tick"; then ok "the ticker runs before the freeze"; else
	not_ok "the ticker runs before the freeze" "$tmp/tick stayed '$(cat "$tmp/tick")'"; fi

t_run "freeze the group" kcg freeze t13/x
wait_until 10 events_is t13/x frozen 1
t_eq "cgroup.events says frozen 1" "$(events t13/x frozen)" 1
t_eq "cgroup.freeze is 1" "$(cat $CG/kcg/t13/x/cgroup.freeze)" 1
wait_until 10 state_has t13/x frozen
t_match "show state contains frozen" "$(kcg_field t13/x '.state | join(",")')" '(^|,)frozen(,|$)'
t_match "list shows the group frozen" "$(kcg list | grep '^t13/x ')" 'state [a-z,]*frozen'
sleep 0.5	# let a last write land that began before the freeze settled
if file_changes "$tmp/tick"; then
	not_ok "the frozen ticker makes no progress" "$tmp/tick changed to '$(cat "$tmp/tick")'"
else ok "the frozen ticker makes no progress"; fi
t_eq "frozen tasks are still alive" "$(gone $ticker || gone $sleeper || echo alive)" alive

t_run "thaw the group" kcg thaw t13/x
wait_until 10 events_is t13/x frozen 0
t_eq "cgroup.events says frozen 0" "$(events t13/x frozen)" 0
t_eq "cgroup.freeze is 0" "$(cat $CG/kcg/t13/x/cgroup.freeze)" 0
wait_until 10 state_lacks t13/x frozen
t_eq "show state no longer has frozen" "$(kcg_field t13/x '.state | index("frozen")')" null
if file_changes "$tmp/tick"; then ok "the thawed ticker runs again"; else
	not_ok "the thawed ticker runs again" "$tmp/tick stayed '$(cat "$tmp/tick")'"; fi

t_run "kill the group (SIGKILL through cgroup.kill)" kcg kill t13/x
if wait_until 10 events_is t13/x populated 0; then ok "cgroup.events says populated 0"; else
	not_ok "cgroup.events says populated 0" "$(cat $CG/kcg/t13/x/cgroup.events)"; fi
t_eq "cgroup.procs is empty" "$(nprocs t13/x)" 0
wait_until 10 all_gone "$ticker" "$sleeper"
t_eq "the processes are gone" "$(all_gone "$ticker" "$sleeper" && echo gone)" gone
wait "$ticker" 2>/dev/null
t_eq "the ticker died of SIGKILL" $? 137
wait "$sleeper" 2>/dev/null
t_eq "the sleep died of SIGKILL" $? 137
t_eq "show no longer says populated" "$(kcg_field t13/x '.state | index("populated")')" null
t_eq "the killed group still exists" "$(test -d $CG/kcg/t13/x && echo yes)" yes

# kill --signal TERM: a handler runs, so the signal really was TERM.
rm -f "$tmp/marker"
rm -f "$tmp/ready"
bash -c 'trap "echo got-term > \"$1\"; exit 3" TERM; : > "$2"; while :; do sleep 0.1; done' \
	termer "$tmp/marker" "$tmp/ready" &
termer=$!
pids+=("$termer")
wait_until 20 test -e "$tmp/ready"	# the trap is set
t_run "attach a TERM-trapping bash" kcg attach t13/x "$termer"
t_run "kill --signal TERM" kcg kill t13/x --signal TERM
wait_until 10 test -s "$tmp/marker"
t_eq "the TERM handler ran" "$(cat "$tmp/marker" 2>/dev/null)" got-term
wait_until 10 gone "$termer"
wait "$termer" 2>/dev/null
t_eq "the handler's exit status, not a signal death" $? 3
wait_until 10 events_is t13/x populated 0
t_eq "the group emptied after TERM" "$(events t13/x populated)" 0
sleep 1000 &
s=$!
pids+=("$s")
kcg attach t13/x "$s"
t_run "kill --signal 15 (numeric)" kcg kill t13/x --signal 15
wait_until 10 gone "$s"
wait "$s" 2>/dev/null
t_eq "the sleep died of SIGTERM" $? 143
t_err "kill with a bad signal name is a usage error" 2 "signal" kcg kill t13/x --signal NOPE
t_err "kill with signal 65 is a usage error" 2 "signal" kcg kill t13/x --signal 65

# Nested: freeze and kill reach the groups below.
t_run "setup: nested groups t13/p/c1, t13/p/c2" \
	eval "kcg create t13/p && kcg create t13/p/c1 && kcg create t13/p/c2"
sleep 1000 &
s1=$!
sleep 1000 &
s2=$!
pids+=("$s1" "$s2")
t_run "attach a task into each child" eval "kcg attach t13/p/c1 $s1 && kcg attach t13/p/c2 $s2"
t_run "freeze the parent" kcg freeze t13/p
wait_until 10 events_is t13/p/c2 frozen 1
t_eq "the parent is frozen" "$(events t13/p frozen)" 1
t_eq "child c1 is frozen" "$(events t13/p/c1 frozen)" 1
t_eq "child c2 is frozen" "$(events t13/p/c2 frozen)" 1
wait_until 10 state_has t13/p/c1 frozen
t_match "show of a child says frozen" "$(kcg_field t13/p/c1 '.state | join(",")')" '(^|,)frozen(,|$)'
t_run "thaw the parent" kcg thaw t13/p
wait_until 10 events_is t13/p/c2 frozen 0
t_eq "child c1 is thawed" "$(events t13/p/c1 frozen)" 0
t_eq "child c2 is thawed" "$(events t13/p/c2 frozen)" 0
t_run "kill --signal TERM on the parent" kcg kill t13/p --signal TERM
wait_until 10 all_gone "$s1" "$s2"
wait "$s1" 2>/dev/null
t_eq "the task in c1 died of SIGTERM" $? 143
wait "$s2" 2>/dev/null
t_eq "the task in c2 died of SIGTERM" $? 143
sleep 1000 &
s1=$!
sleep 1000 &
s2=$!
pids+=("$s1" "$s2")
kcg attach t13/p/c1 "$s1"
kcg attach t13/p/c2 "$s2"
wait_until 10 events_is t13/p populated 1
t_run "kill the parent (SIGKILL)" kcg kill t13/p
if wait_until 10 events_is t13/p populated 0; then ok "the whole subtree emptied"; else
	not_ok "the whole subtree emptied" "$(cat $CG/kcg/t13/p/cgroup.events)"; fi
t_eq "both children are unpopulated" "$(events t13/p/c1 populated)$(events t13/p/c2 populated)" 00
wait "$s1" 2>/dev/null
t_eq "the task in c1 died of SIGKILL" $? 137
wait "$s2" 2>/dev/null
t_eq "the task in c2 died of SIGKILL" $? 137

# delete --force on a group whose tasks keep forking. The tree is released
# only once its root is inside, so every process it makes is in the group.
t_run "setup: a group for a forking tree" kcg create t13/f
mkfifo "$tmp/gate"
bash -c 'read -r _ < "$1"
	for i in 1 2 3; do (while :; do sleep 0.05 & wait; done) & done
	while :; do sleep 0.05; done' forker "$tmp/gate" &
forker=$!
pids+=("$forker")
t_run "attach the tree's root" kcg attach t13/f "$forker"
echo go > "$tmp/gate"
if wait_until 10 eval "[ \$(nprocs t13/f) -ge 4 ]"; then ok "the tree forked inside the group"; else
	not_ok "the tree forked inside the group" "cgroup.procs: $(cat $CG/kcg/t13/f/cgroup.procs | tr '\n' ' ')"; fi
tree=$(cat $CG/kcg/t13/f/cgroup.procs)
t_err "delete without --force is EBUSY" 1 "group has tasks" kcg delete t13/f
t_run "delete --force" kcg delete --force t13/f
t_eq "the forced group's cgroup is gone" "$(test -e $CG/kcg/t13/f || echo gone)" gone
t_eq "the group is no longer listed" "$(kcg -j list | jq -r '.[].name' | grep -c '^t13/f$')" 0
# shellcheck disable=SC2086
wait_until 10 all_gone $tree
# shellcheck disable=SC2086
t_eq "every process of the tree is gone" "$(all_gone $tree && echo gone)" gone
wait "$forker" 2>/dev/null
t_eq "the tree's root died of SIGKILL" $? 137

cleanup
trap - EXIT
t_eq "all t13 cgroups are gone" "$(test -e $CG/kcg/t13 || echo gone)" gone
tap_done
