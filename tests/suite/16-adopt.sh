#!/bin/bash
# Adopt: an existing cgroup is registered under a name, accounted, and
# never written to or removed by kcg.
. "$(dirname "$0")/../lib/tap.sh"

cleanup() {
	kcg delete pod-t16 2>/dev/null
	kcg delete t16-other 2>/dev/null
	rmdir $CG/t16-pod/ctr 2>/dev/null
	rmdir $CG/t16-pod 2>/dev/null
}
trap cleanup EXIT
cleanup

mkdir $CG/t16-pod
echo 100M > $CG/t16-pod/memory.max
controls=$(cat $CG/t16-pod/cgroup.subtree_control)
t_run "adopt a hand-made cgroup" kcg adopt /t16-pod --name pod-t16
t_match "it is listed as adopted" "$(kcg -j show pod-t16 | jq -r '.state | join(",")')" adopted
t_eq "its id is the cgroup's" "$(kcg_field pod-t16 .id)" "$(stat -c %i $CG/t16-pod)"
t_eq "its limits are read from the cgroup" "$(kcg_field pod-t16 .limits.memory_max)" 104857600
t_eq "adopt defaults the name to the last path level" "$(kcg adopt /t16-pod 2>&1)" \
	"kcg: adopt t16-pod: that cgroup is already a group"
t_err "set on an adopted group is refused" 1 "an adopted group is only accounted" \
	kcg set pod-t16 --memory-max 1G
t_err "freeze on an adopted group is refused" 1 "an adopted group is only accounted" kcg freeze pod-t16
t_err "child groups under an adopted group are refused" 1 "an adopted group takes no child groups" \
	kcg create pod-t16/x
t_eq "memory.max untouched" "$(cat $CG/t16-pod/memory.max)" 104857600
t_err "adopting a missing cgroup" 1 "no such cgroup" kcg adopt /t16-nope --name t16-other
t_err "adopting the root cgroup" 1 "the root cgroup cannot be adopted" kcg adopt / --name t16-other
t_err "adopting a file, not a cgroup" 1 "no such cgroup|cannot adopt" kcg adopt /t16-pod/memory.max \
	--name t16-other
t_run "delete unregisters the adopted group" kcg delete pod-t16
t_eq "the cgroup itself is still there" "$(test -d $CG/t16-pod && echo yes)" yes
t_eq "kcg enabled no controllers in it" "$(cat $CG/t16-pod/cgroup.subtree_control)" "$controls"
t_eq "no longer listed" "$(kcg -j list | jq -r '.[].name' | grep -c '^pod-t16$')" 0
tap_done
