#!/bin/bash
# The CLI's views of one group and its processes, through the real tool:
# show -s (counters), ps [--tree], top with NAME, --depth, the terminal's
# size and wide names, and run --create/--rm. Bad input is checked too.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t32.XXXXXX)
chmod 755 "$tmp"
pids=()
long=t32/b/$(printf "wide%.0s" {1..15})	# 66 characters
groups=("$long" t32/a t32/b/deep t32/b t32/o/sub t32/o/w t32/o t32 t32r/made/below t32r/made t32r/kept t32r)
remove_groups() {
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
}
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	remove_groups
	rm -rf "$tmp"
}
trap cleanup EXIT
remove_groups

# Processes sit in leaves only (cgroup v2): t32/a, t32/b/deep, t32/o/sub, t32/o/w.
t_run "setup: t32 with a, b/deep, and o (owned by 4321) with sub and w" eval \
	"kcg create t32 && kcg create t32/a && kcg create t32/b && kcg create t32/b/deep &&
	kcg create t32/o --owner 4321 && kcg create t32/o/sub && kcg create t32/o/w"
# Two sleepers in t32/a; a busy loop there adds counters.
sleep 600 &
pids+=($!)
sleep 601 &
pids+=($!)
t_run "setup: the sleepers into t32/a" kcg attach t32/a "${pids[@]}"
kcg run t32/a sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done'

# show -s: counters after the usual fields, text and JSON.
plain=$(kcg show t32/a)
with=$(kcg show t32/a -s)
t_eq "show -s begins with the plain show output" "${with:0:${#plain}}" "$plain"
t_match "show -s: a line of own counters" "$with" '^own +cpu [0-9.]+[num]?s .*forks [0-9]+ exits [0-9]+ tasks 2$'
t_match "show -s: a line of totals with the memory" "$with" '^total +cpu [0-9.]+[num]?s .* tasks 2 mem [0-9.]+[KMG]? '
t_eq "kcg -s show is kcg show -s" "$(kcg -s show t32/a)" "$with"
t_eq "show -s: own and total are its last two lines" "$(kcg show t32/a -s | tail -2 | cut -d' ' -f1)" "own
total"
t_eq "show --stats is -s" "$(kcg show --stats t32/a | grep -c '^own \|^total ')" 2
t_eq "show without -s: no counters" "$(grep -c '^own \|^total ' <<<"$plain")" 0
j=$(kcg -j show -s t32)
t_eq "show -s -j: a stats object with timestamp_ns, own and total" \
	"$(jq -c '.stats | keys' <<<"$j")" '["own","timestamp_ns","total"]'
t_eq "show -s -j: own and total carry the keys kcg stats gives" \
	"$(jq -c '[.stats.own, .stats.total] | map(keys)' <<<"$j")" \
	"$(kcg -j stats t32 | jq -c '.[] | select(.name == "t32") | [.own, .total] | map(keys)')"
t_eq "show -s -j: t32 has no task of its own, 2 in total" "$(jq -c '[.stats.own.tasks, .stats.total.tasks]' <<<"$j")" "[0,2]"
t_eq "show -s -j: t32/a's cpu time counts the loop" "$(kcg -j show -s t32/a | jq '.stats.own.cpu_ns > 0')" true
t_eq "show -j without -s has no stats key" "$(kcg -j show t32 | jq 'has("stats")')" false
t_err "show -s of a missing group: one line, exit 1" 1 "^kcg: show t32/nope: " kcg show -s t32/nope
t_err "show -s as a stranger: refused, exit 1" 1 "^kcg: show t32: " as 4999 kcg show -s t32
t_match "show -s as the owner of t32/o: its own counters" "$(as 4321 kcg show -s t32/o)" '^own +cpu '

