#!/bin/bash
# The CLI's conventions with the module loaded: global options after the
# command, monitor's --type and --time, run's optional "--" and its
# --uid/--gid/--chdir/--setenv, adopt's default names, bash completion.
# (Help, -V and usage errors need no module: tests/unit/test_cli.sh.)
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t30.XXXXXX)
chmod 755 "$tmp"
pids=()
groups=(t30/a t30/r t30/o t30 t30m/a t30m)

id64=4f2b8c0d9e1a7b3c5d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c
uid=0e2a6f4c_1b3d_4e5f_8a9b_0c1d2e3f4a5b
adopted=(docker-4f2b8c0d9e1a "pod$uid" t30-nginx t30-unit t30-at)
remove_groups() {
	for g in "${groups[@]}" "${adopted[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	for d in "docker-$id64.scope" "kubepods-burstable-pod$uid.slice" t30-nginx.service \
		'user@1000.service' ''; do
		rmdir "$CG/t30-cg/$d" 2>/dev/null
	done
}
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	remove_groups
	rm -rf "$tmp"
}
trap cleanup EXIT
remove_groups

# Global options after the command.
t_run "setup: groups t30 and t30/a" eval "kcg create t30 --pids-max 50 && kcg create t30/a"
t_eq "kcg list -j is kcg -j list" "$(kcg list -j)" "$(kcg -j list)"
t_eq "kcg show NAME -j" "$(kcg show t30 -j | jq -r .limits.pids_max)" 50
t_eq "-j -p after the command: pretty JSON" "$(kcg show t30/a -j -p | head -1)" "{"
t_eq "--json between the arguments" "$(kcg stats t30 --json t30/a | jq -r '.[].name' | sort | xargs)" \
	"t30 t30/a"
t_eq "kcg top -j after the command is JSON frames" \
	"$(kcg top --count 1 --interval 0.2 -j | jq -r 'type')" array

# monitor: --type, --time; -j after the command.
M1=$tmp/m1.json	# kcg monitor t30m --type created,destroyed -j
M2=$tmp/m2.txt	# kcg monitor t30m --time iso
M3=$tmp/m3.json	# kcg -j monitor t30m --time wall
M4=$tmp/m4.txt	# kcg monitor t30m --time wall --type set --type frozen
kcg monitor t30m --type created,destroyed -j > "$M1" 2> "$tmp/m1.err" &
pids+=($!)
kcg monitor t30m --time iso > "$M2" 2> "$tmp/m2.err" &
pids+=($!)
kcg -j monitor t30m --time wall > "$M3" 2> "$tmp/m3.err" &
pids+=($!)
kcg monitor t30m --time wall --type set --type frozen,thawed > "$M4" 2> "$tmp/m4.err" &
pids+=($!)
# Ready when the monitors saw the marker: created t30m, or for M4 a set on it.
ready=no
for _ in $(seq 30); do
	kcg create t30m >/dev/null
	kcg set t30m --pids-max 10 >/dev/null
	if wait_until 2 eval "grep -q '\"created\",\"name\":\"t30m\"' '$M1' &&
	   grep -q ' created t30m ' '$M2' && grep -q '\"created\",\"name\":\"t30m\"' '$M3' &&
	   grep -q ' set t30m ' '$M4'"; then
		ready=yes
		break
	fi
	kcg delete t30m >/dev/null
done
t_eq "the monitors are ready (saw the marker group)" "$ready" yes
start=$(date +%s)
kcg create t30m/a >/dev/null
kcg set t30m/a --memory-max 64M >/dev/null
kcg freeze t30m/a >/dev/null
kcg thaw t30m/a >/dev/null
kcg delete t30m/a >/dev/null
wait_until 10 grep -q '"destroyed","name":"t30m/a"' "$M1"
wait_until 10 grep -q ' thawed t30m/a ' "$M4"
wait_until 10 grep -q ' destroyed t30m/a ' "$M2"
kill -INT "${pids[@]}"
wait "${pids[@]}" 2>/dev/null
pids=()

t_eq "--type created,destroyed -j: only those types, in order" \
	"$(jq -r 'select(.name == "t30m/a") | .type' "$M1" | xargs)" "created destroyed"
t_eq "--type repeated is a union: set, frozen, thawed" \
	"$(awk '$6 == "t30m/a" {print $5}' "$M4" | xargs)" "set frozen thawed"
