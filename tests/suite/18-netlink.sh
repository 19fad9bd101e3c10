#!/bin/bash
# The module's own checks, bypassing the CLI's: strict per-op policies, range
# checks, name rules and extack messages. Then dumps across many messages,
# NLM_F_DUMP_INTR on concurrent change, and concurrent clients.
. "$(dirname "$0")/../lib/tap.sh"
nl="$KCG_REPO/tests/lib/kcgnl.py"

cleanup() {
	"$nl" delete t18/many 2000 >/dev/null 2>&1
	for g in $(kcg -j list | jq -r '.[].name' | grep '^t18' | sort -r); do
		kcg delete "$g" 2>/dev/null
	done
	kcg delete t18-deep 2>/dev/null
	# Deeper than PATH_MAX from /: each rmdir runs from its parent.
	[ -d $CG/t18-deep ] && find $CG/t18-deep -depth -type d -execdir rmdir {} +
}
trap cleanup EXIT
cleanup

t_eq "create through raw netlink" "$("$nl" raw group-new name=t18)" ok
t_match "unknown attribute is rejected (strict policy)" "$("$nl" raw group-new name=t18/a '#30=00000000')" \
	'^error EINVAL'
t_match "attribute not in this op's policy is rejected" "$("$nl" raw group-new name=t18/a force=1)" \
	'^error EINVAL'
t_eq "nothing made by the rejected requests" "$(test -e $CG/kcg/t18/a || echo none)" none
t_match "cpu-weight 0 is out of range in the policy" \
	"$("$nl" raw group-new name=t18/a limits.cpu-weight=0)" '^error ERANGE'
t_match "cpu-weight 10001 is out of range in the policy" \
	"$("$nl" raw group-new name=t18/a limits.cpu-weight=10001)" '^error ERANGE'
t_match "cpu-max period over 1 s is out of range" \
	"$("$nl" raw group-new name=t18/a limits.cpu-max-period=2000000)" '^error ERANGE'
t_match "cpu-max quota under 1 ms is out of range" \
	"$("$nl" raw group-new name=t18/a limits.cpu-max-quota=999)" '^error ERANGE'
t_match "signal 65 is out of range" "$("$nl" raw group-kill name=t18 signal=65)" '^error ERANGE'
t_match "group-new without a name says what is missing" "$("$nl" raw group-new)" '^error EINVAL'
t_match "kernel rejects '..'" "$("$nl" raw group-new name=t18/..)" \
	"^error EINVAL: '.' and '..' are not group names"
t_match "kernel rejects an empty level" "$("$nl" raw group-new name=t18//a)" \
	'^error EINVAL: group name has an empty level'
t_match "kernel rejects a 64-character level" \
	"$("$nl" raw group-new name=t18/$(printf 'x%.0s' {1..64}))" '^error ENAMETOOLONG'
t_match "kernel rejects bad characters" "$("$nl" raw group-new 'name=t18/a b')" \
	'^error EINVAL: group names use only'
t_match "kernel rejects a name longer than 255" \
	"$("$nl" raw group-new name=t18/$(printf 'y%.0s' {1..60})/$(printf 'y%.0s' {1..60})/$(printf 'y%.0s' {1..60})/$(printf 'y%.0s' {1..60})/$(printf 'y%.0s' {1..60}))" \
	'^error (ERANGE|EINVAL)'
t_match "set without limits says so" "$("$nl" raw group-set name=t18)" '^error EINVAL'
t_match "attach without a pid says so" "$("$nl" raw task-attach name=t18)" '^error EINVAL'
t_match "adopt of a path under the kcg root" "$("$nl" raw group-adopt name=zz cgroup-path=/kcg/t18)" \
	'^error EINVAL: the kcg root and the cgroups below it are groups already'
t_match "adopt of the kcg root spelt with '..'" \
	"$("$nl" raw group-adopt name=zz cgroup-path=/kcg/t18/../../kcg)" \
	"^error EINVAL: the kcg root and the cgroups below it are groups already"
t_match "adopt of a relative path" "$("$nl" raw group-adopt name=zz cgroup-path=kcg)" \
	"^error EINVAL: cgroup path must be absolute"
t_match "get by id of a missing group" "$("$nl" raw group-get id=1)" '^error ENOENT: no such group'
t_eq "get by id finds a group" "$("$nl" raw group-get id="$(stat -c %i $CG/kcg/t18)")" ok

