#!/bin/bash
# The permission model with real credentials: root, the owner of a group
# (uid 1000) and a stranger (uid 2000), each running the real CLI without
# any capability. Denials are EPERM with the module's message, exit 1, and
# leave nothing behind; what is allowed has its real effect in cgroupfs.
. "$(dirname "$0")/../lib/tap.sh"

pids=()
groups=(t15/s/x t15/s t15/a/x t15/a/y t15/a t15 t15-root t15top)

cleanup() {
	for p in "${pids[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	for g in "${groups[@]}"; do
		kcg delete --force "$g" 2>/dev/null
	done
	kcg delete t15-adopt 2>/dev/null
	rmdir "$CG/t15-adopt" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT
cleanup

names_as() { as "$1" kcg -j list | jq -r '.[].name' | grep '^t15' | LC_ALL=C sort | tr '\n' ' '; }
none() { test -e "$CG/kcg/$1" && echo exists || echo none; }
listed() { kcg -j list | jq -r '.[].name' | grep -cx "$1"; }
events_is() { grep -qx "$2 $3" "$CG/kcg/$1/cgroup.events"; }

t_eq "setup: uid 1000 has no capabilities" "$(as 1000 grep CapEff /proc/self/status | tr -d '\t')" \
	"CapEff:0000000000000000"
t_run "root creates t15 owned by 1000" kcg create t15 --owner 1000 --memory-max 256M
t_run "root creates t15-root with no owner" kcg create t15-root
t_eq "the owner is recorded" "$(kcg_field t15 .owner)" 1000
t_eq "the owner is in the cgroup's xattr" \
	"$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.kcg.owner").decode())' \
		$CG/kcg/t15 2>/dev/null)" 1000

# The owner, below its own group.
t_run "owner creates t15/a below its own" as 1000 kcg create t15/a --pids-max 50
t_eq "t15/a's cgroup exists" "$(test -d $CG/kcg/t15/a && echo yes)" yes
t_eq "t15/a inherits owner 1000" "$(kcg_field t15/a .owner)" 1000
t_eq "pids.max written for the owner" "$(cat $CG/kcg/t15/a/pids.max)" 50
t_run "owner creates a third level t15/a/x" as 1000 kcg create t15/a/x
t_run "owner sets t15/a" as 1000 kcg set t15/a --memory-max 64M
t_eq "memory.max written for the owner" "$(cat $CG/kcg/t15/a/memory.max)" 67108864
t_run "owner deletes t15/a/x" as 1000 kcg delete t15/a/x
t_eq "t15/a/x is gone" "$(none t15/a/x)" none
t_eq "without children, t15/a has no controllers in subtree_control" \
	"$(cat $CG/kcg/t15/a/cgroup.subtree_control)" ""

# The owner, on its own group and above: not allowed.
t_err "owner may not set t15 itself" 1 "only the owner of a group above" \
	as 1000 kcg set t15 --memory-max 1G
t_eq "t15's memory.max unchanged" "$(cat $CG/kcg/t15/memory.max)" 268435456
t_err "owner may not freeze t15 itself" 1 "only the owner of a group above" as 1000 kcg freeze t15
t_eq "t15 not frozen" "$(cat $CG/kcg/t15/cgroup.freeze)" 0
t_err "owner may not kill t15 itself" 1 "only the owner of a group above" as 1000 kcg kill t15
t_err "owner may not delete t15 itself" 1 "only the owner of a group above" as 1000 kcg delete t15
t_eq "t15 still exists" "$(test -d $CG/kcg/t15 && echo yes)" yes
t_err "owner may not create a top-level group" 1 "top-level group needs CAP_SYS_ADMIN" \
	as 1000 kcg create t15top
t_eq "no half-made top-level cgroup" "$(none t15top)" none
t_eq "no half-made top-level group" "$(listed t15top)" 0
t_err "owner may not create over an existing top-level name either" 1 "CAP_SYS_ADMIN" \
	as 1000 kcg create t15-root
