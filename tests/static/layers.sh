#!/bin/sh
# layers: data flows one way. Fails when a module includes a header of a
# module above it (downstream), a peer's header, or another module's
# internal header. Each folder's rank and public headers are listed here
# and nowhere else; doc/ARCHITECTURE.md draws the same picture.
cd "${top_srcdir:-$(dirname "$0")/../..}" || exit 99

# folder rank: a file may include only its own folder or a lower rank
ranks='base 0
collectors 1
model 1
schedule 2
store 3
alerts 3
notify 4
web 5
report 5
daemon 6'

# the headers other modules may include; every other header is internal
public='base/conf.h base/log.h base/util.h base/sample.h base/collector.h
base/module.h base/eventlog.h collectors/snmp.h collectors/pcap.h
model/venue.h model/plan.h model/wired.h schedule/schedule.h store/store.h alerts/alert.h
notify/notify.h web/web.h report/report.h daemon/daemon.h'

rank_of() { printf '%s\n' "$ranks" | awk -v f="$1" '$1 == f { print $2 }'; }

bad=0
for file in $(printf '%s\n' "$ranks" | awk '{ print $1 }' | while read -r d; do
	ls "$d"/*.c "$d"/*.h 2>/dev/null; done); do
	from=${file%%/*}
	from_rank=$(rank_of "$from")
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file"); do
		case $inc in */*) ;; *) continue ;; esac	# config.h, generated
		to=${inc%%/*}
		[ "$to" = "$from" ] && continue
		to_rank=$(rank_of "$to")
		if [ -z "$to_rank" ]; then
			echo "$file: includes $inc from an unknown folder"; bad=1
		elif [ "$to_rank" -ge "$from_rank" ]; then
			echo "$file: includes $inc, but $to is not below $from"; bad=1
		elif ! printf '%s\n' $public | grep -qxF "$inc"; then
			echo "$file: includes $inc, an internal header of $to"; bad=1
		fi
	done
done
# librrd is the store's alone: the report and the web read through it.
for file in $(grep -l '#[[:space:]]*include[[:space:]]*<rrd' */*.c */*.h 2>/dev/null); do
	case $file in store/* | tests/* | bench/*) ;;
	*) echo "$file: calls librrd; only store/ may"; bad=1 ;;
	esac
done
[ $bad = 0 ] && echo "layers: every include runs down to a public header"
exit $bad