# The family checks what older families leave unchecked (hole 13): ops
# without attributes take none, and the header's reserved field must be 0.
# One batch: python starts slowly under TCG.
out=$("$nl" batch <<'EOF'
version-get #1=00000000
event-subscribe #1=00000000
version-get
event-subscribe
--reserved 1 group-get name=t18
--reserved 1 group-new name=t18/r
group-get name=t18
EOF
)
mapfile -t answers <<<"$out"
t_match "version-get with an unknown attribute is rejected (strict)" "${answers[0]}" '^error EINVAL'
t_match "event-subscribe with an unknown attribute is rejected (strict)" "${answers[1]}" '^error EINVAL'
t_eq "version-get without attributes works" "${answers[2]}" ok
t_eq "event-subscribe without attributes works" "${answers[3]}" ok
t_match "a non-zero genlmsghdr reserved field is rejected (get)" "${answers[4]}" '^error EINVAL'
t_match "a non-zero genlmsghdr reserved field is rejected (new)" "${answers[5]}" '^error EINVAL'
t_eq "... and made nothing" "$(test -e $CG/kcg/t18/r && echo made || echo none)" none
t_eq "the same get with reserved 0 works" "${answers[6]}" ok

# A group whose message cannot fit an empty dump buffer: an adopted cgroup
# with a 4,090-character path (the reply needs > 4 KiB), dumped through a
# socket that never read more than 4,096 bytes (the kernel sizes dump
# buffers to the largest read). The dump must end in EMSGSIZE, not quietly
# leave the group out. The adopt asks for an echo of that big message: it
# must not report failure for an adoption it made, echo or no echo.
level=$(printf 'l%.0s' {1..200})
last=$(printf 's%.0s' {1..60})
(cd $CG && mkdir t18-deep && cd t18-deep &&
	for _ in $(seq 20); do mkdir "$level" && cd "$level" || exit 1; done && mkdir "$last")
deep=/t18-deep$(printf "/$level%.0s" {1..20})/$last
t_eq "setup: a cgroup path of 4090 characters" "${#deep}" 4090
groups_before=$(kcg -j list | jq length)
t_eq "adopt it with NLM_F_ECHO: success" \
	"$("$nl" raw --echo group-adopt name=t18-deep cgroup-path="$deep")" ok
t_eq "the group is there" "$(kcg -j list | jq -r '.[].name' | grep -c '^t18-deep$')" 1
t_eq "a dump through large reads has it" "$(kcg -j list | jq length)" "$((groups_before + 1))"
t_match "a dump through 4 KiB reads ends in EMSGSIZE, not a short dump" \
	"$("$nl" dump --recv 4096)" '^error EMSGSIZE'
t_run "unregister it" kcg delete t18-deep
t_match "with it gone, a dump through 4 KiB reads completes" "$("$nl" dump --recv 4096)" \
	"^$groups_before [0-9]+ [0-9]+ 0$"

# 2,000 groups: the dump spans many messages and must resume exactly.
kcg create t18/many
start=$SECONDS
t_run "create 2000 groups under t18/many" "$nl" create t18/many 2000
echo "# 2000 creates took $((SECONDS - start)) s"
read -r count messages batches intr <<<"$("$nl" dump t18/many)"
t_eq "dump of the subtree returns each of 2000 groups once" "$count" 2000
t_match "dump spans several receive batches" "$batches" '^([3-9]|[1-9][0-9]+)$'
t_eq "an undisturbed dump is not flagged interrupted" "$intr" 0
t_eq "CLI list sees all 2000 too" "$(kcg -j list | jq '[.[] | select(.parent == "t18/many")] | length')" 2000
read -r intr batches <<<"$("$nl" dump-intr t18)"
t_match "a change during the dump sets NLM_F_DUMP_INTR" "$intr" '^[1-9]'

# Concurrent clients: creates and deletes from 4 processes while dumping.
pids=()
for i in 1 2 3 4; do
	"$nl" churn t18 "$i" 50 & pids+=($!)
done
dumps_ok=0
for _ in 1 2 3; do
	"$nl" dump >/dev/null && dumps_ok=$((dumps_ok + 1))
done
churn_ok=0
for p in "${pids[@]}"; do
	wait "$p" && churn_ok=$((churn_ok + 1))
done
t_eq "4 concurrent create/delete loops all succeed" "$churn_ok" 4
t_eq "dumps during the churn succeed" "$dumps_ok" 3
t_eq "no churn group is left behind" "$(ls $CG/kcg/t18 | grep -c '^c[0-9]')" 0
t_run "delete 2000 groups" "$nl" delete t18/many 2000
t_eq "all 2000 cgroups are gone" "$(ls -d $CG/kcg/t18/many/g* 2>/dev/null | wc -l)" 0
tap_done