t_err "owner may not use --owner" 1 "setting an owner needs CAP_SYS_ADMIN" \
	as 1000 kcg create t15/a/y --owner 1000
t_eq "no half-made cgroup after --owner" "$(none t15/a/y)" none
t_eq "no half-made group after --owner" "$(listed t15/a/y)" 0
mkdir -p "$CG/t15-adopt"
t_err "owner may not adopt" 1 "adopting a cgroup needs CAP_SYS_ADMIN" as 1000 kcg adopt /t15-adopt
t_eq "nothing adopted" "$(listed t15-adopt)" 0
t_err "owner may not see or create under a root-only group (it does not exist for it)" 1 "parent group does not exist" \
	as 1000 kcg create t15-root/y
t_eq "no half-made cgroup under t15-root" "$(none t15-root/y)" none

# What the owner sees.
t_eq "owner lists exactly its subtree" "$(names_as 1000)" "t15 t15/a "
t_eq "owner shows t15" "$(as 1000 kcg -j show t15 | jq -r .name)" t15
t_eq "owner shows t15/a" "$(as 1000 kcg -j show t15/a | jq -r .limits.memory_max)" 67108864
t_err "owner may not show a root-only group" 1 "no such group" as 1000 kcg show t15-root
t_eq "list --tree filters too" "$(as 1000 kcg -j list --tree | jq -r '.[].name' | grep -c '^t15-root')" 0

# Attach, freeze, kill: processes the owner could signal.
unpriv() { echo setpriv --reuid="$1" --regid="$1" --clear-groups --inh-caps=-all --bounding-set=-all; }
# setpriv execs: $! is the sleep itself, running as the uid.
$(unpriv 1000) sleep 1000 &
mine=$!
$(unpriv 1000) sleep 1000 &
mine2=$!
pids+=("$mine" "$mine2")
sleep 1000 &
roots=$!
pids+=("$roots")
wait_until 10 eval "[ \"\$(stat -c %u /proc/$mine)\" = 1000 ]"
t_eq "setup: the owner's sleep runs as 1000" "$(stat -c %u /proc/$mine)" 1000
t_run "owner attaches its own process to t15/a" as 1000 kcg attach t15/a "$mine"
t_eq "the process is in t15/a" "$(cat /proc/$mine/cgroup)" "0::/kcg/t15/a"
t_err "owner may not attach a root-owned process" 1 "not allowed to move a process you could not signal" \
	as 1000 kcg attach t15/a "$roots"
t_eq "the root process did not move" "$(grep -c kcg/t15 /proc/$roots/cgroup)" 0
t_err "no process moves when one of them is refused" 1 "could not signal" \
	as 1000 kcg attach t15/a "$mine2" "$roots"
t_eq "the owner's allowed process did not move either" "$(grep -c kcg/t15 /proc/$mine2/cgroup)" 0
t_run "owner freezes t15/a" as 1000 kcg freeze t15/a
wait_until 10 events_is t15/a frozen 1
t_eq "t15/a is frozen" "$(grep frozen $CG/kcg/t15/a/cgroup.events)" "frozen 1"
t_run "owner thaws t15/a" as 1000 kcg thaw t15/a
wait_until 10 events_is t15/a frozen 0
t_eq "t15/a is thawed" "$(grep frozen $CG/kcg/t15/a/cgroup.events)" "frozen 0"
t_err "owner may not delete t15/a while it has tasks" 1 "group has tasks" as 1000 kcg delete t15/a
t_run "owner kills t15/a" as 1000 kcg kill t15/a
if wait_until 10 events_is t15/a populated 0; then ok "t15/a emptied"; else
	not_ok "t15/a emptied" "$(cat $CG/kcg/t15/a/cgroup.events)"; fi
wait "$mine" 2>/dev/null
t_eq "the owner's process died of SIGKILL" $? 137
t_eq "the root process outside was not touched" "$(test -e /proc/$roots && echo alive)" alive

