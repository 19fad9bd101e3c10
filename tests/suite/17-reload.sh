#!/bin/bash
# rmmod leaves the groups, their limits and their processes alone; insmod
# rebuilds the registry from the cgroup tree: names, limits, owners and
# adopted groups come back as they were.
. "$(dirname "$0")/../lib/tap.sh"

cleanup() {
	kill "$sleeper" "$mon_root" "$mon_owner" "$mon_new" 2>/dev/null
	grep -q '^kcg ' /proc/modules || insmod "$KCG_KO"
	kcg delete --force t17/web/api 2>/dev/null
	kcg delete --force t17/web 2>/dev/null
	kcg delete t17 2>/dev/null
	kcg delete pod-t17 2>/dev/null
	rmdir $CG/t17-pod 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cleanup
tmp=$(mktemp -d /tmp/t17.XXXXXX)

t_run "create an owned group with limits" kcg create t17 --owner 1000 --memory-max 300M --pids-max 50
t_run "create nested groups" eval "kcg create t17/web --cpu-max 20% --memory-high 100M &&
	kcg create t17/web/api --cpu-weight 300 --cpu-idle 1 --memory-min 8M --memory-low max \
		--memory-swap-max 16M --cpuset-mems 0 --io-weight 200"
mkdir $CG/t17-pod
t_run "adopt a cgroup" kcg adopt /t17-pod --name pod-t17
kcg freeze t17/web/api
sleep 1000 &
sleeper=$!
t_run "attach a process" kcg attach t17/web/api "$sleeper"

snapshot() {
	kcg -j list | jq -S '[.[] | select(.name | test("^(t17|pod-t17)"))]'
}
before=$(snapshot)
t_eq "four groups before the reload" "$(jq length <<<"$before")" 4

# Monitors of root and of the owner hold event subscriptions over the unload.
has_set() { grep -q '"type":"set","name":"t17/web"' "$1"; }
kcg -j monitor t17 > "$tmp/root.json" &
mon_root=$!
setpriv --reuid=1000 --regid=1000 --clear-groups kcg -j monitor > "$tmp/owner.json" &
mon_owner=$!
for i in $(seq 20); do
	kcg set t17/web --cpu-weight 100
	wait_until 1 eval 'has_set "$tmp/root.json" && has_set "$tmp/owner.json"' && break
done
t_run "root's and the owner's monitors are subscribed" \
	eval 'has_set "$tmp/root.json" && has_set "$tmp/owner.json"'

t_run "rmmod with live groups, a frozen one, a task and two monitors" rmmod kcg
t_eq "the task survives the unload" "$(kill -0 $sleeper 2>/dev/null && echo alive)" alive
t_eq "the task stays in its cgroup" "$(cat /proc/$sleeper/cgroup)" "0::/kcg/t17/web/api"
t_eq "limits stay in the cgroups" "$(cat $CG/kcg/t17/memory.max)" 314572800
t_eq "the frozen group stays frozen" "$(grep frozen $CG/kcg/t17/web/api/cgroup.events)" "frozen 1"
t_err "the CLI says the module is not loaded" 1 "not loaded" kcg list

t_run "insmod rebuilds the registry" insmod "$KCG_KO"
after=$(snapshot)
t_eq "same groups, ids, owners, limits and states after the reload" "$after" "$before"
t_eq "owner came back from the cgroup" "$(kcg_field t17 .owner)" 1000
t_eq "owner inherited by children came back" "$(kcg_field t17/web/api .owner)" 1000
t_match "adopted group came back adopted" "$(kcg -j show pod-t17 | jq -r '.state | join(",")')" adopted
t_run "the reloaded groups can be changed" kcg set t17/web --memory-high 50M
t_eq "and the change reaches the cgroup" "$(cat $CG/kcg/t17/web/memory.high)" 52428800
t_run "thaw after the reload" kcg thaw t17/web/api
t_eq "the old monitors outlived the reload" \
	"$(kill -0 "$mon_root" "$mon_owner" 2>/dev/null && echo alive)" alive
kill "$mon_root" "$mon_owner"
kcg -j monitor t17 > "$tmp/new.json" &
mon_new=$!
for i in $(seq 20); do
	kcg set t17/web --cpu-weight 100
	wait_until 1 has_set "$tmp/new.json" && break
done
t_run "a monitor started after the reload gets events" has_set "$tmp/new.json"
kill "$mon_new"

# Twice more in a row, with the task still running: nothing leaks or hangs.
before=$(snapshot)
t_run "rmmod/insmod cycles with live groups" eval 'rmmod kcg && insmod "$KCG_KO" && rmmod kcg && insmod "$KCG_KO"'
t_eq "still the same after two more cycles" "$(snapshot)" "$before"
tap_done
