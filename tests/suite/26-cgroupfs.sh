#!/bin/bash
# kcg against changes made on cgroupfs behind its back (issue 9, holes 10-12):
# an op acts on the group's own cgroup or fails with ENOENT, never on
# whatever now has the group's path; a cgroup removed on cgroupfs leaves the
# registry at once, with a destroyed event; kcg enables only the controllers
# of its controllers= parameter, only where they are missing, and removes
# only those it enabled.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t26.XXXXXX)
pids=()
groups=(t26mv t26r/c t26r t26n/c t26n t26s t26m/c t26m t26h/c t26h t26k t26c)
added_hugetlb=()	# cgroups whose subtree_control got +hugetlb from this test

cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	# Back to the module as the suite loaded it.
	if [ "$(cat /sys/module/kcg/parameters/root 2>/dev/null)" != /kcg ]; then
		kcg delete t26c 2>/dev/null
		rmmod kcg 2>/dev/null
	fi
	grep -q '^kcg ' /proc/modules || insmod "$KCG_KO"
	rmdir $CG/t26p/kcg/t26c $CG/t26p/kcg $CG/t26p 2>/dev/null
	# A hand-made directory where a group was, and the stale group names.
	rmdir $CG/kcg/t26r 2>/dev/null
	echo -hugetlb > $CG/kcg/t26h/cgroup.subtree_control 2>/dev/null
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	kcg delete t26-pod 2>/dev/null
	rmdir $CG/t26-pod 2>/dev/null
	for ((i = ${#added_hugetlb[@]} - 1; i >= 0; i--)); do
		echo -hugetlb > "${added_hugetlb[i]}/cgroup.subtree_control"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done

listed() { kcg -j list | jq -e --arg n "$1" 'any(.[]; .name == $n)' >/dev/null; }
in_stats() { kcg -j stats | jq -e --arg n "$1" 'any(.[]; .name == $n)' >/dev/null; }
gone() { ! listed "$1" && ! in_stats "$1"; }
exists() { test -e "$1" && echo exists || echo none; }

# Hole 10, rename. cgroup2 refuses rename(2) (kernfs without a rename op:
# EPERM), so a group's directory cannot move today; should a kernel allow
# it, set must follow the cgroup.
kcg create t26mv >/dev/null
if mv $CG/kcg/t26mv $CG/kcg/t26mv2 2>/dev/null; then
	t_run "set on a group whose directory was renamed" kcg set t26mv --memory-max 64M
	t_eq "... writes the renamed cgroup, the group's own" "$(cat $CG/kcg/t26mv2/memory.max)" 67108864
	t_eq "... and makes no directory under the old name" "$(exists $CG/kcg/t26mv)" none
	mv $CG/kcg/t26mv2 $CG/kcg/t26mv
else
	skip "set on a renamed group writes the renamed cgroup" "cgroup2 refuses rename(2)"
fi
kcg delete t26mv >/dev/null

# Hole 10, removed and made again. t26r/c then t26r are removed on
# cgroupfs and a plain directory t26r is made where the group was, with a
# process in it: every op on the name t26r is ENOENT and touches nothing.
kcg create t26r >/dev/null && kcg create t26r/c >/dev/null
rmdir $CG/kcg/t26r/c $CG/kcg/t26r
mkdir $CG/kcg/t26r
sleep 1000 &
inside=$!
sleep 1000 &
outside=$!
pids+=("$inside" "$outside")
echo "$inside" > $CG/kcg/t26r/cgroup.procs
t_eq "setup: a process sits in the new t26r directory" "$(cat /proc/$inside/cgroup)" "0::/kcg/t26r"
t_err "set on a removed and recreated group is ENOENT" 1 "no such group" kcg set t26r --memory-max 64M
t_eq "... and leaves the new directory's memory.max alone" "$(cat $CG/kcg/t26r/memory.max)" max
t_err "freeze on it is ENOENT" 1 "no such group" kcg freeze t26r
t_eq "... and leaves the new directory unfrozen" "$(cat $CG/kcg/t26r/cgroup.freeze)" 0
t_err "kill --signal TERM on it is ENOENT" 1 "no such group" kcg kill --signal TERM t26r
t_err "kill on it is ENOENT" 1 "no such group" kcg kill t26r
t_eq "... and the process in the new directory lives" "$(kill -0 $inside 2>/dev/null && echo alive)" alive
t_err "attach to it is ENOENT" 1 "no such group" kcg attach t26r "$outside"
t_eq "... and moves nothing into the new directory" "$(cat $CG/kcg/t26r/cgroup.procs)" "$inside"
t_err "delete --force on it is ENOENT" 1 "no such group" kcg delete --force t26r
t_err "delete on it is ENOENT" 1 "no such group" kcg delete t26r
t_eq "... and the new directory stays" "$(exists $CG/kcg/t26r)" exists
t_eq "... with its process" "$(kill -0 $inside 2>/dev/null && echo alive)" alive
t_eq "... and no controllers turned on or off in it" "$(cat $CG/kcg/t26r/cgroup.subtree_control)" ""
t_err "set on the removed child is ENOENT too" 1 "no such group" kcg set t26r/c --memory-max 64M
t_eq "nothing named t26r is listed" "$(kcg -j list | jq -r '.[].name' | grep -c '^t26r')" 0
kill -9 "$inside"
wait "$inside" 2>/dev/null
wait_until 5 rmdir $CG/kcg/t26r

# Hole 11: removed on cgroupfs, a group leaves dumps at once, with an event,
# before any op names it (list and stats are dumps, no name lookup).
kcg -j monitor > "$tmp/mon.json" 2>&1 &
pids+=($!)
for _ in $(seq 20); do
	kcg create t26k >/dev/null
	wait_until 2 grep -q '"type":"created","name":"t26k"' "$tmp/mon.json" && break
	kcg delete t26k >/dev/null
done
kcg delete t26k >/dev/null 2>&1
t_run "setup: the monitor is ready" grep -q '"type":"created","name":"t26k"' "$tmp/mon.json"
destroyed() { grep -q "\"type\":\"destroyed\",\"name\":\"$1\"" "$tmp/mon.json"; }

kcg create t26s >/dev/null
id=$(kcg_field t26s .id)
t_run "setup: t26s is listed and in stats" eval 'listed t26s && in_stats t26s'
rmdir $CG/kcg/t26s
t_run "a group removed on cgroupfs leaves list and stats within 2 s" wait_until 2 gone t26s
t_run "... with a destroyed event" wait_until 5 destroyed t26s
t_eq "... that carries its id" \
	"$(jq -r 'select(.type == "destroyed" and .name == "t26s") | .id' "$tmp/mon.json" | head -1)" "$id"

kcg create t26n >/dev/null && kcg create t26n/c >/dev/null
rmdir $CG/kcg/t26n/c
t_run "a child group removed on cgroupfs leaves list and stats" wait_until 2 gone t26n/c
t_run "... with a destroyed event" wait_until 5 destroyed t26n/c
t_run "its parent, now without children, can be deleted" kcg delete t26n
t_eq "... and is gone" "$(exists $CG/kcg/t26n)" none

mkdir $CG/t26-pod
kcg adopt /t26-pod >/dev/null
rmdir $CG/t26-pod
t_run "an adopted group whose cgroup is removed leaves list and stats" wait_until 2 gone t26-pod
t_run "... with a destroyed event" wait_until 5 destroyed t26-pod

# Hole 12: controllers. An admin's own controllers stay when kcg removes
# the ones it enabled for a group's children.
t_eq "controllers= defaults to cpu,cpuset,io,memory,pids" \
	"$(cat /sys/module/kcg/parameters/controllers 2>&1)" "cpu,cpuset,io,memory,pids"
kcg create t26m >/dev/null
echo +memory > $CG/kcg/t26m/cgroup.subtree_control
t_run "a child below a group whose admin enabled memory by hand" kcg create t26m/c
t_run "... and its delete" kcg delete t26m/c
t_eq "leave memory, which kcg did not enable, in the group's subtree_control" \
	"$(cat $CG/kcg/t26m/cgroup.subtree_control)" memory
echo -memory > $CG/kcg/t26m/cgroup.subtree_control
kcg delete t26m >/dev/null

if grep -qw hugetlb $CG/cgroup.controllers; then
	for d in $CG $CG/kcg; do
		grep -qw hugetlb $d/cgroup.subtree_control && continue
		echo +hugetlb > $d/cgroup.subtree_control && added_hugetlb+=("$d")
	done
	kcg create t26h >/dev/null && kcg create t26h/c >/dev/null
	t_run "an admin enables hugetlb (never kcg's) in a group with a child" \
		eval "echo +hugetlb > $CG/kcg/t26h/cgroup.subtree_control"
	t_run "... then the child is deleted" kcg delete t26h/c
	t_eq "the group's subtree_control keeps hugetlb alone" \
		"$(cat $CG/kcg/t26h/cgroup.subtree_control)" hugetlb
	echo -hugetlb > $CG/kcg/t26h/cgroup.subtree_control
	kcg delete t26h >/dev/null
else
	skip "an admin's hugetlb survives a child's delete" "no hugetlb controller in this kernel"
fi

# A reload with controllers=memory,pids and the kcg root below a fresh
# cgroup, where nothing is enabled: only memory and pids get enabled there,
# and the root cgroup is left as it was.
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
pids=()
mkdir $CG/t26p
root_before=$(cat $CG/cgroup.subtree_control)
t_eq "setup: nothing enabled in t26p" "$(cat $CG/t26p/cgroup.subtree_control)" ""
t_run "reload with root=/t26p/kcg controllers=memory,pids" \
	eval 'rmmod kcg && insmod "$KCG_KO" root=/t26p/kcg controllers=memory,pids'
t_eq "the kcg root's parent gets memory and pids, nothing else" \
	"$(cat $CG/t26p/cgroup.subtree_control)" "memory pids"
t_eq "the root cgroup's subtree_control is as it was" "$(cat $CG/cgroup.subtree_control)" "$root_before"
t_run "a group below the new root" kcg create t26c --memory-max 64M
t_match "the kcg root enables no other controller" "$(cat $CG/t26p/kcg/cgroup.subtree_control)" \
	'^(memory|pids| )*$'
t_eq "the group has memory.max, but no cpu.max or io.max" \
	"$(exists $CG/t26p/kcg/t26c/memory.max) $(exists $CG/t26p/kcg/t26c/cpu.max) $(exists $CG/t26p/kcg/t26c/io.max)" \
	"exists none none"
t_run "delete it" kcg delete t26c
t_run "reload with the defaults" eval 'rmmod kcg && insmod "$KCG_KO"'
t_eq "the default root is back" "$(cat /sys/module/kcg/parameters/root)" /kcg
tap_done
