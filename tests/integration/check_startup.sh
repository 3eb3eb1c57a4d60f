#!/bin/sh
# headroomd -t checks what start-up will need, not only the syntax: a
# listen host that does not resolve, a port out of range, a certificate
# that is missing or not PEM, a user that does not exist, a state_dir
# the user cannot write, a capture file that cannot be read and a
# target's profile that does not exist or does not load each fail -t with "file:line: field: why"; the same config
# with these fixed passes.
. "$(dirname "$0")/lib.sh"

good() {
	cat <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 100 }
room "hall" { seats = 100 }
ap "h1" { room = "hall" max_clients = 100 }
web {
  listen = { "127.0.0.1:8080" }
${1:-}
}
${2:-}
CONF
}

# refused LINE-PATTERN WEB-LINES [GLOBAL-LINES]: -t exits 1 naming it
refused() {
	want=$1; shift
	good "$@" >"$TMP/c.conf"
	if "$HEADROOMD" -t -c "$TMP/c.conf" >"$TMP/out" 2>"$TMP/err"; then
		cat "$TMP/c.conf"; fail "-t accepted it (wanted: $want)"
	fi
	grep -q "^$TMP/c.conf:$want" "$TMP/err" || { cat "$TMP/err"; fail "-t did not say: $want"; }
}

good "" "" >"$TMP/ok.conf"
"$HEADROOMD" -t -c "$TMP/ok.conf" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "-t refused a good config"; }

refused '6: listen: "127.0.0.l:9000": .*the web server would not start' \
	'  listen = { "127.0.0.l:9000" }'
refused '6: listen: "127.0.0.1:99999": the port must be a number from 1 to 65535' \
	'  listen = { "127.0.0.1:99999" }'
refused '7: tls_cert: cannot read /nonexistent/cert.pem' \
	"  tls_cert = \"/nonexistent/cert.pem\"
  tls_key = \"$TMP/ok.conf\""
refused "8: tls_key: $TMP/ok.conf is not PEM" \
	"  tls_cert = \"$TMP/ok.conf\"
  tls_key = \"$TMP/ok.conf\""
refused '9: user: no user "no-such-user-here" on this system' '' 'user = "no-such-user-here"'
refused '9: profile: target "ctl": .*no-such-profile.conf: cannot read profile "no-such-profile"' \
	'' 'target "ctl" { address = "127.0.0.1" profile = "no-such-profile" }'
# a profile that does not load: what it says names its own file and line
mkdir "$TMP/profiles"
cp "$top_srcdir"/config/profiles/*.conf "$TMP/profiles/"
printf 'description = "x"\ntable "t" {\n oid = "1.3.6.1.4.1.1.2.3.4.5"\n rows = "radio"\n clients = "nope"\n}\n' \
	>"$TMP/profiles/broken.conf"
HEADROOM_PROFILE_DIR=$TMP/profiles; export HEADROOM_PROFILE_DIR
refused "9: profile: target \"ctl\": $TMP/profiles/broken.conf:5: clients: \"nope\": not a column" \
	'' 'target "ctl" { address = "127.0.0.1" profile = "broken" }'
# profile = "auto" (the default) works without it, and says it is skipped
good "" 'target "ctl" { address = "127.0.0.1" }' >"$TMP/c.conf"
"$HEADROOMD" -t -c "$TMP/c.conf" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "-t refused profile = auto"; }
grep -q "c.conf:9: profile: warning: .*would not consider $TMP/profiles/broken.conf:5" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no warning about the profile auto would skip"; }
rm "$TMP/profiles/broken.conf"
good "" 'target "ctl" { address = "127.0.0.1" profile = "unifi" }' >"$TMP/c.conf"
"$HEADROOMD" -t -c "$TMP/c.conf" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "-t refused profile unifi"; }
unset HEADROOM_PROFILE_DIR

refused '9: file: capture "c": cannot read /nonexistent/replay.pcap' \
	'' 'capture "c" { mode = "uplink" file = "/nonexistent/replay.pcap" }'

printf 'state_dir = ""\n' >"$TMP/empty.conf"
good "" "" | sed 1d >>"$TMP/empty.conf"
"$HEADROOMD" -t -c "$TMP/empty.conf" >/dev/null 2>"$TMP/err" && fail "-t accepted state_dir = \"\""
grep -q "empty.conf:1: state_dir: is empty" "$TMP/err" || { cat "$TMP/err"; fail "no state_dir error"; }

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p "$TMP/state"
	chmod 755 "$TMP/state"	# root's: nobody cannot write it
	good "" "" >"$TMP/c.conf"
	"$HEADROOMD" -t -u nobody -c "$TMP/c.conf" >/dev/null 2>"$TMP/err" &&
		fail "-t -u nobody accepted a state_dir nobody cannot write"
	grep -q "c.conf:1: state_dir: $TMP/state is not writable by user nobody" "$TMP/err" ||
		{ cat "$TMP/err"; fail "no state_dir finding for nobody"; }
	chown nobody "$TMP/state"
	chmod 755 "$TMP"	# and it can reach it
	"$HEADROOMD" -t -u nobody -c "$TMP/c.conf" >/dev/null 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "-t -u nobody refused a state_dir nobody owns"; }
fi
pass "-t checks listen addresses, certificates, the user, state_dir and profiles"
