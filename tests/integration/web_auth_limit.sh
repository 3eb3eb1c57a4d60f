#!/bin/sh
# Wrong tokens are limited without locking the right one out: after ten
# wrong guesses from an address its next wrong guess gets 429, while the
# right token from the same address (a NAT) still works. Guesses spread
# over more addresses than the limiter has slots still meet a limit on
# all failures together. A 404 from /graph or /api/v1/series never
# shows the state directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
conf="$TMP/headroom.conf"
write_conf "$conf" "$WEB_PORT" "" "" 'api_token = "t0ken-for-tests"'
start_headroomd "$conf"

ends=$(( $(date +%s) + 3600 ))
body='{"matchers":[{"name":"room","value":"hall-a"}],"endsAt":'$ends',"comment":"limit test","createdBy":"web_auth_limit.sh"}'
# silence TOKEN [SOURCE-ADDRESS]: the status of one POST /api/v1/silences
silence() {
	curl -s -o /dev/null -w '%{http_code}' ${2:+--interface "$2"} -X POST \
		-H 'Content-Type: application/json' -H "Authorization: Bearer $1" \
		--data-binary "$body" "http://127.0.0.1:$WEB_PORT/api/v1/silences"
}

for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(silence wrong-guess)" = 401 ] || fail "a wrong guess under the limit is not 401"
done
[ "$(silence wrong-guess)" = 429 ] || fail "the eleventh wrong guess is not 429"
code=$(silence t0ken-for-tests)
[ "$code" = 201 ] || fail "the right token behind the same address answered $code, not 201"

# 70 addresses (more than the limiter's 64 slots), two guesses each: each
# address stays under its own limit, all of them together do not.
limited=0
for round in 1 2; do
	for i in $(seq 2 71); do
		[ "$(silence "guess-$round-$i" "127.0.0.$i")" = 429 ] && limited=$((limited + 1))
	done
done
[ "$limited" -gt 0 ] || fail "151 wrong guesses from 71 addresses met no limit"
code=$(silence t0ken-for-tests 127.0.0.72)
[ "$code" = 201 ] || fail "the right token during the flood answered $code, not 201"

# 404s name the entity, never a path under state_dir
for path in "/api/v1/series?entity=ap:nope&metric=clients" "/graph/ap:nope.svg"; do
	get "$path" >"$TMP/404.json"
	[ "$(status)" = 404 ] || fail "$path answered $(status), not 404"
	if grep -q "$TMP" "$TMP/404.json"; then
		cat "$TMP/404.json"; fail "$path reveals the state directory"
	fi
done
pass "the right token passes the limiter; failures are bounded in total; 404s keep paths"
