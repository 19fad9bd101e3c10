#!/bin/bash
# Adopt: an existing cgroup is registered under a name, accounted, and
# never written to or removed by kcg.
. "$(dirname "$0")/../lib/tap.sh"

nl="$KCG_REPO/tests/lib/kcgnl.py"
sleeper=

cleanup() {
	[ -n "$sleeper" ] && kill -9 "$sleeper" 2>/dev/null && wait "$sleeper" 2>/dev/null
	for g in pod-t16 $(kcg -j list | jq -r '.[].name' | grep '^t16-'); do
		kcg delete "$g" 2>/dev/null
	done
	rmdir $CG/t16-pod/ctr $CG/t16-pod $CG/t16-a/b $CG/t16-a $CG/t16-t $CG/kcg/t16-hand 2>/dev/null
}
trap cleanup EXIT
cleanup

mkdir $CG/t16-pod
echo 100M > $CG/t16-pod/memory.max
controls=$(cat $CG/t16-pod/cgroup.subtree_control)
t_run "adopt a hand-made cgroup" kcg adopt /t16-pod --name pod-t16
t_match "it is listed as adopted" "$(kcg -j show pod-t16 | jq -r '.state | join(",")')" adopted
t_eq "its id is the cgroup's" "$(kcg_field pod-t16 .id)" "$(stat -c %i $CG/t16-pod)"
t_eq "its limits are read from the cgroup" "$(kcg_field pod-t16 .limits.memory_max)" 104857600
t_eq "adopt defaults the name to the last path level" "$(kcg adopt /t16-pod 2>&1)" \
	"kcg: adopt t16-pod: that cgroup is already a group"
t_err "set on an adopted group is refused" 1 "an adopted group is only accounted" \
	kcg set pod-t16 --memory-max 1G
t_err "freeze on an adopted group is refused" 1 "an adopted group is only accounted" kcg freeze pod-t16
t_err "child groups under an adopted group are refused" 1 "an adopted group takes no child groups" \
	kcg create pod-t16/x
t_eq "memory.max untouched" "$(cat $CG/t16-pod/memory.max)" 104857600
t_err "adopting a missing cgroup" 1 "no such cgroup" kcg adopt /t16-nope --name t16-other
t_err "adopting the root cgroup" 1 "the root cgroup cannot be adopted" kcg adopt / --name t16-other
t_err "adopting a file, not a cgroup" 1 "no such cgroup|cannot adopt" kcg adopt /t16-pod/memory.max \
	--name t16-other
t_run "delete unregisters the adopted group" kcg delete pod-t16
t_eq "the cgroup itself is still there" "$(test -d $CG/t16-pod && echo yes)" yes
t_eq "kcg enabled no controllers in it" "$(cat $CG/t16-pod/cgroup.subtree_control)" "$controls"
t_eq "no longer listed" "$(kcg -j list | jq -r '.[].name' | grep -c '^pod-t16$')" 0

# Issue 15: adopt decides on the cgroup a path reaches, not on its spelling.
t_err "adopting /./ (the root cgroup) is refused" 1 "root cgroup" kcg adopt /./ --name t16-c
kcg delete t16-c >/dev/null 2>&1
t_err "adopting /./kcg (the kcg root) is refused" 1 "kcg root" kcg adopt /./kcg --name t16-d
kcg delete t16-d >/dev/null 2>&1
t_err "adopting /kcg/../kcg is refused ('..' or the kcg root)" 1 "'\.\.'|kcg root" \
	kcg adopt /kcg/../kcg --name t16-e
kcg delete t16-e >/dev/null 2>&1

# Spellings the CLI would trim, through raw netlink in one batch (python
# starts slowly under TCG): spelling i is adopted as t16-xI, and a name the
# module took is forgotten again after. Each is WHAT:PATH, WHAT being what
# the path reaches.
kcg create t16-g >/dev/null
mkdir $CG/kcg/t16-hand	# below the kcg root, made by hand: not a group
spellings=(
	root:/ root:/. root:/./ root:/./. root:/.//
	kcg:/kcg kcg:/kcg/ kcg:/./kcg kcg:/kcg/. kcg:/kcg/./ kcg://kcg
	kcg:/kcg/t16-hand kcg:/./kcg/t16-hand kcg:/kcg/./t16-hand/ kcg:/kcg//t16-hand
	group:/kcg/t16-g group:/./kcg/t16-g group:/kcg/t16-g/
)
# (No process substitution: the VM has no /dev/fd.)
out=$(for i in "${!spellings[@]}"; do
	echo "group-adopt name=t16-x$i cgroup-path=${spellings[i]#*:}"
done | "$nl" batch)
mapfile -t answers <<<"$out"
for i in "${!spellings[@]}"; do
	path=${spellings[i]#*:}
	case ${spellings[i]%%:*}:$path in
	*//*) want='^error EINVAL' ;;	# may be refused for the '//' alone
	root:*) want='^error EINVAL: .*root cgroup' ;;
	kcg:*) want='^error EINVAL: .*kcg root' ;;
	group:*) want='^error (EINVAL: .*kcg root|EEXIST)' ;;	# a group already, too
	esac
	t_match "raw adopt of '$path' is refused (${spellings[i]%%:*})" "${answers[i]}" "$want"
	[ "${answers[i]}" = ok ] && kcg delete "t16-x$i" >/dev/null
done
kcg delete t16-g >/dev/null
rmdir $CG/kcg/t16-hand

# A cgroup reached through '.' and a trailing '/': stored as cgroupfs shows
# it, and refused as a group already under every other spelling.
mkdir -p $CG/t16-a/b $CG/t16-t
again=(/t16-a/b /t16-a/b/ /t16-a/b/. /t16-a/./b/./ /./t16-a/b)
out=$("$nl" batch <<EOF
group-adopt name=t16-ab cgroup-path=/t16-a/./b
$(for i in "${!again[@]}"; do echo "group-adopt name=t16-ab$i cgroup-path=${again[i]}"; done)
group-adopt name=t16-t cgroup-path=/t16-t/
EOF
)
mapfile -t answers <<<"$out"
t_eq "adopt /t16-a/./b" "${answers[0]}" ok
t_eq "... stores the normalised path" "$(kcg_field t16-ab .cgroup)" /t16-a/b
t_eq "... and is that cgroup" "$(kcg_field t16-ab .id)" "$(stat -c %i $CG/t16-a/b)"
sleep 1000 &
sleeper=$!
echo "$sleeper" > $CG/t16-a/b/cgroup.procs
t_eq "... the path /proc/PID/cgroup shows for a process in it" \
	"0::$(kcg_field t16-ab .cgroup)" "$(cat /proc/$sleeper/cgroup)"
kill -9 "$sleeper"
wait "$sleeper" 2>/dev/null
sleeper=
for i in "${!again[@]}"; do
	t_match "adopting it again as '${again[i]}' is EEXIST" "${answers[i + 1]}" \
		'^error EEXIST: .*already a group'
	[ "${answers[i + 1]}" = ok ] && kcg delete "t16-ab$i" >/dev/null
done
t_eq "adopt /t16-t/ (trailing '/')" "${answers[${#again[@]} + 1]}" ok
t_eq "... stores /t16-t" "$(kcg_field t16-t .cgroup)" /t16-t
t_run "unregister both" eval 'kcg delete t16-ab && kcg delete t16-t'
tap_done
