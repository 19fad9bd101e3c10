#!/bin/bash
# kcg apply -f FILE: creates what is missing, sets what differs, reports it,
# does nothing the second time; --prune deletes unlisted groups below the
# file's groups; a bad file, a missing parent or a value the kernel refuses
# leave the groups as they were; an owner applies below its own group.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(mktemp -d)
groups=(t36/a/x t36/a/old t36/a t36/b t36/c t36/old/y t36/old t36 t36-other
	t36u/a/b t36u/a/old t36u/a t36u/z t36u)

cleanup() {
	for g in "${groups[@]}"; do
		kcg delete --force "$g" 2>/dev/null
	done
}
trap 'cleanup; rm -rf "$tmp"' EXIT
cleanup

cg() { cat "$CG/kcg/$1/$2" 2>/dev/null; }
exists() { test -d "$CG/kcg/$1" && echo yes || echo no; }

cat > "$tmp/groups.conf" <<'EOF'
# test 36
t36 --memory-max 256M --pids-max 100
t36/a --cpu-max 50%     # half a CPU
t36/a/x --memory-high=64M
t36/b --pids-max 10 --cpuset 0
EOF
chmod 644 "$tmp/groups.conf"
chmod 755 "$tmp"

out=$(kcg -j apply -f "$tmp/groups.conf")
t_eq "first apply: four groups created" "$(jq -c '[.changed, ([.actions[].action] | unique)]' <<<"$out")" \
	'[4,["create"]]'
t_eq "parents before children" "$(jq -r '[.actions[].group] | join(" ")' <<<"$out")" \
	"t36 t36/a t36/a/x t36/b"
t_eq "limits written" "$(cg t36 memory.max) $(cg t36 pids.max) $(cg t36/a cpu.max) $(cg t36/a/x memory.high)" \
	"268435456 100 50000 100000 67108864"
t_eq "cpuset written" "$(cg t36/b cpuset.cpus)" 0
t_eq "a create reports its limits" "$(jq -c '.actions[0].changes' <<<"$out")" \
	'[{"limit":"memory-max","from":null,"to":"256M"},{"limit":"pids-max","from":null,"to":"100"}]'

t_eq "second apply: nothing to change (text)" "$(kcg apply -f "$tmp/groups.conf")" "nothing to change"
t_eq "second apply: nothing to change (JSON)" "$(kcg -j apply -f "$tmp/groups.conf" | jq -c .)" \
	'{"dry_run":false,"actions":[],"changed":0}'

sed -i 's/--cpu-max 50%/--cpu-max 20%/' "$tmp/groups.conf"
t_eq "a changed limit: dry run says what it would set" "$(kcg apply --dry-run -f "$tmp/groups.conf")" \
	"set t36/a: cpu-max 50000/100000 -> 20000/100000
1 group would change"
t_eq "the dry run changed nothing" "$(cg t36/a cpu.max)" "50000 100000"
t_eq "a changed limit is set, and only it" "$(kcg apply -f "$tmp/groups.conf")" \
	"set t36/a: cpu-max 50000/100000 -> 20000/100000
1 group changed"
t_eq "cpu.max changed" "$(cg t36/a cpu.max)" "20000 100000"
t_eq "and stays: nothing to change" "$(kcg apply -f "$tmp/groups.conf")" "nothing to change"

# --prune: only below the file's groups, children first.
kcg create t36/old && kcg create t36/old/y && kcg create t36/a/old && kcg create t36-other
kcg create t36/c
t_eq "apply without --prune deletes nothing" "$(kcg apply -f "$tmp/groups.conf")" "nothing to change"
t_eq "--prune --dry-run lists the deletes, children first" \
	"$(kcg -j apply --prune --dry-run -f "$tmp/groups.conf" | jq -r '[.actions[] | .action + " " + .group] | join(",")')" \
	"delete t36/old/y,delete t36/old,delete t36/c,delete t36/a/old"
t_eq "--dry-run deleted nothing" "$(exists t36/old/y)" yes
t_run "--prune" kcg apply --prune -f "$tmp/groups.conf"
t_eq "unlisted groups below the file's are gone" \
	"$(exists t36/old/y) $(exists t36/old) $(exists t36/c) $(exists t36/a/old)" "no no no no"
t_eq "listed groups stay" "$(exists t36) $(exists t36/a) $(exists t36/a/x) $(exists t36/b)" "yes yes yes yes"
t_eq "a group outside the file's names stays" "$(exists t36-other)" yes

# Nothing half-applied.
printf 't36 --pids-max 50\nt36/new\nt36/a --bogus 1\n' > "$tmp/bad.conf"
t_err "a bad line: usage error with its line" 2 "bad.conf:3: unknown option '--bogus'" \
	kcg apply -f "$tmp/bad.conf"
t_eq "a bad line: nothing changed" "$(cg t36 pids.max) $(exists t36/new)" "100 no"
printf 't36 --pids-max 50\nt36/new\nt36/nope/z\n' > "$tmp/orphan.conf"
t_err "a group without a parent: refused before any change" 1 \
	"orphan.conf:3: the parent is neither in the file nor a group: 't36/nope/z'" \
	kcg apply -f "$tmp/orphan.conf"
t_eq "a missing parent: nothing changed" "$(cg t36 pids.max) $(exists t36/new)" "100 no"
# The kernel refuses CPU 63 (the VM has fewer): after a create and a set were done.
printf 't36 --pids-max 50\nt36/new --pids-max 5\nt36/b --cpuset 63\n' > "$tmp/refused.conf"
t_err "a value the kernel refuses: its message, and undone" 1 "set t36/b: .*cpuset" \
	kcg apply -f "$tmp/refused.conf"
t_eq "the set before it is undone" "$(cg t36 pids.max)" 100
t_eq "the create before it is undone" "$(exists t36/new)" no
t_eq "the refused group is as it was" "$(cg t36/b cpuset.cpus)" 0
t_eq "still nothing to change" "$(kcg apply -f "$tmp/groups.conf")" "nothing to change"

# An owner, without privileges, below its delegated group.
kcg create t36u --owner 1000 --pids-max 100
printf 't36u/a --pids-max 20\nt36u/a/b --memory-max 32M\n' > "$tmp/owner.conf"
chmod 644 "$tmp/owner.conf"
t_run "the owner applies below its group" as 1000 kcg apply -f "$tmp/owner.conf"
t_eq "its groups are made, with their limits and its uid" \
	"$(cg t36u/a pids.max) $(cg t36u/a/b memory.max) $(kcg_field t36u/a/b .owner)" "20 33554432 1000"
t_eq "the owner's second apply: nothing to change" "$(as 1000 kcg apply -f "$tmp/owner.conf")" \
	"nothing to change"
as 1000 kcg create t36u/a/old && as 1000 kcg create t36u/z
t_run "the owner prunes below its file's groups" as 1000 kcg apply --prune -f "$tmp/owner.conf"
t_eq "its unlisted group below is gone, the one beside stays" "$(exists t36u/a/old) $(exists t36u/z)" "no yes"
printf 't36u --pids-max 1000\nt36u/a --pids-max 30\n' > "$tmp/owner-up.conf"
chmod 644 "$tmp/owner-up.conf"
t_err "the owner may not set its own group: the module's EPERM" 1 "only the owner of a group above" \
	as 1000 kcg apply -f "$tmp/owner-up.conf"
t_eq "and nothing was changed" "$(cg t36u pids.max) $(cg t36u/a pids.max)" "100 20"

tap_done
