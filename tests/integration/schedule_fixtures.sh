#!/bin/sh
# headroomd -t on each real export: the summary line carries the README's
# counts, first and last start; named rooms map to venue rooms.
. "$(dirname "$0")/lib.sh"
need_fixtures schedule
dir="$SHARED_FIXTURES/schedule"

check() {	# FILE ZONE SUMMARY ROOM-CONFIG
	cat >"$TMP/c.conf" <<CONF
event "t" { attendees = 2000  schedule = "$dir/$1" $2 }
$4
CONF
	"$HEADROOMD" -t -c "$TMP/c.conf" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "-t rejected $1"; }
	grep -qxF "Schedule $dir/$1 $3" "$TMP/out" || { grep Schedule "$TMP/out"; fail "$1: summary differs"; }
}

check pyconau-2024.schedule.xml "" \
	"(schedule XML): 3 days, 3 rooms (1 mapped), 57 sessions, first 2024-11-22T09:20+11:00, last 2024-11-24T14:50+11:00" \
	'room "goldfields-theatre" { seats = 500 }
ap "g1" { room = "goldfields-theatre" max_clients = 200 }'
# 19 talks in Goldfields Theatre at 0.7 x 500 x 0.9 = 315 devices each, over 200
[ "$(grep -c '^OVERLOAD: .* room "goldfields-theatre"' "$TMP/out")" = 19 ] ||
	{ cat "$TMP/out"; fail "expected 19 overloads in Goldfields Theatre"; }
grep -q '^UNMAPPED: room "Eureka 2" (.*): 22 sessions$' "$TMP/out" ||
	fail "unmapped Eureka 2 not listed"
check pyconau-2024.schedule.json "" \
	"(schedule JSON): 3 days, 3 rooms (0 mapped), 57 sessions, first 2024-11-22T09:20+11:00, last 2024-11-24T14:50+11:00" ""
check pyconau-2023.schedule.ics 'timezone = "Australia/Adelaide"' \
	"(iCalendar): 3 days, 4 rooms (1 mapped), 94 sessions, first 2023-08-18T09:00+09:30, last 2023-08-20T16:50+09:30" \
	'room "plenary" { seats = 800 schedule_room = "Hall C (Plenary)" }'
check fosdem-2019.xml 'timezone = "Europe/Brussels"' \
	"(schedule XML): 2 days, 33 rooms (1 mapped), 775 sessions, first 2019-02-02T09:30+01:00, last 2019-02-03T17:55+01:00" \
	'room "JANSON" { seats = 1400 }'
check 31c3.schedule.xml 'timezone = "Europe/Berlin"' \
	"(schedule XML): 4 days, 4 rooms (0 mapped), 138 sessions, first 2014-12-27T11:00+01:00, last 2014-12-30T18:30+01:00" ""
check camp2019.frab.json "" \
	"(schedule JSON): 5 days, 2 rooms (0 mapped), 79 sessions, first 2019-08-21T11:00+02:00, last 2019-08-25T18:00+02:00" ""
pass "schedule fixtures"
