#!/bin/bash
# The CLI's views of one group and its processes, through the real tool:
# show -s (counters), ps [--tree], top with NAME, --depth, the terminal's
# size and wide names, and run --create/--rm. Bad input is checked too.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d /tmp/t32.XXXXXX)
chmod 755 "$tmp"
pids=()
groups=(t32/a/deep t32/a t32/o/sub t32/o t32 t32r/made/below t32r/made t32r/kept t32r)
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

t_run "setup: t32, t32/a, t32/a/deep, t32/o owned by 4321" eval \
	"kcg create t32 && kcg create t32/a && kcg create t32/a/deep && kcg create t32/o --owner 4321"
# A sleeper in t32 and one in t32/a; they accumulate counters.
sleep 600 &
pids+=($!)
kcg attach t32 $! >/dev/null
sleep 601 &
pids+=($!)
kcg attach t32/a $! >/dev/null
kcg run t32/a sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done'

# show -s: counters after the usual fields, text and JSON.
plain=$(kcg show t32)
with=$(kcg show t32 -s)
t_eq "show -s begins with the plain show output" "${with:0:${#plain}}" "$plain"
t_match "show -s: a line of own counters" "$with" '^own +cpu [0-9.]+[num]?s .*tasks 1( |$)'
t_match "show -s: a line of totals with the memory" "$with" '^total +cpu [0-9.]+[num]?s .* tasks [0-9]+ .*mem [0-9.]+[KMG]?'
t_eq "kcg -s show is kcg show -s" "$(kcg -s show t32 | sed '/^own\|^total/d')" "$plain"
t_eq "show --stats is the same" "$(kcg show --stats t32 | grep -c '^own \|^total ')" 2
t_eq "show without -s: no counters" "$(grep -c '^own \|^total ' <<<"$plain")" 0
j=$(kcg -j show -s t32)
t_eq "show -s -j: a stats object with timestamp_ns, own and total" \
	"$(jq -c '.stats | keys' <<<"$j")" '["own","timestamp_ns","total"]'
t_eq "show -s -j: own and total carry the keys kcg stats gives" \
	"$(jq -c '[.stats.own, .stats.total] | map(keys)' <<<"$j")" \
	"$(kcg -j stats t32 | jq -c '.[] | select(.name == "t32") | [.own, .total] | map(keys)')"
t_eq "show -s -j: own.tasks is the group's own sleeper" "$(jq .stats.own.tasks <<<"$j")" 1
t_eq "show -s -j: total.tasks counts t32/a's too" "$(jq .stats.total.tasks <<<"$j")" 2
t_eq "show -j without -s has no stats key" "$(kcg -j show t32 | jq 'has("stats")')" false
t_err "show -s of a missing group: one line, exit 1" 1 "^kcg: show t32/nope: " kcg show -s t32/nope
t_err "show -s as a stranger: refused, exit 1" 1 "^kcg: show t32: " as 4999 kcg show -s t32
t_match "show -s as the owner of t32/o: its own counters" "$(as 4321 kcg show -s t32/o)" '^own +cpu '
