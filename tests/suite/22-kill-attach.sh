#!/bin/bash
# Kill and attach by a group's owner (uid 1000) reach only what it manages.
#
# Kill with a signal other than SIGKILL: only processes at or below the
# group get it, and only those the owner may signal itself (kill(2) rules).
# A canary outside every group survives even when the group's cgroup.procs
# is shaped so that a reader stopping after 64 KiB - 1 bytes (the module
# before the fix) takes the cut-off last line for the canary's pid; the
# processes past that point get the signal too.
#
# Attach: an owner may move a process out of its own subtree or from outside
# the kcg root (what `kcg run` needs), never out of an admin's group,
# another tenant's, an adopted one or a frozen one, and only a process
# every thread of which it could signal.
. "$(dirname "$0")/../lib/tap.sh"

helpers=$KCG_REPO/build/test
tmp=
pids=()
groups=(t22/sig/a t22/sig/b t22/sig t22/child t22/rootonly t22/empty t22/x t22/y t22 t22a t22u t22-adopt)
outside=(t22-out t22-frozen t22-adopt)
saved_pid_max=$(cat /proc/sys/kernel/pid_max)


cleanup() {
	local p g d
	{
		for p in "${pids[@]}"; do
			kill -9 "$p"
		done
		wait
	} 2>/dev/null	# no job notices
	for d in "${outside[@]}"; do
		[ -d "$CG/$d" ] || continue
		echo 0 > "$CG/$d/cgroup.freeze"
		echo 1 > "$CG/$d/cgroup.kill"
	done
	for g in "${groups[@]}"; do
		kcg thaw "$g" 2>/dev/null
		kcg delete --force "$g" 2>/dev/null
	done
	for d in "${outside[@]}"; do
		rmdir "$CG/$d" 2>/dev/null
	done
	echo "$saved_pid_max" > /proc/sys/kernel/pid_max
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
cleanup
tmp=$(mktemp -d /tmp/t22.XXXXXX)
[ -x "$helpers/procfill" ] || not_ok "setup: $helpers/procfill is built (make test-tools)"

# A process of UID, started by this shell in the root cgroup. setpriv is
# run directly, not through a function (a function in the background is a
# subshell): $! is then the process itself (setpriv execs sleep), and
# `wait` gives its exit status.
start_as() {
	if [ "$1" = 0 ]; then
		sleep 1000 &
	else
		setpriv --reuid="$1" --regid="$1" --clear-groups --inh-caps=-all --bounding-set=-all \
			sleep 1000 &
	fi
	started=$!
	pids+=("$started")
	wait_until 60 is_sleep_of "$started" "$1"
}
is_sleep_of() {	# is_sleep_of PID UID: PID has exec'd sleep and runs as UID
	grep -q '^Name:[[:space:]]*sleep$' "/proc/$1/status" &&
		[ "$(awk '/^Uid:/ { print $2 $3 }' "/proc/$1/status")" = "$2$2" ]
}
# A process that has exited (gone, or a zombie not yet reaped).
gone() { ! [ -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
all_gone() { local p; for p in "$@"; do gone "$p" || return 1; done; }
alive() { gone "$1" && echo dead || echo alive; }
cgroup_of() { cut -d: -f3 "/proc/$1/cgroup" 2>/dev/null; }
events() { awk -v k="$2" '$1 == k { print $2 }' "$CG/$1/cgroup.events" 2>/dev/null; }
events_is() { [ "$(events "$1" "$2")" = "$3" ]; }
put() {	# put GROUP PID: root attaches PID (setup)
	kcg attach "$1" "$2" >/dev/null 2>&1 || not_ok "setup: root attaches $2 to $1"
}
exit_of() { gone "$1" || { echo alive; return; }; wait "$1" 2>/dev/null; echo $?; }
# settle DIR: wait until the cgroup is empty or its process count stops
# falling for 5 s (processes that will not die); at most 300 s.
settle() {
	local n last=-1 still=0 deadline=$((SECONDS + 300))
	while [ "$(events "$1" populated)" = 1 ] && [ $SECONDS -lt $deadline ]; do
		n=$(wc -l < "$CG/$1/cgroup.procs")
		if [ "$n" = "$last" ]; then still=$((still + 1)); else still=0; fi
		[ $still -ge 5 ] && return 1
		last=$n
		sleep 1
	done
	[ "$(events "$1" populated)" = 0 ]
}

t_run "setup: root gives t22 to uid 1000" kcg create t22 --owner 1000
t_run "setup: the owner creates t22/child" as 1000 kcg create t22/child

# --- Kill: 8,000 processes push cgroup.procs past 64 KiB -----------------
# 7-digit pids (8-byte lines) need a higher pid_max; procfill picks them.
echo 4194304 > /proc/sys/kernel/pid_max
# The owner's 8,000 processes must not stop its own execs (RLIMIT_NPROC).
ulimit -u unlimited
start_as 1000
canary=$started
start=$SECONDS
"$helpers/procfill" -u 1000 -c 65535 -p "$canary" -n 20 "$CG/kcg/t22/child" \
	> "$tmp/fill" 2> "$tmp/fill.err" &
filler=$!
pids+=("$filler")
if wait_until 300 grep -qx ready "$tmp/fill"; then
	ok "setup: procfill put the owner's processes into t22/child"
else
	not_ok "setup: procfill put the owner's processes into t22/child" "$(cat "$tmp/fill.err")"
fi
echo "# $(wc -l < "$CG/kcg/t22/child/cgroup.procs") processes in $((SECONDS - start)) s"
size=$(wc -c < "$CG/kcg/t22/child/cgroup.procs")
t_eq "setup: t22/child's cgroup.procs is longer than 64 KiB" \
	"$([ "$size" -gt 65536 ] && echo yes || echo "no: $size bytes")" yes
t_eq "setup: its first 65535 bytes end in a line cut to the canary's pid" \
	"$(head -c 65535 "$CG/kcg/t22/child/cgroup.procs" | tail -n 1)" "$canary"
t_eq "setup: the canary runs as uid 1000 in the root cgroup" \
	"$(is_sleep_of "$canary" 1000 && cgroup_of "$canary")" /
awk '$1 == "tail" { print $2 }' "$tmp/fill" > "$tmp/tail"	# no /dev/fd for <() in the VM
mapfile -t tail_pids < "$tmp/tail"
t_eq "setup: 20 processes are listed after the cut" "${#tail_pids[@]}" 20
t_run "the owner kills t22/child with USR1" as 1000 kcg kill t22/child --signal USR1
sleep 2	# a signal sent is acted on at once; give the canary time to die if it got one
t_eq "the canary outside every group did not get USR1" "$(alive "$canary")" alive
if settle kcg/t22/child; then
	ok "every process of t22/child got USR1"
else
	not_ok "every process of t22/child got USR1" \
		"$(wc -l < "$CG/kcg/t22/child/cgroup.procs") processes left"
fi
t_eq "the 20 processes listed after the first 64 KiB got it too (none left)" \
	"$(for p in "${tail_pids[@]}"; do gone "$p" || echo "$p"; done | wc -l)" 0
# Leave nothing for the next part, whatever happened.
echo 1 > "$CG/kcg/t22/child/cgroup.kill"
wait_until 120 events_is kcg/t22/child populated 0
wait "$filler" 2>/dev/null
echo "$saved_pid_max" > /proc/sys/kernel/pid_max
[ "$(alive "$canary")" = alive ] || { start_as 1000; canary=$started; }

# --- Kill: other signals, the kill(2) rule, the groups below ------------
# Processes live in leaves (a group with child groups holds none): the
# owner kills t22/sig, whose leaves are t22/sig/a and t22/sig/b.
t_run "setup: the owner creates t22/sig, t22/sig/a and t22/sig/b" \
	eval "as 1000 kcg create t22/sig && as 1000 kcg create t22/sig/a && as 1000 kcg create t22/sig/b"
mkdir "$CG/t22-out"
sleep 1000 &
outsider=$!
pids+=("$outsider")
echo "$outsider" > "$CG/t22-out/cgroup.procs"
declare -A num=([TERM]=15 [HUP]=1 [USR2]=12 [39]=39)
roots=
for sig in TERM HUP USR2 39; do
	start_as 1000
	in_a=$started
	start_as 1000
	in_b=$started
	put t22/sig/a "$in_a"
	put t22/sig/b "$in_b"
	if [ -z "$roots" ] || gone "$roots"; then
		start_as 0
		roots=$started
		put t22/sig/a "$roots"
	fi
	t_run "owner's kill --signal $sig on t22/sig succeeds" \
		as 1000 kcg kill t22/sig --signal "$sig"
	wait_until 10 all_gone "$in_a" "$in_b"
	t_eq "$sig: the owner's process in t22/sig/a died of it" "$(exit_of "$in_a")" $((128 + num[$sig]))
	t_eq "$sig: the owner's process in t22/sig/b died of it" "$(exit_of "$in_b")" $((128 + num[$sig]))
	sleep 1
	t_eq "$sig: root's process in t22/sig/a did not get it (kill(2) rule)" "$(alive "$roots")" alive
	t_eq "$sig: the owner's canary in the root cgroup did not get it" "$(alive "$canary")" alive
	t_eq "$sig: root's process in a cgroup outside /kcg did not get it" "$(alive "$outsider")" alive
done
t_run "root's kill --signal TERM on t22/sig succeeds" kcg kill t22/sig --signal TERM
wait_until 10 gone "$roots"
t_eq "root's kill reaches root's process" "$(exit_of "$roots")" 143

t_run "setup: the owner creates t22/rootonly and t22/empty" \
	eval "as 1000 kcg create t22/rootonly && as 1000 kcg create t22/empty"
start_as 0
roots=$started
put t22/rootonly "$roots"
t_err "owner's kill of a group of root's processes only: EPERM" 1 \
	"not allowed to signal the group's processes" as 1000 kcg kill t22/rootonly --signal TERM
sleep 1
t_eq "root's process there is alive" "$(alive "$roots")" alive
t_run "owner's kill of an empty group succeeds" as 1000 kcg kill t22/empty --signal TERM
t_run "root's kill of t22/rootonly succeeds" kcg kill t22/rootonly --signal TERM
wait_until 10 gone "$roots"
t_eq "and reaches root's process" "$(exit_of "$roots")" 143

# --- Attach: where the owner may take a process from ----------------------
t_run "setup: the owner creates t22/x and t22/y" \
	eval "as 1000 kcg create t22/x && as 1000 kcg create t22/y"
t_run "setup: root creates an admin group t22a with pids.max" kcg create t22a --pids-max 20
t_run "setup: root gives t22u to another tenant, uid 2000" kcg create t22u --owner 2000
mkdir "$CG/t22-adopt" "$CG/t22-frozen"
t_run "setup: root adopts /t22-adopt" kcg adopt /t22-adopt --name t22-adopt

# refused NAME REGEX PID WHERE: the owner's attach to t22/x fails, PID stays.
refused() {
	t_err "owner may not attach a process $1" 1 "$2" as 1000 kcg attach t22/x "$3"
	t_eq "  ... and it stays in $4" "$(cgroup_of "$3")" "$4"
}
start_as 1000
p=$started
put t22a "$p"
refused "of its uid out of the admin group t22a" "outside your subtree" "$p" /kcg/t22a
t_eq "t22a's pids.current still counts it" "$(cat "$CG/kcg/t22a/pids.current")" 1
start_as 1000
p=$started
put t22u "$p"
refused "of its uid out of uid 2000's group t22u" "outside your subtree" "$p" /kcg/t22u
start_as 1000
p=$started
echo "$p" > "$CG/t22-adopt/cgroup.procs"
refused "of its uid out of the adopted group t22-adopt" "outside your subtree" "$p" /t22-adopt
start_as 1000
p=$started
echo "$p" > "$CG/t22-frozen/cgroup.procs"
echo 1 > "$CG/t22-frozen/cgroup.freeze"
wait_until 10 events_is t22-frozen frozen 1
t_eq "setup: /t22-frozen is frozen" "$(events t22-frozen frozen)" 1
refused "of its uid out of a frozen cgroup outside /kcg" "frozen cgroup" "$p" /t22-frozen
t_eq "  ... which stays frozen" "$(events t22-frozen frozen)" 1
start_as 1000
p=$started
put t22/y "$p"
t_run "setup: the owner freezes its own t22/y" as 1000 kcg freeze t22/y
wait_until 10 events_is kcg/t22/y frozen 1
refused "out of its own frozen group t22/y" "frozen cgroup" "$p" /kcg/t22/y
t_run "setup: the owner thaws t22/y" as 1000 kcg thaw t22/y
t_run "owner attaches a process from its own t22/y to t22/x" as 1000 kcg attach t22/x "$p"
t_eq "  ... it moved" "$(cgroup_of "$p")" /kcg/t22/x
start_as 1000
p=$started
echo "$p" > "$CG/t22-out/cgroup.procs"
t_run "owner attaches its process from a cgroup outside /kcg" as 1000 kcg attach t22/x "$p"
t_eq "  ... it moved" "$(cgroup_of "$p")" /kcg/t22/x
start_as 1000
p=$started
t_run "owner attaches its process from the root cgroup" as 1000 kcg attach t22/x "$p"
t_eq "  ... it moved" "$(cgroup_of "$p")" /kcg/t22/x
t_run "owner's kcg run t22/x -- true works" as 1000 kcg run t22/x -- true
t_eq "owner's kcg run puts the command into t22/x" \
	"$(as 1000 kcg run t22/x -- cat /proc/self/cgroup)" "0::/kcg/t22/x"

# A process whose main thread runs as uid 1000 while another thread stays
# root: raw setresuid changes only the calling thread's credentials.
python3 - > "$tmp/mt" <<'EOF' &
import ctypes, threading, time
libc = ctypes.CDLL(None, use_errno=True)
threading.Thread(target=threading.Event().wait, daemon=True).start()
SYS_setresuid, SYS_setresgid = 117, 119
if libc.syscall(SYS_setresgid, 1000, 1000, 1000) or libc.syscall(SYS_setresuid, 1000, 1000, 1000):
    raise SystemExit("setresuid: errno %d" % ctypes.get_errno())
print("ready", flush=True)
time.sleep(1000)
EOF
mt=$!
pids+=("$mt")
wait_until 60 grep -qx ready "$tmp/mt"
t_eq "setup: the process's thread uids are 1000 (main) and 0" \
	"$(for s in "/proc/$mt"/task/*/status; do awk '/^Uid:/ { print $2 }' "$s"; done | sort -rn | tr '\n' ' ')" \
	"1000 0 "
refused "one thread of which runs as root" "could not signal" "$mt" /
tap_done
