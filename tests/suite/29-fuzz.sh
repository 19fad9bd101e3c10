#!/bin/bash
# The spec-driven netlink fuzzer (tests/fuzz) against the module from four
# roles at once: root, confined to its own prefix; the owner (uid 1000) of a
# group made for it; a stranger (uid 2000), for whom any group it sees is a
# finding; and root of a user namespace made by uid 3000, in a network
# namespace of its own (subscriptions work in any). Root and the owner
# run a fork/exit loop, a memory hog and sleepers in their groups. A role
# fails on any finding (a reply that breaks netlink or the spec, a missing
# answer, an unfinished dump, a hang). Then the registry and cgroupfs must
# agree on everything the roles left, and the fuzzer's cleanup must leave
# nothing behind. With --reload, the module is also unloaded and loaded
# again every S seconds while they run (the fuzzers follow the family to its
# new id); the registry it rebuilds must still agree with cgroupfs.
#   29-fuzz.sh [--count N] [--seed S] [--reload S]   N messages in all (50000)
. "$(dirname "$0")/../lib/tap.sh"

count=50000
reload=0
seed=$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')
while [ $# -gt 0 ]; do
	case $1 in
	--count) count=$2; shift 2 ;;
	--seed)  seed=$2; shift 2 ;;
	--reload) reload=$2; shift 2 ;;
	'') shift ;;	# tests/vm/run passes one empty argument when given none
	*) echo "29-fuzz: unknown argument $1" >&2; exit 2 ;;
	esac