t_match "--time iso: the line starts with RFC 3339 time" "$(grep ' set t30m/a ' "$M2")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} seq [0-9]+ set t30m/a id [0-9]+$'
when=$(grep ' set t30m/a ' "$M2" | cut -d' ' -f1)
at=$(date -d "$when" +%s 2>/dev/null || echo 0)
if [ $((at - start)) -ge -5 ] && [ $((at - start)) -le 60 ]; then ok "--time iso: the wall-clock time of now"
else not_ok "--time iso: the wall-clock time of now" "event at '$when' ($at), test at $start"; fi
t_match "--time wall: local date and time to the microsecond" "$(grep ' frozen t30m/a ' "$M4")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} seq [0-9]+ frozen t30m/a id [0-9]+$'
t_match "-j --time wall: a time key in RFC 3339, after timestamp_ns" \
	"$(jq -c 'select(.name == "t30m/a" and .type == "set") | keys_unsorted[0:3]' "$M3")" \
	'^\["timestamp_ns","time","seq"\]$'
jt=$(jq -r 'select(.name == "t30m/a" and .type == "set") | .time' "$M3")
t_eq "-j: time and timestamp_ns are the same instant (to 1 s)" \
	"$(python3 -c '
import datetime, sys, time
t = datetime.datetime.fromisoformat(sys.argv[1]).timestamp()
mono = int(sys.argv[2]) / 1e9
print(abs((t - time.time()) - (mono - time.clock_gettime(time.CLOCK_MONOTONIC))) < 1)' \
	"$jt" "$(jq -r 'select(.name == "t30m/a" and .type == "set") | .timestamp_ns' "$M3")" 2>&1)" True
t_eq "default --time mono: no time key, as before" \
	"$(jq -r 'select(.name == "t30m/a") | has("time")' "$M1" | sort -u)" false
t_eq "the monitors wrote no errors" "$(cat "$tmp"/m?.err)" ""
t_err "--type with an unknown type names it and lists the known ones" 2 \
	"bad --type 'created,nope': no event type 'nope'; types are created,.*,oom-kill,.*task-exit" \
	kcg monitor --type created,nope
t_err "--time with an unknown format" 2 "bad --time 'utc': mono, wall or iso" kcg monitor --time utc

# run: "--" optional; --uid, --gid, --chdir, --setenv.
t_run "setup: t30/r to run in" kcg create t30/r
t_eq "run without --: CMD starts at the first argument after NAME" \
	"$(kcg run t30/r cat /proc/self/cgroup)" "0::/kcg/t30/r"
t_eq "run without --: CMD's own options stay its own" "$(kcg run t30/r printf '%s|' -j --ns x -h)" \
	"-j|--ns|x|-h|"
t_eq "run: options before NAME and after it" \
	"$(kcg run --ns uts t30/r --hostname box hostname)" box
t_eq "run -- NAME CMD: after --, NAME then CMD" "$(kcg run -- t30/r echo ok)" ok
t_eq "run NAME -- CMD still works" "$(kcg run t30/r -- printf '%s|' -- --x)" "--|--x|"
t_eq "run -j NAME: a global option is not the name" "$(kcg run -j t30/r echo ok)" ok

nobody_ids="$(id -u nobody) $(id -g nobody)"
t_eq "--uid nobody: CMD runs as nobody, in nobody's primary group" \
	"$(kcg run t30/r --uid nobody -- sh -c 'echo $(id -u) $(id -g)')" "$nobody_ids"
t_eq "--uid nobody: nobody's supplementary groups, not root's" \
	"$(kcg run t30/r --uid nobody -- id -G | tr ' ' '\n' | sort -n | xargs)" \
	"$(id -G nobody | tr ' ' '\n' | sort -n | xargs)"
t_eq "--uid nobody: still in the group (placed before the drop)" \
	"$(kcg run t30/r --uid nobody cat /proc/self/cgroup)" "0::/kcg/t30/r"
t_eq "--uid nobody: no capability left" \
	"$(kcg run t30/r --uid nobody awk '/^Cap(Eff|Prm):/ {print $2}' /proc/self/status | sort -u)" \
	0000000000000000
t_eq "--uid nobody: USER, LOGNAME and HOME are nobody's" \
	"$(kcg run t30/r --uid nobody sh -c 'echo $USER $LOGNAME $HOME')" \
	"nobody nobody $(getent passwd nobody | cut -d: -f6)"
t_eq "--uid 4321 --gid 4322: numeric ids without an entry, no supplementary group" \
	"$(kcg run t30/r --uid 4321 --gid 4322 sh -c 'echo $(id -u) $(id -g) $(id -G)')" "4321 4322 4322"
