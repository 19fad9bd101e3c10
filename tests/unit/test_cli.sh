#!/bin/bash
# The kcg CLI on the host, where no module is needed: help, the version,
# usage errors and global options. Runs the binary given as $1 (tests/unit/run
# builds it with ASan + UBSan). TAP out.
#   tests/unit/test_cli.sh KCG_BINARY
. "$(dirname "$0")/../lib/tap.sh"

KCG=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$top/VERSION")
commands=(create set delete list show ps attach run freeze thaw kill adopt apply stats top monitor export trace version help)

kcg() { "$KCG" "$@"; }
to_full() { "$KCG" "$@" > /dev/full; }
# out CMD...: "RC|STDOUT|STDERR" of CMD, for one comparison.
out() {
	local o e rc
	o=$("$@" 2> "$tmpd/err")
	rc=$?
	e=$(cat "$tmpd/err")
	printf '%s|%s|%s' "$rc" "$o" "$e"
}
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT

# Version: the tool's own, the package's, with no module.
t_eq "kcg -V prints the package version, exit 0, nothing on stderr" "$(out kcg -V)" "0|kcg $version|"
t_eq "kcg --version is the same" "$(out kcg --version)" "0|kcg $version|"
t_eq "kcg -s show: -s before the command is accepted (fails on the module, not usage)" \
	"$(kcg -s show web 2>/dev/null; echo $?)" 1
t_eq "kcg show NAME --stats too" "$(kcg show web --stats 2>/dev/null; echo $?)" 1
t_eq "kcg -j -V is JSON" "$(out kcg -j -V)" "0|{\"tool\":\"$version\"}|"
t_eq "-V after a command too" "$(out kcg list -V)" "0|kcg $version|"
t_eq "-V to a full disk fails" "$(out to_full -V)" "1||kcg: cannot write the output"

# Help, from the one table: every command, and each alone three ways.
all=$(kcg help)
t_eq "kcg help exits 0" "$?" 0
t_eq "kcg -h and kcg --help are kcg help" "$(kcg -h)/$(kcg --help)" "$all/$all"
t_match "kcg help starts with the usage line" "$all" '^usage: kcg \[-j\|--json\] .*COMMAND'
missing=
for c in "${commands[@]}"; do
	grep -q "^  $c\b" <<<"$all" || missing+=" $c"
done
t_eq "kcg help lists every command" "$missing" ""
bad=
for c in "${commands[@]}"; do
	one=$(kcg help "$c") || bad+=" $c(help exit)"
	[[ $one == "usage: kcg $c"* ]] || bad+=" $c(usage line)"
	[ "$(kcg "$c" --help)" = "$one" ] || bad+=" $c(--help)"
	[ "$(kcg "$c" -h)" = "$one" ] || bad+=" $c(-h)"
	# The synopsis in kcg help is the same text.
	grep -qxF "  ${one#usage: kcg }" <<<"$all" || bad+=" $c(overview)"
done
t_eq "kcg help CMD, kcg CMD --help and -h: the same synopsis, exit 0" "$bad" ""
t_match "help create lists the limit options" "$(kcg help create)" '--memory-max SIZE'
t_match "kcg CMD --help exits 0 before a missing argument" "$(out kcg show --help)" '^0\|usage: kcg show NAME'
t_eq "help of an unknown command" "$(out kcg help nope)" \
	"2||kcg: help: unknown command 'nope'; try 'kcg help'"
t_eq "help to a full disk fails" "$(out to_full help)" \
	"1||kcg: cannot write the output: No space left on device"

# Usage errors: one "kcg:" line, and for a command its synopsis; never
# glibc's message or the whole help.
t_eq "kcg -x: one line and a hint, exit 2" "$(out kcg -x)" "2||kcg: unknown option '-x'; try 'kcg help'"
t_eq "kcg --bogus" "$(out kcg --bogus)" "2||kcg: unknown option '--bogus'; try 'kcg help'"
t_eq "kcg -jx: the bad letter of a cluster" "$(out kcg -jx)" "2||kcg: unknown option '-x'; try 'kcg help'"
t_eq "an unknown command" "$(out kcg bogus)" "2||kcg: unknown command 'bogus'; try 'kcg help'"
t_eq "an unknown option of a command, then its synopsis" "$(out kcg list --bogus)" \
	"2||kcg: list: unknown option '--bogus'
usage: kcg list [--tree]"
t_eq "an unknown short option of a command" "$(out kcg stats -x)" \
	"2||kcg: stats: unknown option '-x'
