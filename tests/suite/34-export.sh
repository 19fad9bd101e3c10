#!/bin/bash
# kcg export: /metrics over HTTP (libmicrohttpd) checked by promtool and
# scraped by a real Prometheus server (Debian's package, from the host root),
# whose query API must return a busy group's CPU seconds as `kcg stats` has
# them; the textfile written whole and renamed; what an owner and a stranger
# see; a reload of the module under a running exporter.
. "$(dirname "$0")/../lib/tap.sh"

port=19477
prom_port=19090
d=$(mktemp -d /tmp/t34.XXXXXX)
chmod 755 "$d"
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for g in t34/busy/x t34/busy t34/late t34 t34-root; do kcg delete --force "$g" 2>/dev/null; done
	rm -rf "$d"
}
trap cleanup EXIT
for g in t34/busy t34/late t34 t34-root; do kcg delete --force "$g" 2>/dev/null; done

hog='while :; do :; done'
scrape() { curl -sf --max-time 20 "http://127.0.0.1:${2:-$port}/metrics" > "$1"; }
# sample FILE METRIC GROUP: the value of METRIC{group="GROUP",...} in FILE.
sample() { awk -v m="$2" -v g="group=\"$3\"" 'index($0, m "{" g ",") == 1 { print $NF }' "$1"; }
# close A B PCT: |A - B| <= PCT% of B (decimals).
close() { awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d;
	exit !(b > 0 && d * 100 <= p * b) }'; }

t_run "setup: t34 owned by 1000, t34/busy below, t34-root with no owner" eval \
	"kcg create t34 --owner 1000 --memory-max 256M --pids-max 100 && kcg create t34/busy &&
	 kcg create t34-root"

# --- HTTP --------------------------------------------------------------------
kcg export --listen 127.0.0.1:$port 2> "$d/export.err" &
pids+=($!)
exporter=$!
if wait_until 30 curl -sf "http://127.0.0.1:$port/metrics"; then
	ok "export --listen serves /metrics"
else
	not_ok "export --listen serves /metrics" "$(cat "$d/export.err")"
fi
t_match "it says where it listens" "$(cat "$d/export.err")" \
	"^kcg: export: serving /metrics on 127.0.0.1:$port$"
scrape "$d/m1"
t_run "promtool check metrics passes on the scrape" promtool check metrics < "$d/m1"
t_match "Content-Type is the text format 0.0.4" \
	"$(curl -sI "http://127.0.0.1:$port/metrics" | tr -d '\r' | grep -i '^content-type')" \
	'^[Cc]ontent-[Tt]ype: text/plain; version=0.0.4; charset=utf-8$'
t_eq "a path other than /metrics is 404" \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")" 404
t_eq "POST is 405" "$(curl -s -o /dev/null -w '%{http_code}' -d x "http://127.0.0.1:$port/metrics")" 405
id=$(kcg_field t34/busy .id)
t_match "t34/busy with labels group, id, owner" "$(cat "$d/m1")" \
	"^kcg_cpu_usage_seconds_total\\{group=\"t34/busy\",id=\"$id\",owner=\"1000\"\\} [0-9.]+$"
t_match "a group with no owner: owner empty" "$(cat "$d/m1")" \
	'^kcg_tasks\{group="t34-root",id="[0-9]+",owner=""\} 0$'
t_eq "limits as gauges: memory.max in bytes" "$(sample "$d/m1" kcg_limit_memory_max_bytes t34)" 268435456
t_eq "limits as gauges: pids.max" "$(sample "$d/m1" kcg_limit_pids_max t34)" 100
t_eq "an unset limit is +Inf" "$(sample "$d/m1" kcg_limit_memory_max_bytes t34-root)" +Inf
t_eq "the histogram ends in +Inf" \
	"$(grep -c '^kcg_run_delay_wait_seconds_bucket{group="t34/busy",.*le="+Inf"}' "$d/m1")" 1
