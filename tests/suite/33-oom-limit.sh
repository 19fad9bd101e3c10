#!/bin/bash
# An oom-kill event names the group whose memory limit was hit, not only
# the victim's: a hog in t33/u/hog under t33's memory.max names t33 (whose
# memory.events.local oom rose), a hog under its own group's limit names
# that group; an owner below t33 gets the kill without t33's name.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t33.XXXXXX)
chmod 755 "$tmp"
A=$tmp/a.json	# root: kcg -j monitor t33
B=$tmp/b.json	# uid 1000, the owner of t33/u
pids=()
groups=(t33/u/hog t33/u t33/self t33)

cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
for g in "${groups[@]}"; do kcg delete --force "$g" 2>/dev/null; done

kcg create t33 --memory-max 24M && kcg create t33/u --owner 1000 && kcg create t33/u/hog
touch "$B" && chmod 666 "$B"
kcg -j monitor t33 > "$A" 2> "$tmp/a.err" &
disown
pids+=($!)
(as_job 1000 kcg -j monitor > "$B" 2> "$tmp/b.err") &
disown
pids+=($!)
# Both monitors subscribed: each has seen an event made after they started.
for i in 1 2 3 4 5 6 7 8 9 10; do
	kcg set t33/u/hog --pids-max $((100 + i)) >/dev/null
	ev_has "$A" '.type == "set" and .name == "t33/u/hog"' &&
		ev_has "$B" '.type == "set" and .name == "t33/u/hog"' && break
	sleep 0.5
done

hog() {
	kcg run "$1" -- python3 -c 'x = b"a" * (256 << 20)' > /dev/null 2>&1
}
oom_local() { sed -n 's/^oom //p' "$CG/kcg/$1/memory.events.local"; }

hog t33/u/hog
t_eq "the hog below t33 died of SIGKILL" $? 137
wait_until 10 ev_has "$A" '.type == "oom-kill" and .name == "t33/u/hog"'
t_eq "oom-kill: the victim's group" "$(ev_field "$A" '.type == "oom-kill"' name)" t33/u/hog
t_eq "oom-kill: the limit was t33's" "$(ev_field "$A" '.type == "oom-kill"' limit_group)" t33
t_eq "the kernel agrees: t33's own oom count rose, the hog's group's did not" \
	"$(oom_local t33) $(oom_local t33/u/hog)" "1 0"
wait_until 10 ev_has "$B" '.type == "oom-kill" and .name == "t33/u/hog"'
t_eq "the owner of t33/u gets the kill" "$(ev_count "$B" '.type == "oom-kill" and .name == "t33/u/hog"')" 1
t_eq "but not the name of t33, which it may not see" \
	"$(ev_field "$B" '.type == "oom-kill"' limit_group)" none

kcg create t33/self --memory-max 16M
hog t33/self
t_eq "the hog in t33/self died of SIGKILL" $? 137
wait_until 10 ev_has "$A" '.type == "oom-kill" and .name == "t33/self"'
t_eq "oom-kill under its own group's limit names that group" \
	"$(ev_field "$A" '.type == "oom-kill" and .name == "t33/self"' limit_group)" t33/self
t_eq "t33's count is unchanged" "$(oom_local t33) $(oom_local t33/self)" "1 1"
kcg monitor t33 > "$tmp/t.txt" 2>/dev/null &
disown
pids+=($!)
sleep 1
hog t33/u/hog
wait_until 10 grep -q ' oom-kill t33/u/hog ' "$tmp/t.txt"
t_match "the text form: limit GROUP" "$(grep ' oom-kill t33/u/hog ' "$tmp/t.txt")" ' limit t33$'

tap_done
