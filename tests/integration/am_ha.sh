#!/bin/sh
# An HA pair: two headroomd watching one venue, both sending to a
# two-member Alertmanager cluster (Debian's prometheus-alertmanager on
# 127.0.0.1, gossiping), tell the chat service (a local webhook receiver)
# of each alert exactly once. Killing one headroomd and one Alertmanager
# loses nothing: the survivors still tell of a resolution and a new alert,
# once each. The same pair posting to the chat service directly tells it
# twice: the count below is one that can fail.
# The alerts come from the plan alone (rooms projected over capacity), so
# both daemons see the same venue without any SNMP agent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/am_lib.sh"

rport=$(free_port)
log="$TMP/chat.jsonl"
start_receiver "$rport" "$log"

# write_conf N NOTIFIER [ANNEX]: daemon N's config; the room hall is
# over capacity unless ANNEX is set, which shrinks it and adds an annex
# that is over instead.
write_conf() {
	local hall=200 annex=""
	if [ -n "${3:-}" ]; then
		hall=50
		annex='room "annex" { seats = 150 }
ap "a1" { room = "annex" max_clients = 100 }'
	fi
	cat >"$TMP/h$1.conf" <<CONF
state_dir = "$TMP/state$1"
tick = 1
alert_group_wait = "1s"
event "expo" { attendees = 300 }
room "hall" { seats = $hall }
ap "h1" { room = "hall" max_clients = 100 }
$annex
web { listen = { "127.0.0.1:$(eval echo \$WEB_$1)" } public_url = "https://noc.example/" }
$2
CONF
}

start_daemon() {
	"$HEADROOMD" -f -c "$TMP/h$1.conf" 2>>"$TMP/daemon$1.log" &
	eval "PID_$1=$!"
	started $!
}

stop_daemon() {
	local pid
	pid=$(eval echo \$PID_"$1")
	kill -TERM "$pid"
	wait "$pid" || fail "headroomd $1 exited with $? after SIGTERM"
}

# has COUNT STATUS ALERT PATH: the chat service heard of ALERT at least
# (or, with =COUNT, exactly) COUNT times.
has() {
	chat_counts "$log" "$4" | awk -v n="$1" -v s="$2" -v a="$3" '
		$2 == s && $3 == a { found = 1; ok = (substr(n, 1, 1) == "=") ? $1 == substr(n, 2) : $1 >= n }
		END { exit !(found && ok) }'
}

# headroom's generic webhook has no venue label; Alertmanager's alerts do
HALL='plan_shortfall{room=hall,severity=crit}'
VENUE='plan_shortfall{scope=venue,severity=crit}'
t0=$(date +%s)

# ---- without Alertmanager: each daemon tells the chat service itself ----
WEB_1=$(free_port) WEB_2=$(free_port)
direct="notifier \"chat\" { kind = \"generic\" url = \"http://127.0.0.1:$rport/direct\" }"
write_conf 1 "$direct"
write_conf 2 "$direct"
start_daemon 1
start_daemon 2
wait_for 30 has 2 firing "$HALL" /direct && wait_for 10 has 2 firing "$VENUE" /direct ||
	{ chat_counts "$log" /direct; fail "the pair did not post its alerts directly"; }
stop_daemon 1
stop_daemon 2
has =2 firing "$HALL" /direct && has =2 firing "$VENUE" /direct ||
	{ chat_counts "$log" /direct; fail "direct: not two messages per alert"; }
echo "without Alertmanager, two daemons: $(chat_counts "$log" /direct | tr '\n' ';')"

# ---- with a two-member Alertmanager cluster ----
HALL='plan_shortfall{room=hall,severity=crit,venue=expo}'
VENUE='plan_shortfall{scope=venue,severity=crit,venue=expo}'
ANNEX='plan_shortfall{room=annex,severity=crit,venue=expo}'
write_am_config "$TMP/am.yml" "http://127.0.0.1:$rport/chat"
AM_CLUSTER_1=$(free_port) AM_CLUSTER_2=$(free_port)
start_am 1 "$TMP/am.yml" "$AM_CLUSTER_2"
start_am 2 "$TMP/am.yml" "$AM_CLUSTER_1"
wait_for 30 am_settled "$AM_WEB_1" 2 && wait_for 20 am_settled "$AM_WEB_2" 2 ||
	{ cat "$TMP/am1.log"; fail "the Alertmanagers did not form a cluster"; }

WEB_1=$(free_port) WEB_2=$(free_port)
rm -rf "$TMP/state1" "$TMP/state2"
am="notifier \"am\" { kind = \"alertmanager\" url = \"http://127.0.0.1:$AM_WEB_1, http://127.0.0.1:$AM_WEB_2\" resend = \"3s\" }"
write_conf 1 "$am"
write_conf 2 "$am"
# --test-notify: one line per member of the cluster
"$HEADROOMD" -c "$TMP/h1.conf" --test-notify am >"$TMP/test-notify.out" 2>&1 ||
	{ cat "$TMP/test-notify.out"; fail "--test-notify am failed"; }
grep -q '^notifier "am" (alertmanager): HTTP 200, accepted' "$TMP/test-notify.out" &&
	grep -q '^notifier "am/2" (alertmanager): HTTP 200, accepted' "$TMP/test-notify.out" ||
	{ cat "$TMP/test-notify.out"; fail "--test-notify am: not one line per member"; }
start_daemon 1
start_daemon 2
wait_for 40 has 1 firing "$HALL" /chat && wait_for 10 has 1 firing "$VENUE" /chat ||
	{ chat_counts "$log" /chat; cat "$TMP/am1.log"; fail "no alert reached the chat service through Alertmanager"; }
# the second member would send after its peer timeout (6 s) had the
# first one's notification not reached it: wait well past it
sleep 12
has =1 firing "$HALL" /chat && has =1 firing "$VENUE" /chat ||
	{ chat_counts "$log" /chat; fail "with Alertmanager: not exactly one message per alert"; }
echo "with Alertmanager, two daemons: $(chat_counts "$log" /chat | tr '\n' ';')"

# ---- one daemon and one Alertmanager die; the venue changes ----
kill -KILL "$PID_1"
wait "$PID_1" 2>/dev/null
kill -KILL "$AM_PID_1"
wait "$AM_PID_1" 2>/dev/null
write_conf 2 "$am" annex
kill -HUP "$PID_2"
wait_for 40 has 1 resolved "$HALL" /chat && wait_for 20 has 1 firing "$ANNEX" /chat ||
	{ chat_counts "$log" /chat; cat "$TMP/am2.log"; fail "the survivors lost a resolution or a new alert"; }
sleep 12	# past the peer timeout, re-sends (3 s) and the group interval
chat_counts "$log" /chat >"$TMP/final.txt"
has =1 firing "$HALL" /chat && has =1 resolved "$HALL" /chat && has =1 firing "$ANNEX" /chat &&
	has =1 firing "$VENUE" /chat && ! has 1 resolved "$VENUE" /chat ||
	{ cat "$TMP/final.txt"; fail "after the failures: not exactly one message per change"; }
echo "after killing one daemon and one Alertmanager: $(tr '\n' ';' <"$TMP/final.txt")"
stop_daemon 2
grep -q "ERROR: AddressSanitizer\|runtime error" "$TMP"/daemon*.log && fail "sanitizer report"
pass "HA pair: one chat message per alert through Alertmanager, two without ($(( $(date +%s) - t0 )) s)"