# ps: the group's processes by pid, user and command; --tree adds the groups below.
deep_pid=$(kcg run t32/b/deep sh -c 'sleep 602 >/dev/null & echo $!')
pids+=("$deep_pid")
owned=$(kcg run t32/o/sub --uid nobody sh -c 'sleep 603 >/dev/null & echo $!')
pids+=("$owned")
p=$(kcg ps t32/a)
t_eq "ps: a header, then the group's processes" "$(sed -n 1p <<<"$p" | xargs)" "PID USER COMMAND"
t_match "ps: pid, user and the whole command line" "$(sed -n 2p <<<"$p")" "^ +${pids[0]} root +sleep 600$"
t_eq "ps: by pid, nothing else" "$(awk 'NR > 1 {print $1}' <<<"$p" | xargs)" "${pids[0]} ${pids[1]}"
t_eq "ps -j: pid, uid, user and command" "$(kcg ps t32/a -j | jq -c '.[0] | [.pid, .uid, .user, .command]')" \
	"[${pids[0]},0,\"root\",\"sleep 600\"]"
t_eq "ps of a group without processes: the header alone; JSON []" \
	"$(kcg ps t32/o/w | xargs)/$(kcg -j ps t32)" "PID USER COMMAND/[]"
norm() { sed -E 's/^( *)[0-9]+ +([^ ]+) +/\1PID \2 /'; }
t_eq "ps --tree: each group a heading, its processes under it, indented by depth" \
	"$(kcg ps t32 --tree | norm)" \
	"t32:
  t32/a:
    PID root sleep 600
    PID root sleep 601
  t32/b:
    t32/b/deep:
      PID root sleep 602
  t32/o:
    t32/o/sub:
      PID nobody sleep 603
    t32/o/w:"
t_eq "ps --tree -j: groups with name, cgroup and processes" \
	"$(kcg -j ps --tree t32 | jq -c '[.[] | [.name, .cgroup, (.processes | map(.pid))]]')" \
	"[[\"t32\",\"/kcg/t32\",[]],[\"t32/a\",\"/kcg/t32/a\",[${pids[0]},${pids[1]}]],[\"t32/b\",\"/kcg/t32/b\",[]],[\"t32/b/deep\",\"/kcg/t32/b/deep\",[$deep_pid]],[\"t32/o\",\"/kcg/t32/o\",[]],[\"t32/o/sub\",\"/kcg/t32/o/sub\",[$owned]],[\"t32/o/w\",\"/kcg/t32/o/w\",[]]]"
t_eq "ps --tree of a group without children: its heading and processes" \
	"$(kcg ps --tree t32/b/deep | norm)" "t32/b/deep:
  PID root sleep 602"
nameless=$(kcg run t32/o/w --uid 4777 --gid 4777 sh -c 'sleep 604 >/dev/null & echo $!')
pids+=("$nameless")
t_eq "ps: a uid without a passwd name is its number; JSON null" \
	"$(kcg ps t32/o/w | awk 'NR == 2 {print $2}') $(kcg -j ps t32/o/w | jq -c '.[0] | [.uid, .user]')" \
	"4777 [4777,null]"
t_eq "ps as the owner: its own subtree" "$(as 4321 kcg ps --tree t32/o | norm)" "t32/o:
  t32/o/sub:
    PID nobody sleep 603
  t32/o/w:
    PID 4777 sleep 604"
t_err "ps as a stranger: refused like show, exit 1" 1 "^kcg: ps t32: " as 4999 kcg ps t32
t_err "ps as the owner above its own group: refused, exit 1" 1 "^kcg: ps t32: " as 4321 kcg ps t32
t_err "ps of a missing group: exit 1" 1 "^kcg: ps t32/nope: " kcg ps t32/nope
t_err "ps with a bad name: usage, exit 2" 2 "^kcg: ps: bad group name" kcg ps 't32/../x'
t_err "ps with no name: usage, exit 2" 2 "^kcg: ps: missing group name" kcg ps --tree
t_err "ps with an unknown option: exit 2" 2 "^kcg: ps: unknown option '--all'" kcg ps t32 --all
t_err "ps with two names: exit 2" 2 "unexpected argument 't32/a'" kcg ps t32 t32/a
# In a cgroup namespace rooted at t32/b/deep, with its own cgroup2 mount, t32 is out of sight.
ns_out=$(kcg run t32/b/deep --ns mnt unshare --cgroup sh -c \
	'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && kcg ps t32' 2>&1)
t_eq "ps of a group outside the caller's cgroup namespace: one clear line, exit 1" \
	"$? $(sed -E 's|/\.\.[^ ]*|/..|' <<<"$ns_out")" "1 kcg: ps t32: its cgroup /.. is in no cgroup2 mount here"

