#!/bin/bash
# Callers in namespaces (issue 9, holes 7 and 14). Root and an owner inside a
# cgroup namespace whose root is not the cgroup2 root run every kind of op
# with the same rules as outside. An owner in a user namespace sees owners
# mapped into it; a monitor in a pid namespace gets event pids of that
# namespace; a group a caller may not see is answered exactly like a group
# that does not exist.
. "$(dirname "$0")/../lib/tap.sh"
nl="$KCG_REPO/tests/lib/kcgnl.py"

tmp=$(mktemp -d /tmp/t25.XXXXXX)
BOX=$CG/t25-box		# the cgroup namespaces' root, outside the kcg root
POD=$CG/t25-pod		# a cgroup to adopt
pids=()
groups=(t25/a t25/r t25/d t25/o t25/oa t25/s t25/u t25/p t25/m t25 t25top)

# Command prefixes, as arrays so that `PREFIX CMD &` leaves $! the pid of
# CMD itself (each one execs the next).
# AS1000/AS2000 CMD: run CMD as that uid, no groups, no capabilities.
AS1000=(setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all --bounding-set=-all)
AS2000=(setpriv --reuid=2000 --regid=2000 --clear-groups --inh-caps=-all --bounding-set=-all)
# INBOX CMD: run CMD from inside $BOX (moved there as root first).
INBOX=(bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$BOX")
in_box() { "${INBOX[@]}" "$@"; }
# in_cgns CMD...: run CMD in a new cgroup namespace rooted at $BOX.
in_cgns() { "${INBOX[@]}" unshare -C "$@"; }

cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	kcg delete t25-pod 2>/dev/null
	rmdir "$POD" "$BOX" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
kcg delete t25-pod 2>/dev/null
mkdir -p "$BOX" "$POD"

names() { jq -r '.[].name' | grep '^t25' | LC_ALL=C sort | tr '\n' ' '; }
procs_in() { cat "/proc/$1/cgroup" 2>/dev/null; }
# ready FILE: poll until the monitor writing FILE saw a marker group made
# (a marker made before the monitor subscribed is lost to it: try again).
ready() {
	local _
	for _ in $(seq 20); do
		kcg create t25/m >/dev/null 2>&1
		if wait_until 2 grep -q '"type":"created","name":"t25/m"' "$1"; then
			kcg delete t25/m >/dev/null 2>&1
			return 0
		fi
		kcg delete t25/m >/dev/null 2>&1
	done
	return 1
}

t_eq "setup: a cgroup namespace shows its root as /" "$(in_cgns cat /proc/self/cgroup)" "0::/"
t_run "setup: ... which is not the initial one" \
	test "$(in_cgns readlink /proc/self/ns/cgroup)" != "$(readlink /proc/self/ns/cgroup)"
t_run "setup: root makes t25 (owner 1000), t25/a, t25/oa and t25/s, outside any namespace" \
	eval 'kcg create t25 --owner 1000 --memory-max 256M && kcg create t25/a &&
	      kcg create t25/oa && kcg create t25/s'

# Root (CAP_SYS_ADMIN) inside the cgroup namespace.
t_run "root in a cgroup namespace creates a group" in_cgns kcg create t25/r --pids-max 40
t_eq "its cgroup is there, in the kcg root" "$(cat $CG/kcg/t25/r/pids.max 2>&1)" 40
t_eq "its id is its cgroup's" "$(kcg_field t25/r .id)" "$(stat -c %i $CG/kcg/t25/r 2>&1)"
t_run "root in a cgroup namespace sets a group" in_cgns kcg set t25 --memory-max 128M
t_eq "memory.max written" "$(cat $CG/kcg/t25/memory.max)" 134217728
"${INBOX[@]}" sleep 1000 &
sleeper=$!
pids+=("$sleeper")
wait_until 10 eval "[ \"\$(procs_in $sleeper)\" = 0::/t25-box ]"
t_run "root in a cgroup namespace attaches a process" in_cgns kcg attach t25/a "$sleeper"
t_eq "the process moved into t25/a" "$(procs_in $sleeper)" "0::/kcg/t25/a"
t_eq "show in a cgroup namespace: the cgroup path as /proc/PID/cgroup shows it there" \
	"$(in_cgns kcg -j show t25/a | jq -r .cgroup)" "$(in_cgns cat /proc/$sleeper/cgroup | sed 's/^0:://')"
t_eq "... which is relative to the namespace, not the host's path" \
	"$(in_cgns kcg -j show t25/a | jq -r .cgroup)" "/../kcg/t25/a"
t_eq "... and list in it says the same" \
	"$(in_cgns kcg -j list | jq -r '.[] | select(.name == "t25/a") | .cgroup')" "/../kcg/t25/a"
t_eq "show outside any namespace: the path from the cgroup2 root" \
	"$(kcg -j show t25/a | jq -r .cgroup)" "/kcg/t25/a"
t_run "root in a cgroup namespace freezes a group" in_cgns kcg freeze t25/a
t_eq "t25/a is frozen" "$(cat $CG/kcg/t25/a/cgroup.freeze)" 1
t_run "root in a cgroup namespace thaws it" in_cgns kcg thaw t25/a
t_eq "t25/a is thawed" "$(cat $CG/kcg/t25/a/cgroup.freeze)" 0
t_run "root in a cgroup namespace adopts a cgroup outside its namespace (path from the cgroup2 root)" \
	in_cgns kcg adopt /t25-pod
t_eq "the adopted group is that cgroup" "$(kcg_field t25-pod .id)" "$(stat -c %i "$POD")"
t_eq "root in a cgroup namespace lists what root outside lists" "$(in_cgns kcg -j list | names)" \
	"$(kcg -j list | names)"
t_eq "root in a cgroup namespace reads the stats root outside reads" \
	"$(in_cgns kcg -j stats t25 | names)" "$(kcg -j stats t25 | names)"
"${INBOX[@]}" unshare -C kcg -j monitor > "$tmp/root.json" 2>&1 &
pids+=($!)
t_run "root's monitor in a cgroup namespace gets events" ready "$tmp/root.json"
kcg create t25/d >/dev/null
t_run "root in a cgroup namespace deletes a group" in_cgns kcg delete t25/d
t_eq "its cgroup is gone" "$(test -e $CG/kcg/t25/d && echo exists || echo gone)" gone
t_run "root in a cgroup namespace unregisters an adopted group" in_cgns kcg delete t25-pod
t_eq "... and its cgroup stays" "$(test -d "$POD" && echo yes)" yes

# The owner (uid 1000, no capabilities) inside a cgroup namespace root made.
"${INBOX[@]}" "${AS1000[@]}" sleep 1000 &
mine=$!
pids+=("$mine")
wait_until 10 eval "[ \"\$(stat -c %u /proc/$mine)\" = 1000 ] && [ \"\$(procs_in $mine)\" = 0::/t25-box ]"
t_run "the owner in a cgroup namespace creates below its group" \
	in_cgns "${AS1000[@]}" kcg create t25/o --pids-max 20
t_eq "pids.max written for it" "$(cat $CG/kcg/t25/o/pids.max 2>&1)" 20
t_eq "t25/o inherits owner 1000" "$(kcg_field t25/o .owner)" 1000
t_run "the owner in a cgroup namespace sets a group below its own" \
	in_cgns "${AS1000[@]}" kcg set t25/oa --pids-max 30
t_eq "pids.max changed" "$(cat $CG/kcg/t25/oa/pids.max)" 30
t_run "the owner in a cgroup namespace attaches its own process from outside the kcg root" \
	in_cgns "${AS1000[@]}" kcg attach t25/oa "$mine"
t_eq "the owner's process moved" "$(procs_in $mine)" "0::/kcg/t25/oa"
t_eq "the owner in a cgroup namespace lists what it lists outside" \
	"$(in_cgns "${AS1000[@]}" kcg -j list | names)" "$(as 1000 kcg -j list | names)"
t_eq "the owner in a cgroup namespace reads the stats it reads outside" \
	"$(in_cgns "${AS1000[@]}" kcg -j stats | names)" "$(as 1000 kcg -j stats | names)"
"${INBOX[@]}" unshare -C "${AS1000[@]}" kcg -j monitor > "$tmp/owner.json" 2>&1 &
pids+=($!)
t_run "the owner's monitor in a cgroup namespace gets its groups' events" ready "$tmp/owner.json"
t_err "same rules: the owner may not create a top-level group" 1 "CAP_SYS_ADMIN" \
	in_cgns "${AS1000[@]}" kcg create t25top
t_err "same rules: the owner may not set its own group" 1 "only the owner of a group above" \
	in_cgns "${AS1000[@]}" kcg set t25 --memory-max 1G
t_eq "t25's memory.max unchanged" "$(cat $CG/kcg/t25/memory.max)" 134217728
t_err "same rules: the owner may not adopt" 1 "CAP_SYS_ADMIN" in_cgns "${AS1000[@]}" kcg adopt /t25-pod

# The owner in its own user namespace (and a cgroup namespace): still the
# owner (kuid 1000), and owners are shown as that namespace sees them.
t_run "the owner in a user+cgroup namespace creates below its group" \
	in_box "${AS1000[@]}" unshare -U -r -C kcg create t25/u
t_eq "inside a user namespace mapping 0 to 1000, the owner shows as 0" \
	"$(in_box "${AS1000[@]}" unshare -U -r -C kcg -j show t25 | jq -r .owner)" 0
t_eq "... in list too" \
	"$(as 1000 unshare -U --map-user=0 kcg -j list | jq -r '[.[] | select(.name | startswith("t25")) | .owner] | unique | join(",")')" 0
t_eq "inside a user namespace without a mapping for 1000, the owner shows as 65534" \
	"$(as 1000 unshare -U kcg -j show t25 | jq -r .owner)" 65534
t_eq "root outside still sees 1000" "$(kcg_field t25 .owner)" 1000

# A stranger (uid 2000): an invisible group is answered as a missing one.
"${AS2000[@]}" sleep 1000 &
his=$!
pids+=("$his")
# same_answer LABEL ARGS...: `kcg ARGS` as uid 2000, once with @ as t25/s
# (exists, not visible to 2000) and once with @ as t25-nx/s (missing):
# the same exit code and the same message, but for the name.
same_answer() {
	local label=$1 hidden missing rc1 rc2
	shift
	hidden=$(as 2000 kcg "${@//@/t25/s}" 2>&1 >/dev/null)
	rc1=$?
	missing=$(as 2000 kcg "${@//@/t25-nx/s}" 2>&1 >/dev/null)
	rc2=$?
	t_eq "stranger: $label of an invisible group answers as for a missing one" \
		"$rc1 ${hidden//t25\/s/NAME}" "$rc2 ${missing//t25-nx\/s/NAME}"
}
same_answer show show @
same_answer set set @ --pids-max 1
same_answer freeze freeze @
same_answer kill kill @
same_answer delete delete @
same_answer attach attach @ "$his"
same_answer create create @/x
same_answer stats stats @
t_err "stranger: show of an invisible group is ENOENT 'no such group'" 1 "no such group" \
	as 2000 kcg show t25/s
t_eq "stranger: nothing changed in t25/s" \
	"$(cat $CG/kcg/t25/s/pids.max $CG/kcg/t25/s/cgroup.freeze $CG/kcg/t25/s/cgroup.procs | tr '\n' ' ')" "max 0 "
t_eq "stranger: t25/s/x was not made" "$(test -e $CG/kcg/t25/s/x && echo made || echo none)" none
kcg create t25/m >/dev/null
gone_id=$(kcg_field t25/m .id)	# an id that no longer exists
kcg delete t25/m >/dev/null
hidden_id=$(kcg_field t25/s .id)
t_eq "stranger: get by the id of an invisible group answers as for a missing id" \
	"$(as 2000 "$nl" raw group-get id="$hidden_id")" "$(as 2000 "$nl" raw group-get id="$gone_id")"
t_match "... which is ENOENT 'no such group'" "$(as 2000 "$nl" raw group-get id="$hidden_id")" \
	'^error ENOENT: no such group$'
t_eq "stranger: a dump below an invisible group answers as below a missing one" \
	"$(as 2000 "$nl" dump t25/s)" "$(as 2000 "$nl" dump t25-nx/s)"
t_match "... which is ENOENT 'no such group'" "$(as 2000 "$nl" dump t25/s)" '^error ENOENT: no such group$'

# Event pids in the subscriber's pid namespace. A root monitor runs as pid 1
# of a new pid namespace; a process started in that namespace exits 3, one
# started outside exits 4.
kcg create t25/p >/dev/null
kcg -j monitor > "$tmp/init.json" 2>&1 &
pids+=($!)
unshare -p -f --kill-child kcg -j monitor > "$tmp/pidns.json" 2>&1 &
ns_unshare=$!
pids+=("$ns_unshare")
wait_until 10 pgrep -P "$ns_unshare"
ns_init=$(pgrep -P "$ns_unshare")
t_run "the monitors are ready" eval 'ready "$tmp/pidns.json" && ready "$tmp/init.json"'
nsenter -t "$ns_init" -p -- kcg run t25/p -- sh -c "echo \$\$ > $tmp/nspid; exit 3"
kcg run t25/p -- sh -c "exit 4"
exit3='.type == "task-exit" and .exit_code == 3'
exit4='.type == "task-exit" and .exit_code == 4'
wait_until 10 eval "jq -e 'select($exit4)' '$tmp/pidns.json' && jq -e 'select($exit4)' '$tmp/init.json'"
ns_pid=$(cat "$tmp/nspid" 2>/dev/null)
t_match "setup: the process had a pid of the new namespace" "$ns_pid" '^[0-9]+$'
t_eq "a monitor in a pid namespace gets the pid in its namespace" \
	"$(jq -r "select($exit3) | .pid" "$tmp/pidns.json")" "$ns_pid"
t_match "a monitor in the initial pid namespace gets another (the global) pid" \
	"$(jq -r "select($exit3) | .pid" "$tmp/init.json")" "^[0-9]+$"
t_run "... which differs from the namespace's (else this test proves nothing)" \
	test "$(jq -r "select($exit3) | .pid" "$tmp/init.json")" != "$ns_pid"
t_eq "a task its pid namespace cannot see is pid 0 to it" \
	"$(jq -r "select($exit4) | .pid // 0" "$tmp/pidns.json")" 0
tap_done
