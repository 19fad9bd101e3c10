#!/bin/bash
# kcg run: CMD is in the group from its first instruction, its exit status
# comes back, signals sent to kcg reach it, and each --ns gives it a really
# new namespace. CMD itself reports what it sees.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t14.XXXXXX)
kpid=
unpriv=(setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all --bounding-set=-all)

cleanup() {
	[ -n "$kpid" ] && kill -9 "$kpid" 2>/dev/null
	for g in t14/own/box t14/own t14/p/c t14/p t14/box t14/r t14; do
		kcg delete --force "$g" 2>/dev/null
	done
	[ -n "${shmid:-}" ] && ipcrm -m "$shmid" 2>/dev/null
	umount "$tmp/mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in t14/own/box t14/own t14/p/c t14/p t14/box t14/r t14; do
	kcg delete --force "$g" 2>/dev/null
done

# rc CMD...: the exit status of CMD, output discarded.
rc() { "$@" >/dev/null 2>&1; echo $?; }
in_procs() { grep -qx "$2" "$CG/kcg/$1/cgroup.procs"; }

t_run "setup: a group t14/r to run in" eval "kcg create t14 && kcg create t14/r"

t_eq "CMD itself sees its cgroup" "$(kcg run t14/r -- cat /proc/self/cgroup)" "0::/kcg/t14/r"
# The very first thing a shell does is in the group: read it with a builtin.
t_eq "a shell's first builtin runs in the group" \
	"$(kcg run t14/r -- bash -c 'read -r l < /proc/self/cgroup; echo "$l"')" "0::/kcg/t14/r"
t_eq "the caller stays where it was" "$(grep -c kcg/t14 /proc/self/cgroup)" 0
t_eq "arguments after -- are CMD's, options included" \
	"$(kcg run t14/r -- printf '%s|' -j --ns x)" "-j|--ns|x|"
t_eq "stdin, stdout and stderr are passed through" \
	"$(echo piped | kcg run t14/r -- sh -c 'cat; echo err >&2' 2>&1)" "piped
err"
t_eq "the group is empty once CMD is done" "$(cat $CG/kcg/t14/r/cgroup.procs | wc -l)" 0

t_eq "exit status is CMD's (0)" "$(rc kcg run t14/r -- true)" 0
t_eq "exit status is CMD's (7)" "$(rc kcg run t14/r -- sh -c 'exit 7')" 7
t_eq "exit status is CMD's (124)" "$(rc kcg run t14/r -- sh -c 'exit 124')" 124
t_eq "killed by SIGKILL is 137" "$(rc kcg run t14/r -- sh -c 'kill -KILL $$')" 137
t_eq "killed by SIGTERM is 143" "$(rc kcg run t14/r -- sh -c 'kill -TERM $$')" 143
t_eq "killed by SIGSEGV is 139" "$(rc kcg run t14/r -- sh -c 'kill -SEGV $$')" 139
t_err "a command not found is 127" 127 "nope-t14" kcg run t14/r -- /nonexistent/nope-t14
printf '#!/bin/sh\necho ran\n' > "$tmp/noexec"
chmod 644 "$tmp/noexec"
t_err "a command not executable is 126" 126 "ermission" kcg run t14/r -- "$tmp/noexec"
t_err "a missing group is 125 with the kernel's message" 125 "no such group" \
	kcg run t14-nope -- true
t_run "setup: a parent with a child" eval "kcg create t14/p && kcg create t14/p/c"
touch "$tmp/ran"
rm -f "$tmp/ran"
t_err "a group with children refuses the task: 125" 125 "child groups holds no tasks" \
	kcg run t14/p -- touch "$tmp/ran"
t_eq "a refused CMD never ran" "$(test -e "$tmp/ran" && echo ran || echo never)" never
t_eq "run in a nested group" "$(kcg run t14/p/c -- cat /proc/self/cgroup)" "0::/kcg/t14/p/c"

t_err "--hostname without uts is a usage error" 2 "uts" kcg run t14/r --hostname box -- true
t_err "--hostname with other namespaces but not uts" 2 "uts" \
	kcg run t14/r --ns net,ipc --hostname box -- true
t_err "unknown namespace is a usage error" 2 "ns" kcg run t14/r --ns bogus -- true
t_err "no command after -- is a usage error" 2 "command" kcg run t14/r --
t_eq "without --, the first argument after NAME starts CMD" \
	"$(kcg run t14/r printf '%s|' -j --ns x)" "-j|--ns|x|"

# Signals sent to kcg reach CMD.
kcg run t14/r -- sleep 100 &
kpid=$!
if wait_until 10 eval "[ -n \"\$(cat $CG/kcg/t14/r/cgroup.procs)\" ]"; then ok "the background CMD is in the group"
else not_ok "the background CMD is in the group" "cgroup.procs is empty"; fi
child=$(head -n1 $CG/kcg/t14/r/cgroup.procs)
t_eq "the group's task is the sleep, not kcg" "$(cat /proc/$child/comm 2>/dev/null)" sleep
t_eq "kcg itself is not in the group" "$(in_procs t14/r "$kpid" && echo in || echo out)" out
wait_until 10 eval "[ \"\$(cat /proc/$child/comm 2>/dev/null)\" = sleep ]"
kill -TERM "$kpid"
wait "$kpid"
t_eq "kcg exits 143 after SIGTERM" $? 143
kpid=
t_eq "the sleep died of it" "$(test -e /proc/$child && echo alive || echo dead)" dead
wait_until 10 eval "[ -z \"\$(cat $CG/kcg/t14/r/cgroup.procs)\" ]"
t_eq "the group emptied" "$(wc -l < $CG/kcg/t14/r/cgroup.procs)" 0

rm -f "$tmp/usr1"
kcg run t14/r -- bash -c 'trap "echo usr1 > $0; exit 5" USR1; while :; do sleep 0.1; done' \
	"$tmp/usr1" &
kpid=$!
wait_until 10 eval "[ \$(wc -l < $CG/kcg/t14/r/cgroup.procs) -ge 1 ]"
# Let bash set its trap: it is in the group and has forked a sleep.
wait_until 10 eval "[ \$(wc -l < $CG/kcg/t14/r/cgroup.procs) -ge 2 ]"
kill -USR1 "$kpid"
wait "$kpid"
t_eq "SIGUSR1 reaches CMD's handler; kcg returns its exit 5" $? 5
kpid=
t_eq "CMD's USR1 handler ran" "$(cat "$tmp/usr1" 2>/dev/null)" usr1

# uts
host=$(hostname)
t_eq "--ns uts --hostname box" "$(kcg run t14/r --ns uts --hostname box -- hostname)" box
t_eq "the host name is unchanged" "$(hostname)" "$host"
t_eq "the host is still kcg-vm" "$(hostname)" kcg-vm
t_run "setup: t14/box" kcg create t14/box
t_eq "--ns uts defaults to the group's last level" "$(kcg run t14/box --ns uts -- hostname)" box
t_match "sethostname inside does not leak" \
	"$(kcg run t14/r --ns uts -- sh -c 'hostname other; hostname'; hostname)" '^other
kcg-vm$'

# pid (+ mnt: own /proc)
t_eq "--ns pid,mnt: CMD is pid 1" "$(kcg run t14/r --ns pid,mnt -- sh -c 'echo $$')" 1
t_eq "--ns pid,mnt: /proc/self/stat says pid 1" \
	"$(kcg run t14/r --ns pid,mnt -- cut -d' ' -f1 /proc/self/stat)" 1
n=$(kcg run t14/r --ns pid,mnt -- sh -c 'ls /proc | grep -c "^[0-9]"')
if [ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le 5 ]; then ok "--ns pid,mnt: own /proc shows $n processes"
else not_ok "--ns pid,mnt: own /proc shows a handful of processes" "got '$n'"; fi
t_eq "--ns pid,mnt: ps -e sees only the namespace" \
	"$(kcg run t14/r --ns pid,mnt -- ps -e -o pid= | tr -d ' ' | sort -n | head -1)" 1
t_match "the host's /proc still shows the host" "$(ls /proc | grep -c '^[0-9]')" '^([1-9][0-9]+)$'
t_eq "--ns pid,mnt: pid 1 is in the group" \
	"$(kcg run t14/r --ns pid,mnt -- cat /proc/self/cgroup)" "0::/kcg/t14/r"
t_eq "--ns pid alone: CMD is pid 1" "$(kcg run t14/r --ns pid -- sh -c 'echo $$')" 1
t_eq "--ns pid: exit status still comes back" "$(rc kcg run t14/r --ns pid -- sh -c 'exit 9')" 9

# mnt: private, nothing leaks out
mkdir -p "$tmp/mnt"
t_eq "--ns mnt: a mount inside is visible inside" \
	"$(kcg run t14/r --ns mnt -- sh -c "mount -t tmpfs t14 $tmp/mnt && awk '\$5 == \"$tmp/mnt\"' /proc/self/mountinfo | wc -l")" 1
t_eq "--ns mnt: the mount did not leak to the host" \
	"$(awk -v m="$tmp/mnt" '$5 == m' /proc/self/mountinfo | wc -l)" 0

# net. A kernel with IPv6 tunnels built in (the debug line) puts their
# fallback devices (sit0, ...) in every new namespace; keep them in the
# first one, as a host with them as modules does.
fb=/proc/sys/net/core/fb_tunnels_only_for_init_net
[ -w $fb ] && echo 1 > $fb
links=$(kcg run t14/r --ns net -- ip -o link)
t_eq "--ns net: only one interface" "$(echo "$links" | wc -l)" 1
[ "$(echo "$links" | wc -l)" = 1 ] || echo "$links" | sed 's/^/# /'
t_match "--ns net: it is lo and UP" "$(kcg run t14/r --ns net -- ip -o link)" '^1: lo: <[A-Z_,]*\bUP\b'
t_eq "--ns net: loopback carries a TCP connection" "$(kcg run t14/r --ns net -- python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname(), timeout=5); print("connected")')" connected
t_match "the host still has its interfaces" "$(ip -o link | wc -l)" '^[1-9]'

# ipc
shmid=$(ipcmk -M 4096 2>/dev/null | grep -o '[0-9]*$')
if [ -n "$shmid" ]; then
	t_eq "--ns ipc: the host's shm segment is not visible" \
		"$(kcg run t14/r --ns ipc -- ipcs -m | awk -v id="$shmid" '$2 == id' | wc -l)" 0
	t_eq "without --ns ipc it is visible" \
		"$(kcg run t14/r -- ipcs -m | awk -v id="$shmid" '$2 == id' | wc -l)" 1
	ipcrm -m "$shmid"
	shmid=
else
	skip "--ns ipc: the host's shm segment is not visible" "ipcmk could not make a segment"
fi
own_ipc=$(readlink /proc/self/ns/ipc)
t_match "--ns ipc: /proc/self/ns/ipc differs from the parent's" \
	"$(kcg run t14/r --ns ipc -- readlink /proc/self/ns/ipc)" "^ipc:\[[0-9]+\]$"
[ "$(kcg run t14/r --ns ipc -- readlink /proc/self/ns/ipc)" != "$own_ipc" ] &&
	ok "--ns ipc: a new ipc namespace" || not_ok "--ns ipc: a new ipc namespace" "same as $own_ipc"
t_eq "without --ns, the namespaces are the caller's" \
	"$(kcg run t14/r -- readlink /proc/self/ns/ipc /proc/self/ns/uts /proc/self/ns/net /proc/self/ns/pid)" \
	"$(readlink /proc/self/ns/ipc /proc/self/ns/uts /proc/self/ns/net /proc/self/ns/pid)"

own_mnt=$(readlink /proc/self/ns/mnt)
[ "$(kcg run t14/r --ns mnt -- readlink /proc/self/ns/mnt)" != "$own_mnt" ] &&
	ok "--ns mnt: a new mount namespace" || not_ok "--ns mnt: a new mount namespace" "same as $own_mnt"

# user, as root and as an unprivileged owner
t_eq "--ns user as root: uid 0 inside" "$(kcg run t14/r --ns user -- id -u)" 0
t_eq "--ns user as root: maps 0 to 0" "$(kcg run t14/r --ns user -- cat /proc/self/uid_map | tr -s ' ')" " 0 0 1"
t_run "setup: t14/own owned by 1000, with a child" \
	eval "kcg create t14/own --owner 1000 && kcg create t14/own/box"
t_eq "outside, the caller is uid 1000" "$("${unpriv[@]}" id -u)" 1000
if [ "$("${unpriv[@]}" unshare -U true 2>&1 && echo yes)" != yes ]; then
	skip "--ns user as uid 1000" "unprivileged user namespaces are disabled in this kernel"
else
	t_eq "--ns user as uid 1000: uid 0 inside" \
		"$("${unpriv[@]}" kcg run t14/own/box --ns user -- id -u)" 0
	t_eq "--ns user as uid 1000: gid 0 inside" \
		"$("${unpriv[@]}" kcg run t14/own/box --ns user -- id -g)" 0
	t_eq "--ns user as uid 1000: maps 0 to 1000" \
		"$("${unpriv[@]}" kcg run t14/own/box --ns user -- cat /proc/self/uid_map | tr -s ' ')" " 0 1000 1"
	t_eq "--ns user as uid 1000: setgroups denied" \
		"$("${unpriv[@]}" kcg run t14/own/box --ns user -- cat /proc/self/setgroups)" deny
	t_eq "--ns user as uid 1000: in the group" \
		"$("${unpriv[@]}" kcg run t14/own/box --ns user -- cat /proc/self/cgroup)" "0::/kcg/t14/own/box"
	t_eq "--ns all as uid 1000: pid 1, uid 0, host name box, only lo" \
		"$("${unpriv[@]}" kcg run t14/own/box --ns all -- sh -c \
			'echo $$ $(id -u) $(hostname) $(ip -o link | wc -l)')" \
		"1 0 box 1"
	t_err "--ns net without user, unprivileged, fails with 125" 125 "unshare" \
		"${unpriv[@]}" kcg run t14/own/box --ns net -- true
fi
t_err "uid 1000 cannot run in a group it does not own" 125 "no such group" \
	"${unpriv[@]}" kcg run t14/r -- true

# all, as root
out=$(kcg run t14/box --ns all -- sh -c 'echo $$ $(id -u) $(hostname) $(ip -o link | wc -l)
	cat /proc/self/cgroup; for n in ipc mnt net pid uts user; do readlink /proc/self/ns/$n; done')
t_eq "--ns all: pid 1, uid 0, host name box, only lo" "$(echo "$out" | head -1)" "1 0 box 1"
t_eq "--ns all: in the group" "$(echo "$out" | sed -n 2p)" "0::/kcg/t14/box"
same=0
for n in ipc mnt net pid uts user; do
	echo "$out" | grep -qx "$(readlink /proc/self/ns/$n)" && same=$((same + 1))
done
# pid: /proc/self/ns/pid is the namespace of the process itself, new for pid 1.
t_eq "--ns all: all six namespaces are new" "$same" 0
t_eq "--ns all: the host name is unchanged" "$(hostname)" kcg-vm

tap_done