usage: kcg stats [NAME...] [--interval S] [--count N]"
t_match "an option without its value" "$(out kcg top --sort)" "^2\|\|kcg: top: option '--sort' needs a value
usage: kcg top "
t_match "a value for an option that takes none" "$(out kcg list --tree=yes)" \
	"^2\|\|kcg: list: option '--tree' takes no value"
t_match "an ambiguous abbreviation" "$(out kcg create --mem 1G x)" \
	"^2\|\|kcg: create: ambiguous option '--mem'"
t_match "an abbreviation that is not ambiguous works" "$(out kcg delete --forc)" \
	"^2\|\|kcg: delete: missing group name"
t_eq "a missing argument, then the synopsis" "$(out kcg show)" "2||kcg: show: missing group name
usage: kcg show NAME [-s|--stats]"
t_eq "an argument too many" "$(out kcg freeze a b)" "2||kcg: freeze: unexpected argument 'b'
usage: kcg freeze NAME"
t_eq "ps: the group name is missing" "$(out kcg ps --tree)" "2||kcg: ps: missing group name
usage: kcg ps NAME [--tree]"
t_match "ps: a bad group name, before any request" "$(out kcg ps 'a b')" "^2\|\|kcg: ps: bad group name 'a b'"
t_eq "top: --depth is a number of levels" "$(out kcg top --depth x)" \
	"2||kcg: top: bad --depth 'x': levels, 0..255"
t_eq "top: --depth 0 needs a NAME" "$(out kcg top --depth 0)" \
	"2||kcg: top: --depth 0 shows the NAMEs alone: give one"
t_match "top: a bad NAME" "$(out kcg top 'a b')" "^2\|\|kcg: top: bad group name 'a b'"
t_eq "version takes no argument" "$(out kcg version x)" "2||kcg: version: unexpected argument 'x'
usage: kcg version"
r=$(out kcg create x --cpu-weight 0)
t_eq "a bad value is one line, exit 2" "$(wc -l <<<"$r")/${r%% (out of range)*}" \
	"1/2||kcg: create: bad --cpu-weight '0'"

# Values checked before any request.
t_match "monitor --type: an unknown type is named" "$(out kcg monitor --type created,nope)" \
	"^2\|\|kcg: monitor: bad --type 'created,nope': no event type 'nope'; types are created,"
t_eq "monitor --time: mono, wall or iso" "$(out kcg monitor --time utc)" \
	"2||kcg: monitor: bad --time 'utc': mono, wall or iso"

t_eq "run: the command is missing" "$(out kcg run g)" "2||kcg: run: missing the command
$(kcg help run | head -1)"
t_eq "run: nothing after --" "$(out kcg run g --)" "2||kcg: run: no command after '--'
$(kcg help run | head -1)"
t_eq "run: --setenv needs NAME=VALUE" "$(out kcg run g --setenv X -- true)" \
	"2||kcg: run: bad --setenv 'X': expected NAME=VALUE"
t_eq "run: --setenv with no name" "$(out kcg run g --setenv =1 true)" \
	"2||kcg: run: bad --setenv '=1': expected NAME=VALUE"
t_eq "run: --uid of no user" "$(out kcg run g --uid no-such-user-t true)" \
	"2||kcg: run: bad --uid 'no-such-user-t': no such user"
t_eq "create: --owner of no user" "$(out kcg create g --owner no-such-user-t)" \
	"2||kcg: create: bad --owner 'no-such-user-t': no such user"
t_eq "create: --owner past the largest uid" "$(out kcg create g --owner 4294967295)" \
	"2||kcg: create: bad --owner '4294967295': a uid is at most 4294967294"
# A user name that resolves goes on to the request (no module here: exit 1).
t_match "create: --owner root is resolved, not a usage error" \
	"$(out kcg create g --owner root)" '^1\|\|kcg: '
t_eq "create: --io-max of a missing device" "$(out kcg create g --io-max /dev/no-such-disk:rbps=1M)" \
	"2||kcg: create: bad --io-max device '/dev/no-such-disk': No such file or directory"
t_eq "create: --io-max of a file that is no block device" \
	"$(out kcg create g --io-max /dev/null:rbps=1M)" \
	"2||kcg: create: bad --io-max device '/dev/null': not a block device"
t_eq "set: --io-weight 0 is out of range" "$(out kcg set g --io-weight 0)" \
	"2||kcg: set: bad --io-weight '0' (out of range): expected 1..10000"
t_eq "set: --cpu-idle takes 0 or 1" "$(out kcg set g --cpu-idle 2)" \
	"2||kcg: set: bad --cpu-idle '2' (out of range): expected 0 or 1"
t_eq "set: --cpuset-mems syntax" "$(out kcg set g --cpuset-mems 1-0)" \
	"2||kcg: set: bad --cpuset-mems '1-0': expected a memory node list such as 0-1"