# top: NAME filter, --depth, the terminal's size, wide names.
t_run "setup: a group with a 66-character name" kcg create "$long"
# top_names ARGS...: the names of one batch frame's rows, sorted.
top_names() { kcg top --batch --count 1 --interval 0.2 --sort name "$@" | awk 'NR > 2 {print $1}' | xargs; }
t_eq "top NAME: that group and its subtree" "$(top_names t32/b)" "t32/b t32/b/deep $long"
t_eq "top NAME NAME: the union" "$(top_names t32/o/w t32/a)" "t32/a t32/o/w"
t_eq "top NAME --depth 1: one level below NAME" "$(top_names t32 --depth 1)" "t32 t32/a t32/b t32/o"
t_eq "top NAME --depth 0: NAME alone" "$(top_names --depth 0 t32/o)" "t32/o"
t_eq "top --depth 1 without NAME: top-level groups only" \
	"$(top_names --depth 1 | tr ' ' '\n' | grep -c /)" 0
t_match "top --depth 2 without NAME: t32's children, not deeper" "$(top_names --depth 2)" \
	"t32 t32/a t32/b t32/o( |$)"
t_eq "top -j NAME --depth: JSON rows of the same groups" \
	"$(kcg -j top t32 --depth 1 --count 1 --interval 0.2 | jq -r '.[].name' | sort | xargs)" "t32 t32/a t32/b t32/o"
frame=$(kcg top t32 --batch --count 1 --interval 0.2 | tail -n +2)
t_eq "batch: the NAME column widens to the longest name; every line as long as the header" \
	"$(awk '{print length($0)}' <<<"$frame" | sort -u | wc -l)/$(grep -c "^$long " <<<"$frame")" "1/1"
t_eq "top as the owner: its own subtree only" \
	"$(as 4321 kcg top --batch --count 1 --interval 0.2 --sort name | awk 'NR > 2 {print $1}' | xargs)" \
	"t32/o t32/o/sub t32/o/w"
t_err "top NAME the caller may not see: one line, exit 1" 1 "^kcg: top t32: " \
	as 4321 kcg top t32 --batch --count 1 --interval 0.2
t_err "top of a missing group: exit 1" 1 "^kcg: top t32/nope: " kcg top t32/nope --batch --count 1
t_err "top --depth -1: usage, exit 2" 2 "bad --depth '-1'" kcg top --depth -1
t_err "top --depth 0 without NAME: usage, exit 2" 2 "depth 0 shows the NAMEs alone" kcg top --depth 0

# The live view in a pseudo-terminal (script(1)): 8 lines, 80 columns.
live() {
	script -qfec "stty rows $1 cols $2; $3" /dev/null < /dev/null | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\r//g'
}
out=$(live 8 80 "kcg top --count 1 --interval 0.3 --sort name")
t_match "live, 8 lines: rows that do not fit are counted on the last line" "$out" \
	'^\([0-9]+ more groups? below; the terminal is 7 lines high\)$'
t_eq "live, 8 lines: title, header, 4 rows and that line" \
	"$(grep -c . <<<"$out")" 7
out=$(live 40 80 "kcg top t32 --count 1 --interval 0.3 --sort name")
t_eq "live, 80 columns: no line is longer" "$(awk 'length($0) > 80' <<<"$out")" ""
t_match "live, 80 columns: the wide name is cut at its start, marked" "$out" \
	'^\.\.\.(wide)+ +[0-9.-]'
t_eq "live: the whole of a frame fits, no 'more' line" "$(grep -c 'more group' <<<"$out")" 0
# Resized between frames: SIGWINCH redraws at once, at the new size.
out=$(live 40 100 "kcg top --count 2 --interval 3 --sort name & sleep 4.5; stty rows 6; wait")
t_eq "SIGWINCH: a frame between the two, drawn at once" "$(grep -c '^kcg top  ' <<<"$out")" 3
t_match "SIGWINCH: the redrawn frame fits the new height" "$out" \
	'^\([0-9]+ more groups? below; the terminal is 5 lines high\)$'

