#!/bin/bash
# make demo: runs inside the VM with kcg.ko loaded (tests/vm/run).
# Shows kcg at work; each step prints the command it runs.
step() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@"
}
note() {
	printf '\n\033[36m# %s\033[0m\n' "$*"
}

note "the module, its netlink family and the tool"
step uname -r
step kcg version

note "events are pushed: root's monitor and uid 1000's run for the whole demo"
kcg monitor > /tmp/kcg-demo-events.log &
monitor=$!
setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all \
	kcg -j monitor > /tmp/kcg-demo-owner.json &
owner_monitor=$!
sleep 1

note "a tenant with limits, delegated to uid 1000, and two nested groups"
step kcg create tenant-a --owner 1000 --memory-max 512M --cpu-max 150% --pids-max 400
step setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all \
	kcg create tenant-a/web --memory-max 256M --cpu-weight 200
step setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all \
	kcg create tenant-a/batch --cpu-max 50% --pids-max 50
step kcg create infra --cpu-weight 50
step kcg list --tree
step cat /sys/fs/cgroup/kcg/tenant-a/web/memory.max

note "a workload with its own pid, mount and uts namespaces"
step kcg run tenant-a/web --ns pid,mnt,uts --hostname web -- \
	sh -c 'echo "hostname $(hostname), pid $$, sees $(ls /proc | grep -c "^[0-9]") processes"; cat /proc/self/cgroup'

note "busy workloads in the background"
kcg run tenant-a/batch -- stress-ng --cpu 2 --timeout 20 --quiet &
kcg run tenant-a/web -- stress-ng --vm 1 --vm-bytes 64M --timeout 20 --quiet &
sleep 3

note "a workload that hits its limits: memory.max 32M (OOM kill) and pids.max 8"
step kcg create tenant-a/hog --memory-max 32M --pids-max 8
step kcg run tenant-a/hog -- python3 -c 'x = b"a" * (128 << 20)'
step kcg run tenant-a/hog -- sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 2 & done; wait' 2>&1 | tail -1
step kcg delete tenant-a/hog

note "limits change online"
step kcg set tenant-a/batch --cpu-max 20%
step cat /sys/fs/cgroup/kcg/tenant-a/batch/cpu.max

note "freeze and thaw"
step kcg freeze tenant-a/batch
step kcg show tenant-a/batch
step grep frozen /sys/fs/cgroup/kcg/tenant-a/batch/cgroup.events
step kcg thaw tenant-a/batch

note "counters from the module: one binary dump for every group"
step kcg stats
step kcg stats tenant-a --interval 1 --count 2
step kcg top --batch --count 1

note "a stranger sees nothing; the owner cannot raise its own limits"
step setpriv --reuid=2000 --regid=2000 --clear-groups --inh-caps=-all kcg list
step setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all \
	kcg set tenant-a --memory-max 8G

note "the groups outlive the module"
kill "$monitor" "$owner_monitor"
note "what root's monitor printed"
step cat /tmp/kcg-demo-events.log
note "uid 1000's monitor (JSON, numbered on its own) got tenant-a's subtree only, no infra"
step sh -c "jq -c '{seq, type, name}' /tmp/kcg-demo-owner.json | head -8"
step sh -c "jq -r .name /tmp/kcg-demo-owner.json | sort | uniq -c"
step rmmod kcg
step cat /sys/fs/cgroup/kcg/tenant-a/memory.max /sys/fs/cgroup/kcg/tenant-a/batch/cpu.max
step insmod "$KCG_KO"
step kcg list

note "clean up: kill the workloads with the groups"
step kcg delete --force tenant-a/batch
step kcg delete --force tenant-a/web
step kcg delete tenant-a
step kcg delete infra
wait
exit 0