t_eq "set: --memory-swap-max takes a size" "$(out kcg set g --memory-swap-max 1X)" \
	"2||kcg: set: bad --memory-swap-max '1X': expected SIZE or max"
t_eq "run: --gid of no group" "$(out kcg run g --gid no-such-group-t true)" \
	"2||kcg: run: bad --gid 'no-such-group-t': no such group"
t_eq "run: a uid with no passwd entry needs --gid" "$(out kcg run g --uid 4123999 true)" \
	"2||kcg: run: uid 4123999 has no passwd entry, so no group: give --gid"
t_eq "run: --uid does not go with --ns user" "$(out kcg run g --ns user --uid 0 true)" \
	"2||kcg: run: --uid and --gid do not go with --ns user, which maps the caller to root inside"
t_eq "run: limits need --create" "$(out kcg run g --memory-max 1G true)" \
	"2||kcg: run: limits go with --create (kcg set changes an existing group's)"
t_eq "run: --rm needs --create" "$(out kcg run g --rm true)" \
	"2||kcg: run: --rm goes with --create: it removes only a group run made"
t_match "run --create: a bad limit is the limit parser's error" "$(out kcg run g --create --pids-max x true)" \
	"^2\|\|kcg: run: bad --pids-max 'x'"
t_match "help run lists the limit options" "$(kcg help run)" '--cpu-weight 1\.\.10000'
t_eq "run: -h after CMD is CMD's (no help, a request)" "$(kcg run g true -h 2>&1 | grep -c '^usage')" 0

t_eq "adopt: no default name fits a unit with '@'" "$(out kcg adopt /system.slice/user@1000.service)" \
	"2||kcg: adopt: no default name fits 'user@1000.service' (names are made of [A-Za-z0-9_.-]); give one with --name"
t_eq "adopt: no default name past 63 characters" "$(out kcg adopt "/x/$(printf 'z%.0s' {1..64})")" \
	"2||kcg: adopt: no default name fits '$(printf 'z%.0s' {1..64})' (over 63 characters); give one with --name"
t_eq "adopt: the root has no last component" "$(out kcg adopt //)" \
	"2||kcg: adopt: '/' has no last component to name the group after; give one with --name"

# export: its options checked before the module is asked.
t_eq "export: --listen and --textfile exclude each other" "$(out kcg export --listen 127.0.0.1:1 --textfile x)" \
	"2||kcg: export: --listen and --textfile exclude each other"
t_eq "export: --interval needs --textfile" "$(out kcg export --interval 5)" \
	"2||kcg: export: --interval needs --textfile"
t_eq "export: --textfile - writes once" "$(out kcg export --textfile - --interval 5)" \
	"2||kcg: export: --textfile - writes once: no --interval"
t_match "export: a bad --interval" "$(out kcg export --textfile x --interval 0)" \
	"^2\|\|kcg: export: bad --interval '0'"
t_eq "export: no positional argument" "$(out kcg export web)" "2||kcg: export: unexpected argument 'web'
$(kcg help export | head -1)"
t_eq "export: a bad --listen" "$(out kcg export --listen nope)" \
	"2||kcg: export: bad --listen 'nope': ADDR:PORT or [IPV6]:PORT, a port <= 65535"
t_eq "export: a port out of range" "$(out kcg export --listen '[::1]:65536')" \
	"2||kcg: export: bad --listen '[::1]:65536': ADDR:PORT or [IPV6]:PORT, a port <= 65535"

# Bash completion, against this binary; `list` answers from a stub.
cat > "$tmpd/kcg" <<STUB
#!/bin/bash
[ "\$1" = list ] && { printf '%s\n' 'web id 1 owner - state -' 'web/api id 2 owner - state -' \
	'db id 3 owner 1000 state populated'; exit 0; }
exec "$KCG" "\$@"
STUB
chmod +x "$tmpd/kcg"
# complete WORD...: what completing the last word offers, sorted, on one line.
complete_words() {
	bash -c '. "$1/deploy/bash-completion/kcg"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kcg 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' _ "$top" "$tmpd/kcg" "$@"
}
t_eq "completion: the commands, from kcg help" "$(complete_words '')" \
	"$(printf '%s\n' "${commands[@]}" | sort | xargs)"
t_eq "completion: a command by its start" "$(complete_words mon)" monitor
t_eq "completion: global options" "$(complete_words -)" \
	"--help --json --pretty --stats --version -V -h -j -p -s"