t_eq "kcg_groups: as many as kcg list shows" "$(grep '^kcg_groups ' "$d/m1" | cut -d' ' -f2)" \
	"$(kcg -j list | jq length)"

# Nothing cached: each scrape is a new dump.
kcg run t34/busy -- timeout 2 sh -c "$hog"
scrape "$d/m2"
a=$(sample "$d/m1" kcg_cpu_usage_seconds_total t34/busy)
b=$(sample "$d/m2" kcg_cpu_usage_seconds_total t34/busy)
t_run "a scrape after 2 s of CPU shows more CPU seconds ($a -> $b)" awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > a + 0.5) }'
kcg create t34/late
scrape "$d/m3"
t_match "a group created after the start is in the next scrape" "$(cat "$d/m3")" '^kcg_tasks\{group="t34/late",'
kcg delete t34/late
scrape "$d/m4"
t_eq "a deleted group is gone from the next scrape" "$(grep -c 'group="t34/late"' "$d/m4")" 0

# --- Prometheus ----------------------------------------------------------------
cat > "$d/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: kcg
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" --log.level=warn > "$d/prometheus.log" 2>&1 &
pids+=($!)
query() {
	curl -sf --max-time 10 "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
start=$SECONDS
if wait_until 120 curl -sf "http://127.0.0.1:$prom_port/-/ready"; then
	ok "prometheus starts ($((SECONDS - start)) s)"
else
	not_ok "prometheus starts" "$(tail -n 20 "$d/prometheus.log")"
fi
up() { [ "$(query 'up{job="kcg"}')" = 1 ]; }
t_run "prometheus scrapes the exporter: up == 1" wait_until 60 up
# A busy group, then still: its CPU seconds stop moving, so the stored
# sample must come to what kcg stats says.
kcg run t34/busy -- timeout 3 sh -c "$hog"
want=$(kcg -j stats t34/busy | jq -r '.[] | select(.name == "t34/busy") | .total.cpu_ns / 1e9')
got=
for _ in $(seq 60); do
	got=$(query 'kcg_cpu_usage_seconds_total{group="t34/busy"}')
	[ -n "$got" ] && close "$got" "$want" 1 && break
	sleep 1
done
if [ -n "$got" ] && close "$got" "$want" 1; then
	ok "prometheus' query API: t34/busy's CPU seconds $got, kcg stats $want (1%)"
else
	not_ok "prometheus' query API: t34/busy's CPU seconds within 1% of kcg stats" \
		"query: '$got', kcg stats: '$want'" "$(tail -n 5 "$d/prometheus.log")"
fi
rate=$(query 'sum(kcg_run_delay_wait_seconds_count{group="t34/busy"})')
t_match "the histogram is queryable (count of waits $rate)" "$rate" '^[0-9]+$'
kill "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null
unset 'pids[-1]'

# --- Reload under the exporter -----------------------------------------------------
if rmmod kcg; then
	code=$(curl -s -o "$d/down" -w '%{http_code}' "http://127.0.0.1:$port/metrics")
	t_eq "module unloaded: the scrape is 503" "$code" 503
	t_match "with the reason" "$(cat "$d/down")" 'kcg module is not loaded'
	insmod "$KCG_KO"
	scrape "$d/m5"
	t_match "module back: the next scrape has the groups again" "$(cat "$d/m5")" \
		'^kcg_tasks\{group="t34/busy",'
else
	skip "module unloaded: the scrape is 503" "rmmod kcg failed"
fi
kill -TERM "$exporter"
wait "$exporter"
t_eq "SIGTERM: the exporter exits 0" "$?" 0

# --- Textfile ------------------------------------------------------------------------
t_run "export --textfile FILE, once" kcg export --textfile "$d/kcg.prom"
t_run "the file passes promtool check metrics" promtool check metrics < "$d/kcg.prom"
t_eq "it is readable by all (0644), no temporary file left" \
	"$(stat -c %a "$d/kcg.prom") $(find "$d" -maxdepth 1 -name '.kcg.prom.*' | wc -l)" "644 0"
t_eq "the last line is kcg_groups" "$(tail -n 1 "$d/kcg.prom" | cut -d' ' -f1)" kcg_groups
kcg export --textfile "$d/loop.prom" --interval 0.2 &
pids+=($!)
wait_until 20 test -s "$d/loop.prom"
torn=0 inodes=()
for _ in $(seq 50); do
	# Whole or nothing: the first family's HELP at the start, kcg_groups at the end.
	ends=$(awk 'NR == 1 { first = $0 } END { print first "|" $0 }' "$d/loop.prom")
	[[ $ends == "# HELP kcg_cpu_usage_seconds_total "*"|kcg_groups "[0-9]* ]] || torn=$((torn + 1))
	inodes+=("$(stat -c %i "$d/loop.prom")")
	sleep 0.05
done
t_eq "50 reads during writes every 0.2 s: every file whole" "$torn" 0
t_run "each write is a new file renamed over the old (inode changes)" \
	test "$(printf '%s\n' "${inodes[@]}" | sort -u | wc -l)" -ge 2
kill -TERM "${pids[-1]}"
wait "${pids[-1]}"
t_eq "SIGTERM ends the --interval loop with 0" "$?" 0
unset 'pids[-1]'
t_eq "no temporary file left behind" "$(find "$d" -maxdepth 1 -name '.loop.prom.*' | wc -l)" 0
t_err "an unwritable directory: one line, exit 1" 1 '^kcg: export: .*/no/such/dir/x.prom.*No such file' \
	kcg export --textfile "$d/no/such/dir/x.prom"

# --- Who sees what ---------------------------------------------------------------------
t_eq "the owner's export: its own groups only" \
	"$(as 1000 kcg export --textfile - | grep '^kcg_tasks{' | sed 's/.*group="\([^"]*\)".*/\1/' | xargs)" \
	"t34 t34/busy"
t_eq "the owner's count of groups" "$(as 1000 kcg export --textfile - | grep '^kcg_groups ')" "kcg_groups 2"
t_eq "a stranger's export: no group at all" \
	"$(as 1001 kcg export --textfile - | grep -c '{group=')" 0
# The DaemonSet's default: root in a cgroup namespace of its own.
t_eq "root in a cgroup namespace of its own: every group, as outside" \
	"$(unshare --cgroup kcg export --textfile - | grep '^kcg_groups ')" \
	"$(kcg export --textfile - | grep '^kcg_groups ')"
t_run "the owner's export into its own directory" eval \
	"mkdir -p $d/u && chown 1000 $d/u && as 1000 kcg export --textfile $d/u/kcg.prom"
t_eq "the file holds the owner's groups only" "$(grep -c 'group="t34-root"' "$d/u/kcg.prom")" 0
# Port 0: a free port, which the start line names.
kcg export --listen 127.0.0.1:0 2> "$d/any.err" &
pids+=($!)
wait_until 30 grep -q 'serving' "$d/any.err"
any=$(sed -n 's/^kcg: export: serving \/metrics on 127.0.0.1:\([0-9]*\)$/\1/p' "$d/any.err")
if [[ $any =~ ^[0-9]+$ ]] && [ "$any" != 0 ] && scrape "$d/any" "$any"; then
	ok "--listen 127.0.0.1:0: serves on the free port it names ($any)"
else
	not_ok "--listen 127.0.0.1:0: serves on the free port it names" "$(cat "$d/any.err")"
fi
as 1000 kcg export --listen 127.0.0.1:$((port + 1)) 2>/dev/null &
pids+=($!)
wait_until 30 curl -sf "http://127.0.0.1:$((port + 1))/metrics"
scrape "$d/m6" $((port + 1))
t_eq "the owner's HTTP exporter: its own groups only" \
	"$(grep '^kcg_tasks{' "$d/m6" | sed 's/.*group="\([^"]*\)".*/\1/' | xargs)" "t34 t34/busy"

tap_done