# run --create [LIMITS] [--rm]: a group made for CMD, removed after it.
t_run "setup: t32r to run below" kcg create t32r
gone() { ! kcg show "$1" >/dev/null 2>&1; }
t_eq "run --create LIMITS --rm: CMD runs in the new group, with the limits" \
	"$(kcg run t32r/made --create --memory-max 64M --pids-max 20 --rm sh -c \
		'cat /proc/self/cgroup /sys/fs/cgroup/kcg/t32r/made/memory.max /sys/fs/cgroup/kcg/t32r/made/pids.max')" \
	"0::/kcg/t32r/made
67108864
20"
t_run "--rm: the group is gone after CMD" gone t32r/made
t_eq "--rm: CMD's exit status is kept" "$(kcg run t32r/made --create --rm sh -c 'exit 7'; echo $?)" 7
t_run "--rm after a failing CMD: gone too" gone t32r/made
left=$(kcg run t32r/made --create --rm sh -c 'sleep 300 >/dev/null 2>&1 & echo $!')
t_eq "--rm: what CMD left running is killed, the group removed" \
	"$(kill -0 "$left" 2>/dev/null && echo alive || echo killed) $(gone t32r/made && echo gone)" "killed gone"
# (A group holds tasks or child groups, not both: CMD steps out to the root first.)
t_eq "--rm: groups CMD made below are removed first" \
	"$(kcg run t32r/made --create --rm sh -c 'echo $$ > /sys/fs/cgroup/cgroup.procs &&
		kcg create t32r/made/below && kcg attach t32r/made/below $$ && cat /proc/self/cgroup' 2>&1; \
		gone t32r/made/below && gone t32r/made && echo removed)" "0::/kcg/t32r/made/below
removed"
kcg run t32r/made --create --rm sleep 300 &
job=$!
wait_until 20 eval "kcg ps t32r/made | grep -q 'sleep 300'"
kill -TERM "$job"
wait "$job"
rc=$?
t_eq "--rm: SIGTERM to kcg reaches CMD (143), then the group is removed" "$rc $(gone t32r/made && echo gone)" "143 gone"
t_eq "run --create without --rm: the group stays" \
	"$(kcg run t32r/made --create true && kcg -j show t32r/made | jq -r .name)" t32r/made
t_eq "run --create of an existing group without LIMITS: used as it is" \
	"$(kcg run t32r/made --create cat /proc/self/cgroup)" "0::/kcg/t32r/made"
t_run "setup: t32r/kept with pids.max 30" kcg create t32r/kept --pids-max 30
t_err "run --create LIMITS of an existing group: exit 125, not changed" 125 \
	"^kcg: run t32r/kept: the group exists already; --create with limits needs a new one" \
	kcg run t32r/kept --create --pids-max 5 true
t_eq "... its limits are as they were" "$(kcg_field t32r/kept .limits.pids_max)" 30
t_err "run --create --rm of an existing group: exit 125" 125 "the group exists already; --rm needs a new one" \
	kcg run t32r/kept --create --rm true
t_run "... and it is not removed" kcg show t32r/kept
t_err "run --create below a missing parent: the module's error, exit 125" 125 "^kcg: run --create t32r/nope/x: " \
	kcg run t32r/nope/x --create true
t_err "run --create with a bad limit: usage, exit 2" 2 "bad --memory-max 'lots'" \
	kcg run t32r/made --create --memory-max lots true
t_err "run --rm without --create: usage, exit 2" 2 "--rm goes with --create" kcg run t32r/kept --rm true
t_err "run with limits and no --create: usage, exit 2" 2 "limits go with --create" \
	kcg run t32r/kept --pids-max 5 true
t_eq "run --create --rm as the owner, below its own group" \
	"$(as 4321 kcg run t32/o/job --create --pids-max 10 --rm cat /proc/self/cgroup; gone t32/o/job && echo gone)" \
	"0::/kcg/t32/o/job
gone"
t_err "run --create as a stranger: refused, exit 125" 125 "^kcg: run --create t32/o/job: " \
	as 4999 kcg run t32/o/job --create true
t_run "... and nothing was made" gone t32/o/job

cleanup
trap - EXIT
tap_done