done
seed=$((16#${seed#0x}))
fuzz=$KCG_REPO/build/fuzz/kcg-fuzz
R=fz29r		# root's prefix
O=fz29o		# the owner's group
out=
ours="^($R|$O)([^A-Za-z0-9]|$)"


cleanup() {
	for p in "${role_pids[@]}" $reloader; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	grep -q '^kcg ' /proc/modules || insmod "$KCG_KO"
	"$fuzz" --cleanup --prefix $R > /dev/null 2>&1
	kcg delete --force $O 2>/dev/null
	[ -n "$out" ] && rm -rf "$out"
}
role_pids=()
reloader=
trap cleanup EXIT
cleanup
out=$(mktemp -d /tmp/fz29.XXXXXX)
chmod 755 "$out"

t_run "the fuzzer is built" test -x "$fuzz"
t_run "root makes the owner's group" kcg create $O --owner 1000

# What the fuzzer found first: the name check took the kernel's isalnum(),
# which is Latin-1, so "caf\xe9" was a name. Bytes, so raw netlink.
group_new_hex() {	# group_new_hex HEXNAME: "ok" or "error ERRNO"
	python3 - "$1" <<'PY'
import os, sys
sys.path.insert(0, os.environ["KCG_REPO"] + "/tests/lib")
import kcgnl
g = kcgnl.Genl()
try:
    g.kcg("group-new", kcgnl.nla(kcgnl.ATTRS[("group", "name")], bytes.fromhex(sys.argv[1]) + b"\0"))
    print("ok")
except OSError as e:
    print("error", os.strerror(e.errno))
PY
}
hex=$(printf '%s' "$R-" | od -An -tx1 | tr -d ' \n')
t_match "a Latin-1 letter (0xe9) is no letter in a group name" "$(group_new_hex "${hex}636166e9")" \
	'^error Invalid argument'
t_match "nor is 0xff" "$(group_new_hex "${hex}ff")" '^error Invalid argument'

# Shares of the messages. Root's and the owner's requests really change
# groups (cgroup writes, freezes and their waits) and cost several times
# what a refused one costs under TCG; the shares keep the run well under
# three minutes on a busy host.
declare -A share=([root]=10 [owner]=10 [stranger]=40 [userns]=40)
declare -A role_seed
i=1
for role in root owner stranger userns; do
	role_seed[$role]=$(printf '%#x' $((seed + i)))
	i=$((i + 1))
done
n() { echo $((count * ${share[$1]} / 100)); }
echo "# seed $(printf '%#x' "$seed"): root ${role_seed[root]}, owner ${role_seed[owner]}," \
	"stranger ${role_seed[stranger]}, userns ${role_seed[userns]}"

start=$SECONDS
"$fuzz" --seed "${role_seed[root]}" --count "$(n root)" --workers 2 --prefix $R --workload \
	--foreign $O --keep --verbose > "$out/root" 2>&1 &
role_pids+=($!)
as 1000 "$fuzz" --seed "${role_seed[owner]}" --count "$(n owner)" --workers 2 --prefix $O \
	--base $O --workload --foreign $R --keep --verbose > "$out/owner" 2>&1 &
role_pids+=($!)
as 2000 "$fuzz" --seed "${role_seed[stranger]}" --count "$(n stranger)" --workers 1 \
	--prefix fz29s --stranger --foreign $R --foreign $O --verbose > "$out/stranger" 2>&1 &
role_pids+=($!)
as 3000 unshare -U -r -n "$fuzz" --seed "${role_seed[userns]}" --count "$(n userns)" --workers 1 \
	--prefix fz29u --foreign $R --foreign $O --verbose > "$out/userns" 2>&1 &
role_pids+=($!)

if [ "$reload" -gt 0 ]; then
	# rmmod fails while a dump holds the module: then the next round tries.
	while sleep "$reload"; do
		rmmod kcg 2>> "$out/rmmod.err" || continue
		insmod "$KCG_KO" || { echo "insmod failed"; break; }
		echo reloaded
	done > "$out/reloads" &
	reloader=$!
fi

total=0
i=0
for role in root owner stranger userns; do
	wait "${role_pids[$i]}"
	rc=$?
	i=$((i + 1))
	grep '^kcg-fuzz: \(seed\|[0-9]* messages\|answers\|errors\|time in\|acknowledged\|findings\)' "$out/$role" |
		sed "s/^kcg-fuzz:/# $role:/"
	if [ $rc = 0 ]; then
		ok "$role: no findings"
	else
		not_ok "$role: no findings (exit $rc; replay with --seed ${role_seed[$role]})" \
			"$(grep -v '^kcg-fuzz: worker' "$out/$role" | head -60)"
	fi
	sent=$(sed -n 's/^kcg-fuzz: result .* messages=\([0-9]*\) .*/\1/p' "$out/$role")
	t_run "$role: sent its $(n $role) messages" test "${sent:-0}" -ge "$(n $role)"
	total=$((total + ${sent:-0}))
done
role_pids=()
# The harness keeps its output directory: the role logs go there too.
[ -d "${KCG_OUT:-}" ] && for role in root owner stranger userns; do
	cp "$out/$role" "$KCG_OUT/fuzz-$role.log"
done
echo "# $total messages in $((SECONDS - start)) s"
if [ -n "$reloader" ]; then
	kill "$reloader"
	wait "$reloader" 2>/dev/null
	reloader=
	while pgrep -x 'rmmod|insmod' > /dev/null; do sleep 0.2; done
	grep -q '^kcg ' /proc/modules || insmod "$KCG_KO"
	refused=$(grep -c . "$out/rmmod.err" 2>/dev/null)
	echo "# $(grep -c reloaded "$out/reloads") reloads, ${refused:-0} refused (module busy)"
	t_eq "every insmod worked" "$(grep -c 'insmod failed' "$out/reloads")" 0
	t_run "the module was reloaded under the fuzzers" grep -q reloaded "$out/reloads"
fi
t_run "at least $count messages in all" test "$total" -ge "$count"
t_eq "no fuzzer or workload process is left" "$(pgrep -fa kcg-fuzz)" ""

# What the roles left (they ran with --keep): the registry is a cache of
# the cgroup tree, so both must say the same about every group, owner included.
agree() {
	kcg -j list | python3 -c '
import json, os, re, sys
ours = re.compile(sys.argv[1])
cg = "/sys/fs/cgroup"
groups = [g for g in json.load(sys.stdin) if ours.match(g["name"])]
listed = set()
for g in groups:
    path = cg + g["cgroup"]
    if g["cgroup"] != "/kcg/" + g["name"]:          # adopted: lives outside /kcg
        if not os.path.isdir(path) or not ours.match(g["cgroup"].lstrip("/")):
            print("adopted %s: %s is not one of ours or is gone" % (g["name"], g["cgroup"]))
        continue
    listed.add(g["name"])
    if not os.path.isdir(path):
        print("%s: listed, but %s is gone" % (g["name"], path))
        continue
    try:
        owner = int(os.getxattr(path, "trusted.kcg.owner"))
    except OSError:
        owner = None
    if owner != g.get("owner"):
        print("%s: owner %s in the registry, %s on the cgroup" % (g["name"], g.get("owner"), owner))
for top in os.listdir(cg + "/kcg"):
    if not ours.match(top) or not os.path.isdir(cg + "/kcg/" + top):
        continue
    for d, _, _ in os.walk(cg + "/kcg/" + top):
        name = d[len(cg + "/kcg/"):]
        if name not in listed:
            print("%s: a cgroup the registry does not list" % name)
print("%d groups" % len(groups), file=sys.stderr)
' "$ours"
}
diff=$(agree 2> "$out/agree.count")
echo "# left by the roles: $(cat "$out/agree.count")"
t_eq "registry and cgroupfs agree on what the roles left" "$diff" ""

# The fuzzer's cleanup, each as the role that made the groups.
t_run "root's cleanup" "$fuzz" --cleanup --prefix $R
t_run "the owner's cleanup" as 1000 "$fuzz" --cleanup --prefix $O --base $O
t_run "root deletes the owner's group" kcg delete $O
t_eq "no group of the roles is left" \
	"$(kcg -j list | jq -r '.[].name' | grep -Ec "$ours")" 0
t_eq "no cgroup of the roles is left" \
	"$(find $CG -maxdepth 2 -type d | grep -Ec "^$CG/(kcg/)?($R|$O)([^A-Za-z0-9]|$)")" 0
tap_done
