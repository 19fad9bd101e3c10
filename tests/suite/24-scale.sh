#!/bin/bash
# Bounds and reloads at scale.
#
# 1. max_owner_groups: an owner may create at most that many groups below a
#    group an admin gave it; the next create is ENOSPC naming the parameter
#    and leaves nothing behind; cgroup.max.descendants on the owner's group
#    shows the bound.
# 2. A reload with 10,000 groups brings all of them back.
# 3. A reload with the deepest tree names allow (128 levels of one
#    character: 255 characters) succeeds with a clean kernel log and every
#    group back with its owner. Before the fix the load walk recursed once
#    per level and insmod overflowed the kernel stack: this part comes last
#    so that such a crash hides nothing else.
. "$(dirname "$0")/../lib/tap.sh"

nl=$KCG_REPO/tests/lib/kcgnl.py
param=/sys/module/kcg/parameters/max_owner_groups
saved_bound=
deep=q	# a one-character top-level name leaves room for 127 more levels
deepest=$deep$(printf '/a%.0s' {1..127})


# below TOP: every group below TOP, deepest first
below() { kcg -j list 2>/dev/null | jq -r --arg top "$1/" '.[].name | select(startswith($top))' | sort -r; }

cleanup() {
	local top
	grep -q '^kcg ' /proc/modules || insmod "$KCG_KO"
	[ -z "$saved_bound" ] || echo "$saved_bound" > "$param"
	for top in t24 t24big "$deep"; do
		# shellcheck disable=SC2046
		[ -d "$CG/kcg/$top" ] && "$nl" rm $(below "$top") "$top"
	done
	rm -f /tmp/t24-dmesg
}
trap cleanup EXIT
cleanup

none() { test -e "$CG/kcg/$1" && echo exists || echo none; }
listed() { kcg -j list | jq -r '.[].name' | grep -cx "$1"; }
# reload: rmmod and insmod; the kernel log they add must be clean.
reload() {
	local before
	before=$(dmesg | wc -l)
	rmmod kcg && insmod "$KCG_KO" || return 1
	dmesg | tail -n +$((before + 1)) > /tmp/t24-dmesg
	! grep -Eq 'BUG|WARNING|Oops|Call Trace|cannot register|skipping' /tmp/t24-dmesg
}

# --- 1. The per-owner bound ------------------------------------------------
t_eq "module parameter max_owner_groups exists and is writable" \
	"$(test -w "$param" && echo yes)" yes
saved_bound=$(cat "$param" 2>/dev/null)
{ echo 20 > "$param"; } 2>/dev/null
t_eq "max_owner_groups set to 20" "$(cat "$param" 2>/dev/null)" 20
t_run "root gives t24 to uid 1000" kcg create t24 --owner 1000
t_eq "cgroup.max.descendants on t24 shows the bound" "$(cat "$CG/kcg/t24/cgroup.max.descendants")" 20
t_run "the owner creates 2 nested groups below t24" \
	eval "as 1000 kcg create t24/a && as 1000 kcg create t24/a/b"
t_run "and 18 more (20 in all)" as 1000 "$nl" create t24 18
t_err "the 21st is refused, naming max_owner_groups" 1 "max_owner_groups" \
	as 1000 kcg create t24/a/b/c
t_match "the module's answer is ENOSPC" "$(as 1000 "$nl" raw group-new name=t24/g18)" \
	'^error ENOSPC: .*max_owner_groups'
t_eq "no cgroup left by the refused creates" "$(none t24/a/b/c) $(none t24/g18)" "none none"
t_eq "no group left by the refused creates" "$(listed t24/a/b/c) $(listed t24/g18)" "0 0"
t_eq "the owner has 20 groups below t24" "$(kcg -j list | jq -r '.[].name' | grep -c '^t24/')" 20
t_run "after deleting one, the owner may create one again" \
	eval "as 1000 kcg delete t24/g0 && as 1000 kcg create t24/g0b"
t_err "and the next is refused again" 1 "max_owner_groups" as 1000 kcg create t24/g0c
t_eq "no cgroup left by it" "$(none t24/g0c)" none
[ -n "$saved_bound" ] && echo "$saved_bound" > "$param"
saved_bound=
# shellcheck disable=SC2046
"$nl" rm $(below t24) t24

# --- 2. Reload with 10,000 groups ------------------------------------------
t_run "root creates t24big" kcg create t24big
start=$SECONDS
t_run "root creates 10,000 groups below t24big" "$nl" create t24big 10000
echo "# 10,000 creates took $((SECONDS - start)) s"
t_eq "a dump has all 10,000" "$("$nl" dump t24big | cut -d' ' -f1)" 10000
start=$SECONDS
if reload; then ok "rmmod + insmod with 10,000 groups, clean kernel log"; else
	not_ok "rmmod + insmod with 10,000 groups, clean kernel log" "$(head -n 20 /tmp/t24-dmesg)"; fi
echo "# the reload took $((SECONDS - start)) s"
t_eq "after the reload a dump has all 10,000" "$("$nl" dump t24big | cut -d' ' -f1)" 10000
start=$SECONDS
"$nl" delete t24big 10000
kcg delete t24big
echo "# 10,000 deletes took $((SECONDS - start)) s"

# --- 3. Reload with the deepest tree (last: the old module crashes here) ----
t_eq "setup: the deepest name is 255 characters" "${#deepest}" 255
t_run "root gives $deep to uid 1000" kcg create "$deep" --owner 1000
start=$SECONDS
t_run "the owner nests 127 levels below $deep" as 1000 "$nl" nest "$deep" a 127
echo "# 127 nested creates took $((SECONDS - start)) s"
t_eq "the deepest group exists, 128 levels" "$(test -d "$CG/kcg/$deepest" && echo yes)" yes
t_match "a 129th level is refused: the name would pass 255 characters" \
	"$(as 1000 "$nl" raw group-new name="$deepest/a")" '^error (ERANGE|EINVAL)'
t_eq "  ... and nothing made" "$(none "$deepest/a")" none
deep_groups() {	# name and owner of every group of the deep tree
	kcg -j list | jq -r --arg top "$deep" \
		'.[] | select(.name == $top or (.name | startswith($top + "/"))) | "\(.name) \(.owner)"' | sort
}
before=$(deep_groups)
t_eq "128 groups, each owned by 1000" "$(grep -c ' 1000$' <<<"$before")" 128
if reload; then ok "rmmod + insmod with a 128-level tree, clean kernel log"; else
	not_ok "rmmod + insmod with a 128-level tree, clean kernel log" "$(head -n 20 /tmp/t24-dmesg)"; fi
t_eq "every group is back with its owner" "$(deep_groups)" "$before"
t_run "the owner may delete the deepest group" as 1000 kcg delete "$deepest"
tap_done
