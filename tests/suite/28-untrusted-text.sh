#!/bin/bash
# Untrusted text never reaches a terminal raw, and JSON stays valid UTF-8.
# Any owner names its processes (comm) and an admin may adopt a cgroup whose
# directory name came from someone else: an escape sequence or an invalid
# UTF-8 byte there must come out of kcg escaped in text, and as valid JSON
# (strict UTF-8) with -j. See OUTPUT in kcg(8).
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t28.XXXXXX)
T=$tmp/monitor.txt	# kcg monitor t28
J=$tmp/monitor.json	# kcg -j monitor t28
pids=()
groups=(t28/bad t28 t28-pod)
# A cgroup directory name with ESC, an invalid UTF-8 byte and a backslash.
podname=$'t28-pod\e[7m\xff\\x'
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	rmdir "$CG/$podname" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
rmdir "$CG/$podname" 2>/dev/null

# Strict: undecodable bytes raise, so an invalid byte anywhere fails.
json_lines_ok() {
	python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin.buffer.read().decode("utf-8").splitlines()]'
}
# raw_bytes FILE: how many ESC (0x1b) and 0xff bytes FILE holds.
raw_bytes() { LC_ALL=C tr -dc '\033\377' < "$1" | wc -c; }
has_json() { grep -aqF "$2" "$1"; }

kcg -j monitor t28 > "$J" 2> "$tmp/j.err" &
pids+=($!)
kcg monitor t28 > "$T" 2> "$tmp/t.err" &
pids+=($!)
# Ready when both saw the marker group created; retry until they did.
ready=no
for _ in $(seq 30); do
	kcg create t28 >/dev/null
	if wait_until 2 eval "has_json '$J' '\"created\",\"name\":\"t28\"' && grep -aq ' created t28 ' '$T'"; then
		ready=yes
		break
	fi
	kcg delete t28 >/dev/null
done
t_eq "the monitors are ready (saw the marker group created)" "$ready" yes

# comm: ESC [7m, an invalid UTF-8 byte (0xff) and a backslash, 12 bytes
# (comm holds 15). PR_SET_NAME is 15.
kcg create t28/bad >/dev/null
kcg run t28/bad -- python3 -c '
import ctypes, sys
ctypes.CDLL(None, use_errno=True).prctl(15, b"\x1b[7mkcg\xff\\t28", 0, 0, 0)
sys.exit(3)' > /dev/null 2>&1
t_eq "the renamed process exited 3" $? 3
wait_until 10 grep -aq ' task-exit t28/bad ' "$T"
wait_until 10 has_json "$J" '"task-exit","name":"t28/bad"'
kill -INT "${pids[0]}" "${pids[1]}"
wait "${pids[0]}" "${pids[1]}" 2>/dev/null

t_match "text: the task-exit shows comm escaped" "$(grep -a ' task-exit t28/bad ' "$T" | cat -v)" \
	' comm \\x1b\[7mkcg\\xff\\\\t28 exit_code 3$'
t_eq "text: no raw ESC or 0xff byte in the monitor's output" "$(raw_bytes "$T")" 0
t_run "JSON: every line parses, as strict UTF-8" json_lines_ok < "$J"
t_eq "JSON: comm carries ESC as \\u001b, the bad byte as U+FFFD" \
	"$(python3 -c '
import json, sys
for l in open(sys.argv[1], "rb").read().decode("utf-8", "replace").splitlines():
    e = json.loads(l)
    if e.get("type") == "task-exit" and e.get("name") == "t28/bad":
        print(ascii(e.get("comm")))' "$J" 2>&1)" "'\\x1b[7mkcg\\ufffd\\\\t28'"
t_eq "JSON: no raw ESC in the monitor's output" "$(LC_ALL=C tr -dc '\033' < "$J" | wc -c)" 0
t_eq "the monitors wrote no errors" "$(cat "$tmp/t.err" "$tmp/j.err")" ""

# An adopted cgroup whose path holds the same kinds of bytes: list, show.
mkdir "$CG/$podname"
t_run "adopt a cgroup whose name holds ESC and 0xff" kcg adopt "/$podname" --name t28-pod
kcg list > "$tmp/list.txt" 2>&1
kcg show t28-pod > "$tmp/show.txt" 2>&1
t_eq "text list and show: no raw ESC or 0xff byte" \
	"$(raw_bytes "$tmp/list.txt")/$(raw_bytes "$tmp/show.txt")" 0/0
t_match "text show: the cgroup path escaped" "$(grep -a '^cgroup' "$tmp/show.txt" | cat -v)" \
	'^cgroup +/t28-pod\\x1b\[7m\\xff\\\\x$'
# A diagnostic carries the path too: no default name comes of its last level.
kcg adopt "/$podname" > /dev/null 2> "$tmp/adopt.err"
t_eq "a usage error naming the path: exit 2, no raw ESC or 0xff byte" \
	"$?/$(raw_bytes "$tmp/adopt.err")" 2/0
t_match "the usage error shows the name escaped" "$(cat -v "$tmp/adopt.err")" \
	"no default name fits 't28-pod\\\\x1b\\[7m\\\\xff\\\\\\\\x'"
kcg -j list > "$tmp/list.json"
t_run "JSON list parses as strict UTF-8" json_lines_ok < "$tmp/list.json"
t_eq "JSON show: the cgroup path with U+FFFD for the bad byte" \
	"$(kcg -j show t28-pod | python3 -c '
import json, sys
print(ascii(json.loads(sys.stdin.buffer.read().decode("utf-8", "replace"))["cgroup"]))')" \
	"'/t28-pod\\x1b[7m\\ufffd\\\\x'"

cleanup
trap - EXIT
tap_done