# A second owner below: 2000 owns t15/s, which 1000 still manages.
t_run "root gives t15/s to 2000" kcg create t15/s --owner 2000
t_eq "2000 lists only t15/s" "$(names_as 2000)" "t15/s "
t_run "2000 creates t15/s/x below its own" as 2000 kcg create t15/s/x
t_err "2000 may not delete t15/s, its own" 1 "only the owner of a group above" as 2000 kcg delete t15/s
t_eq "1000 sees t15/s and t15/s/x too" "$(names_as 1000)" "t15 t15/a t15/s t15/s/x "
t_run "1000 deletes t15/s/x (below its own)" as 1000 kcg delete t15/s/x
t_run "1000 deletes t15/s" as 1000 kcg delete t15/s
t_eq "t15/s is gone" "$(none t15/s)" none

# The stranger.
t_eq "stranger's list has no t15 group" "$(names_as 2000)" ""
t_eq "stranger's list is an empty array" "$(as 2000 kcg -j list | jq -c '[.[] | select(.name | startswith("t15"))]')" "[]"
t_eq "stranger's text list has no t15 group" "$(as 2000 kcg list | grep -c '^ *t15')" 0
t_err "stranger may not show t15" 1 "no such group" as 2000 kcg show t15
t_err "stranger may not show t15/a" 1 "no such group" as 2000 kcg show t15/a
t_err "stranger may not create t15/b" 1 "parent group does not exist" as 2000 kcg create t15/b
t_eq "no half-made t15/b cgroup" "$(none t15/b)" none
t_eq "no half-made t15/b group" "$(listed t15/b)" 0
t_err "stranger gets ENOENT, not EEXIST, for an existing child name" 1 "parent group does not exist" \
	as 2000 kcg create t15/a
$(unpriv 2000) sleep 1000 &
his=$!
pids+=("$his")
wait_until 10 eval "[ \"\$(stat -c %u /proc/$his)\" = 2000 ]"
t_err "stranger may not attach, even its own process" 1 "no such group" \
	as 2000 kcg attach t15/a "$his"
t_eq "the stranger's process did not move" "$(grep -c kcg/t15 /proc/$his/cgroup)" 0
t_err "stranger may not run in t15/a" 125 "no such group" as 2000 kcg run t15/a -- true
t_err "stranger may not set t15/a" 1 "no such group" as 2000 kcg set t15/a --pids-max 1
t_eq "pids.max unchanged" "$(cat $CG/kcg/t15/a/pids.max)" 50
t_err "stranger may not freeze t15/a" 1 "no such group" as 2000 kcg freeze t15/a
t_err "stranger may not kill t15/a" 1 "no such group" as 2000 kcg kill t15/a
t_err "stranger may not delete t15/a" 1 "no such group" as 2000 kcg delete t15/a
t_eq "t15/a still exists" "$(test -d $CG/kcg/t15/a && echo yes)" yes
t_err "stranger may not create a top-level group" 1 "CAP_SYS_ADMIN" as 2000 kcg create t15top
t_eq "no half-made top-level cgroup" "$(none t15top)" none

# Root sees and manages everything.
t_eq "root lists all t15 groups" "$(kcg -j list | jq -r '.[].name' | grep '^t15' | LC_ALL=C sort | tr '\n' ' ')" \
	"t15 t15-root t15/a "
t_eq "root shows the owner's group" "$(kcg_field t15/a .owner)" 1000
t_run "root attaches the stranger's process" kcg attach t15/a "$his"
t_eq "root moved it" "$(cat /proc/$his/cgroup)" "0::/kcg/t15/a"
t_run "root deletes t15/a with --force" kcg delete --force t15/a
t_eq "t15/a is gone" "$(none t15/a)" none
t_run "root deletes t15" kcg delete t15
t_eq "t15 is gone" "$(none t15)" none
tap_done