t_eq "completion: show offers -s" "$(complete_words show web -)" "--help --json --pretty --stats -h -j -p -s"
t_eq "completion: a command's options, and the global ones" "$(complete_words list -)" \
	"--help --json --pretty --tree -h -j -p"
t_eq "completion: group names from kcg list" "$(complete_words show w)" "web web/api"
t_eq "completion: a flag named in the summary takes no value (delete --force NAME)" \
	"$(complete_words delete --force w)/$(complete_words ps --tree w)" "web web/api/web web/api"
t_eq "completion: ps NAME, and its --tree" "$(complete_words ps w)/$(complete_words ps web --t)" \
	"web web/api/--tree"
t_eq "completion: group names for NAME..." "$(complete_words stats web '')" "db web web/api"
t_eq "completion: trace NAME takes a mode" "$(complete_words trace web '')" "offcpu runqlat syscalls"
t_eq "completion: --parent takes a group" "$(complete_words create --parent d)" db
t_eq "completion: limit options of create" "$(complete_words create x --memory-)" \
	"--memory-high --memory-low --memory-max --memory-min --memory-swap-max"
t_eq "completion: --cpu-idle's values" "$(complete_words set web --cpu-idle '')" "0 1"
t_eq "completion: --owner takes users" "$(complete_words create x --owner roo)" root
t_eq "completion: a limit's 'max'" "$(complete_words set web --pids-max '')" max
t_eq "completion: --sort keys" "$(complete_words top --sort '')" "cpu delay mem name tasks"
t_eq "completion: --sort=KEY" "$(complete_words top --sort = t)" tasks
t_eq "completion: --ns items, after a comma too" "$(complete_words run --ns pid,u)" "pid,user pid,uts"
t_eq "completion: --time formats" "$(complete_words monitor --time '')" "iso mono wall"
types=$(kcg monitor --type nope 2>&1 | sed 's/.*types are //' | tr ',' ' ')
t_eq "completion: --type offers the tool's event types" "$(complete_words monitor --type '')" \
	"$(tr ' ' '\n' <<<"$types" | sort | xargs)"
t_eq "completion: --type, the next item of the list" "$(complete_words monitor --type created,oom)" \
	"created,oom created,oom-kill"
sigs=$(complete_words kill web --signal '')
t_match "completion: --signal offers the signal names kcg takes" "$sigs" '^ABRT .*\bKILL\b.*\bTERM\b'
t_eq "completion: every signal offered parses" "$(for s in $sigs; do
	kcg kill --signal "$s" 'bad name' 2>&1 | grep -c 'bad --signal'; done | sort -u)" 0
t_eq "completion: help COMMAND" "$(complete_words help ad)" adopt
t_eq "completion: run NAME, then a command" "$(complete_words run --ns pid web bas | grep -ow bash | sort -u)" bash
t_eq "completion: run --create takes no value; then options" "$(complete_words run --create --r)" "--rm"
t_eq "completion: run --create, then the limit options" "$(complete_words run --create --cpu-w)" "--cpu-weight"
t_eq "completion: run --create NAME, then a command" \
	"$(complete_words run --create --pids-max 5 web bas | grep -ow bash | sort -u)" bash
t_eq "completion: --uid takes users" "$(complete_words run --uid roo)" root
t_eq "completion: export's options" "$(complete_words export --)" \
	"--help --interval --json --listen --pretty --textfile"
t_eq "completion: export --textfile takes a file" "$(cd "$top" && complete_words export --textfile VERSIO)" VERSION
t_eq "completion: export takes no group name" "$(complete_words export '')" ""
t_eq "completion: nothing for a free value" "$(complete_words create x --cpu-weight '')" ""

# Global options after the command: parsed, not unknown (the module may be
# missing here: then the command fails with 1, never with a usage error).
for args in "list -j" "list -p" "list --json --pretty" "stats -j" "monitor -j" "top -j --count 1"; do
	# shellcheck disable=SC2086
	r=$(out timeout 10 "$KCG" $args)
	if [ "${r%%|*}" = 2 ]; then
		not_ok "kcg $args: -j/-p after the command are accepted" "$r"
	else
		ok "kcg $args: -j/-p after the command are accepted"
	fi
done

# kcg apply checks its whole file before it needs the module.
printf 'a --memory-max 1G\n\nb --pids-max x\n' > "$tmpd/apply.conf"
t_eq "apply: a bad line is a usage error with its line number, before any request" \
	"$(out kcg apply -f "$tmpd/apply.conf")" \
	"2||kcg: apply: $tmpd/apply.conf:3: bad --pids-max 'x': expected N or max"
t_match "apply: -f is required" "$(out kcg apply --prune)" '^2\|\|kcg: apply: missing -f FILE'
tap_done
