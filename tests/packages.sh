#!/bin/bash
# In the VM (tests/check runs it on 6.12 with tests/vm/run --no-module):
# the Debian packages of `make deb` (build/deb) on the running kernel. dpkg
# installs them, DKMS builds kcg.ko from kcg-dkms against the kernel's
# headers, modprobe loads it, the packaged CLI (on libkcg0) and a program
# built with libkcg-dev's pkg-config file drive it, and so do the kernel's
# ynl CLI with the installed spec and the C client ynl-gen-c made from it;
# then the packages purge without a trace. The guest's root is a tmpfs
# overlay over the host's (tests/vm/guest-init): dpkg and DKMS write only
# there. A kcg.ko the harness loaded is unloaded first and loaded again
# after. The DKMS build is most of the run: 13 of 15 minutes under TCG on
# a busy 2-core host.
. "$(dirname "$0")/lib/tap.sh"

release=$(uname -r)
debs=$KCG_REPO/build/deb
version=$(cat "$KCG_REPO/VERSION")
headers=/usr/src/linux-headers-$release
shopt -s nullglob
packages=("$debs"/kcg-dkms_*.deb "$debs"/kcg_*.deb "$debs"/libkcg0_*.deb "$debs"/libkcg-dev_*.deb)
shopt -u nullglob
if [ ${#packages[@]} != 4 ]; then
	skip "packages install, build, load and purge" "no packages in build/deb: run make deb"
	tap_done
fi
if [ ! -f "$headers/Makefile" ]; then
	skip "packages install, build, load and purge" "no $headers for DKMS"
	tap_done
fi
names=(kcg-dkms kcg libkcg0 libkcg-dev)
export DEBIAN_FRONTEND=noninteractive
tmp=$(mktemp -d /tmp/packages.XXXXXX)
harness_ko=0
mods_mounted=0
grep -q '^kcg ' /proc/modules && harness_ko=1

cleanup() {
	/usr/sbin/kcg delete pkgtest >/dev/null 2>&1
	grep -q '^kcg ' /proc/modules && rmmod kcg
	dpkg --purge "${names[@]}" >/dev/null 2>&1
	[ $mods_mounted = 0 ] || umount "$mods"
	[ $harness_ko = 0 ] || insmod "$KCG_KO"
	rm -rf "$tmp"
}
trap cleanup EXIT

[ $harness_ko = 0 ] || t_run "the harness's kcg.ko unloads" rmmod kcg
# man-db's trigger would index every manual page again, slowly under TCG;
# this guest never reads them.
rm -f /var/lib/man-db/auto-update
# A module tree of its own for the run, on tmpfs: the kernel's
# modules.builtin* (so modprobe and depmod know what is built in) and the
# build link DKMS finds the headers by. kcg.ko needs no other module, and
# depmod, which DKMS runs after each install and removal, then reads only
# kcg.ko rather than the kernel's 4,000 compressed modules: minutes under
# TCG. Unmounted at the end, to give the guest its own tree back.
mods=/lib/modules/$release
mkdir -p "$tmp/mods"
cp -a "$mods"/modules.builtin* "$mods/modules.order" "$tmp/mods/"
mount -t tmpfs tmpfs "$mods" && mods_mounted=1
cp -a "$tmp/mods/." "$mods/" && ln -s "$headers" "$mods/build" ||
	not_ok "a module tree of its own for the packages"
release_re=$(printf '%s' "$release" | sed 's/[].+*?^$()|[\\]/\\&/g')

start=$SECONDS
t_run "dpkg -i installs the four packages; DKMS builds kcg.ko in kcg-dkms's postinst" \
	dpkg -i "${packages[@]}"
echo "# dpkg -i with the DKMS build: $((SECONDS - start)) s"
t_match "dkms status: kcg $version installed for $release" "$(dkms status kcg 2>/dev/null)" \
	"^kcg/$version, $release_re, [^:]*: installed"
t_match "modinfo finds DKMS's kcg.ko for this kernel" "$(modinfo -n kcg 2>&1)" \
	"^/lib/modules/$release_re/updates/dkms/kcg\\.ko"
t_eq "its version is VERSION" "$(modinfo -F version kcg 2>&1)" "$version"

t_run "modprobe kcg" modprobe kcg
t_eq "the loaded module is that version" "$(cat /sys/module/kcg/version 2>&1)" "$version"
t_match "the packaged kcg runs on libkcg0's libkcg.so.0" "$(ldd /usr/sbin/kcg 2>&1)" \
	"libkcg\\.so\\.0 => (/usr)?/lib/[^ ]*/libkcg\\.so\\.0 "
t_eq "kcg -V is VERSION" "$(/usr/sbin/kcg -V 2>&1)" "kcg $version"
t_match "kcg version: the module's is VERSION too" "$(/usr/sbin/kcg version 2>&1)" \
	"^kcg $version, module $version "
t_run "kcg create" /usr/sbin/kcg create pkgtest --memory-max 64M --pids-max 20
t_match "kcg list shows it" "$(/usr/sbin/kcg list 2>&1)" "(^| )pkgtest( |$)"
t_eq "its limit is in the cgroup" "$(cat $CG/kcg/pkgtest/memory.max 2>&1)" $((64 << 20))

# libkcg-dev: a program built by its pkg-config file asks the module.
cat > "$tmp/version.c" <<'EOF'
#include <stdio.h>
#include <libkcg.h>

int main(void)
{
	struct kcg_version v;
	struct kcg *k;

	if (kcg_open(&k) || kcg_version_get(k, &v))
		return 1;
	printf("%s %u\n", v.module, v.protocol);
	kcg_close(k);
	return 0;
}
EOF
# shellcheck disable=SC2046
t_run "a program builds against libkcg-dev by pkg-config" \
	gcc -Wall -Werror -o "$tmp/version" "$tmp/version.c" $(pkg-config --cflags --libs libkcg)
t_eq "and gets the module's version through libkcg.so.0" "$("$tmp/version" 2>&1)" "$version 1"

# The installed spec drives the kernel's ynl CLI and the C client that
# ynl-gen-c made from it (tests/ynl-check unpacked and built both).
ynl=$KCG_REPO/build/ynl/kernel/tools/net/ynl/cli.py
if [ -f "$ynl" ] && [ -x "$KCG_REPO/build/ynl/kcg-ynl" ]; then
	out=$(python3 "$ynl" --spec /usr/share/kcg/kcg.yaml --no-schema --do version-get 2>&1)
	t_match "ynl cli.py --spec /usr/share/kcg/kcg.yaml --do version-get" "$out" \
		"'module': '$version'"
	out=$(python3 "$ynl" --spec /usr/share/kcg/kcg.yaml --no-schema --dump group-get 2>&1)
	t_match "ynl cli.py --dump group-get lists the group" "$out" "'name': 'pkgtest'"
	out=$("$KCG_REPO/build/ynl/kcg-ynl" 2>&1)
	t_match "the ynl-gen-c client gets the version" "$out" "^module $version protocol 1$"
	t_match "its dump lists the group" "$out" "^group pkgtest$"
	t_eq "and it subscribes to events" "$(tail -n 1 <<<"$out")" subscribed
else
	skip "the kernel's ynl CLI drives kcg with the installed spec" "no build/ynl: run tests/ynl-check"
fi

t_run "kcg delete" /usr/sbin/kcg delete pkgtest
t_run "modprobe -r kcg" modprobe -r kcg

dpkg-query -L "${names[@]}" > "$tmp/files" 2>&1
start=$SECONDS
t_run "dpkg --purge removes the four packages" dpkg --purge "${names[@]}"
echo "# dpkg --purge: $((SECONDS - start)) s"
left=()
while read -r f; do
	# Directories the packages share with others stay (/usr/sbin, ...).
	[ -e "$f" ] && [ ! -d "$f" ] && left+=("$f")
done < "$tmp/files"
for f in "/usr/src/kcg-$version" /var/lib/dkms/kcg /usr/share/kcg /usr/share/doc/kcg; do
	[ -e "$f" ] && left+=("$f")
done
# shellcheck disable=SC2207
left+=($(find "/lib/modules/$release" -name 'kcg.ko*' 2>/dev/null))
t_eq "no file of the packages is left, nor DKMS's tree or kcg.ko" "${left[*]}" ""
# Purged: dpkg forgot them, or keeps them as "not installed" (?n).
t_eq "dpkg has none of them installed or configured" \
	"$(dpkg-query -W -f '${db:Status-Abbrev}\n' "${names[@]}" 2>/dev/null | grep -cv '^.n')" 0
t_fails "modinfo kcg finds no module" modinfo kcg
t_eq "the module is not loaded" "$(grep -c '^kcg ' /proc/modules)" 0
umount "$mods" && mods_mounted=0

[ $harness_ko = 0 ] || t_run "the harness's kcg.ko loads again" insmod "$KCG_KO"
trap - EXIT
rm -rf "$tmp"
tap_done