t_eq "--gid alone: the group changes, the user stays root" \
	"$(kcg run t30/r --gid 4322 sh -c 'echo $(id -u) $(id -g) $(id -G)')" "0 4322 4322"
t_eq "--uid nobody --gid 4322: --gid wins over the primary group" \
	"$(kcg run t30/r --uid nobody --gid 4322 id -g)" 4322
mkdir -p "$tmp/work" "$tmp/closed"
chmod 700 "$tmp/closed"
t_eq "--chdir: CMD starts there" "$(kcg run t30/r --chdir "$tmp/work" pwd)" "$tmp/work"
t_err "--chdir into a directory the user may not enter fails: 125" 125 "closed: Permission denied" \
	kcg run t30/r --uid nobody --chdir "$tmp/closed" pwd
t_err "--chdir to nowhere: 125" 125 "nowhere: No such file" kcg run t30/r --chdir "$tmp/nowhere" pwd
t_eq "--setenv: repeatable, the value may hold '='" \
	"$(kcg run t30/r --setenv T30_A=1 --setenv T30_B=x=y -- sh -c 'echo $T30_A $T30_B')" "1 x=y"
t_eq "--setenv overrides what --uid sets" \
	"$(kcg run t30/r --uid nobody --setenv HOME=/t30 sh -c 'echo $HOME')" /t30
t_eq "--setenv leaves the rest of the environment" "$(T30_KEEP=k kcg run t30/r --setenv T30_A=1 \
	sh -c 'echo $T30_KEEP')" k
t_eq "--uid with --ns pid,mnt: pid 1 as nobody" \
	"$(kcg run t30/r --ns pid,mnt --uid nobody sh -c 'echo $$ $(id -u)')" "1 $(id -u nobody)"
t_eq "the exit status still comes back as nobody" \
	"$(kcg run t30/r --uid nobody sh -c 'exit 7' >/dev/null 2>&1; echo $?)" 7

# adopt without --name: a short default name that fits.
mkdir -p "$CG/t30-cg/docker-$id64.scope" "$CG/t30-cg/kubepods-burstable-pod$uid.slice" \
	"$CG/t30-cg/t30-nginx.service" "$CG/t30-cg/user@1000.service"
t_run "adopt docker-<id>.scope without --name" kcg adopt "/t30-cg/docker-$id64.scope"
t_eq "it is docker-<12 hex>, with the full cgroup path" \
	"$(kcg -j show docker-4f2b8c0d9e1a | jq -r .cgroup)" "/t30-cg/docker-$id64.scope"
t_run "adopt a kubepods burstable pod slice without --name" \
	kcg adopt "/t30-cg/kubepods-burstable-pod$uid.slice/"
t_eq "it is pod<uid>" "$(kcg -j show "pod$uid" | jq -r '.state | join(",")')" adopted
t_run "adopt NAME.service without --name" kcg adopt /t30-cg/t30-nginx.service
t_eq "the unit type is dropped" "$(kcg -j list | jq -r '.[].name' | grep -c '^t30-nginx$')" 1
t_err "no name fits user@1000.service: exit 2, use --name" 2 \
	"no default name fits 'user@1000\.service'.*give one with --name" \
	kcg adopt '/t30-cg/user@1000.service'
t_run "with --name it is adopted" kcg adopt '/t30-cg/user@1000.service' --name t30-at
t_eq "--name still wins over the default" "$(kcg -j show t30-at | jq -r .cgroup)" \
	'/t30-cg/user@1000.service'

# Bash completion with the module: group names from kcg list.
complete_words() {
	bash -c '. "$1/deploy/bash-completion/kcg"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kcg 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' _ "$KCG_REPO" kcg "$@"
}
t_run "setup: t30/o owned by uid 4321" kcg create t30/o --owner 4321
t_eq "completion: kcg show t30/ offers the groups" "$(complete_words show t30/)" "t30/a t30/o t30/r"
t_eq "completion: kcg run NAME, the groups" "$(complete_words run --ns pid t30/)" "t30/a t30/o t30/r"
t_eq "completion: an owner is offered its own groups only" \
	"$(as 4321 bash -c '. "$1/deploy/bash-completion/kcg"
		COMP_WORDS=(kcg freeze t30); COMP_CWORD=2; _kcg; echo "${COMPREPLY[*]}"' _ "$KCG_REPO")" t30/o

cleanup
trap - EXIT
tap_done
