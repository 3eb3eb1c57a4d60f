# Helpers for the Alertmanager tests (sourced after lib.sh): a cluster of
# Debian's prometheus-alertmanager on 127.0.0.1, each member with its own
# ports and storage in $TMP, routing every alert on its own to a webhook
# receiver that plays the chat service.
AM_BIN=$(command -v prometheus-alertmanager || command -v alertmanager || true)
[ -n "$AM_BIN" ] || skip "no prometheus-alertmanager (tools/install-deps installs it)"
need_cmd python3
need_cmd curl

# write_am_config FILE RECEIVER_URL: one group per alert (group_by '...'),
# short waits so a test sees a notification within seconds.
write_am_config() {
	cat >"$1" <<YML
route:
  receiver: chat
  group_by: ['...']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: chat
    webhook_configs:
      - url: $2
        send_resolved: true
YML
}

# start_am N CONFIG PEER_PORT...: member N of the cluster; sets AM_WEB_N,
# AM_CLUSTER_N (chosen before: AM_CLUSTER_N may be set by the caller so
# members can name each other) and AM_PID_N.
start_am() {
	local n=$1 config=$2; shift 2
	local web cluster peers=""
	web=$(free_port)
	eval "cluster=\${AM_CLUSTER_$n:-\$(free_port)}"
	for p in "$@"; do peers="$peers --cluster.peer=127.0.0.1:$p"; done
	mkdir -p "$TMP/am$n"
	# shellcheck disable=SC2086
	"$AM_BIN" --config.file="$config" --storage.path="$TMP/am$n" \
		--web.listen-address=127.0.0.1:"$web" \
		--cluster.listen-address=127.0.0.1:"$cluster" \
		--cluster.advertise-address=127.0.0.1:"$cluster" \
		--cluster.peer-timeout=6s --cluster.gossip-interval=100ms \
		--cluster.pushpull-interval=2s $peers \
		>"$TMP/am$n.log" 2>&1 &
	eval "AM_PID_$n=$! AM_WEB_$n=$web AM_CLUSTER_$n=$cluster"
	started $!
	wait_for 30 curl -sf "http://127.0.0.1:$web/-/ready" ||
		{ cat "$TMP/am$n.log"; fail "alertmanager $n did not start"; }
}

# am_peers PORT: how many members the one at PORT sees in its cluster.
am_peers() {
	curl -sf "http://127.0.0.1:$1/api/v2/status" |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)["cluster"].get("peers") or []))'
}

am_peers_are() { [ "$(am_peers "$1")" = "$2" ]; }

# am_settled PORT N: the member at PORT sees N members and its gossip
# has settled ("ready"), so members agree on who notifies first.
am_settled() {
	curl -sf "http://127.0.0.1:$1/api/v2/status" | python3 -c '
import json, sys
c = json.load(sys.stdin)["cluster"]
sys.exit(0 if c["status"] == "ready" and len(c.get("peers") or []) == int(sys.argv[1]) else 1)' "$2"
}

# start_receiver PORT LOG: the chat service.
start_receiver() {
	python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$1" --log "$2" \
		2>"$TMP/receiver.err" &
	started $!
	wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $1))" ||
		fail "receiver did not start"
}

# chat_counts LOG PATH: one line per alert and status the chat service
# was told of under PATH (Alertmanager's webhook or headroom's generic
# one, both the webhook v4 body): "COUNT STATUS alertname{labels}".
chat_counts() {
	python3 - "$1" "$2" <<'PY'
import collections, json, sys
counts = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not r["path"].startswith(sys.argv[2]) or not r["json"]:
        continue
    for a in r["json"]["alerts"]:
        l = dict(a["labels"])
        name = l.pop("alertname", "?")
        labels = ",".join("%s=%s" % kv for kv in sorted(l.items()))
        counts[(a["status"], "%s{%s}" % (name, labels))] += 1
for (status, alert), n in sorted(counts.items(), key=lambda kv: kv[0][1]):
    print(n, status, alert)
PY
}
