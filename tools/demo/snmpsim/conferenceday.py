#
# snmpsim variation module for the headroom demo: answers each GET from
# the conference day written by tools/demo/conference_day.py (day.json),
# at the moment of the request.
#
# Load with:
#   snmpsimd --variation-modules-dir=DIR \
#            --variation-module-options=conferenceday:day=/path/day.json
#
# Record values (the text after "TAG:conferenceday|"):
#   g=SERIES            a gauge: the per-minute series, interpolated
#   c=SERIES[,div=N]    a Counter64: the octets carried since the day began,
#                       in wall time (so the rate a poller sees is the
#                       scripted one at any speed), plus a base; divided by
#                       N for packet counters
#   c32=SERIES          the same, modulo 2^32 (ifInOctets/ifOutOctets)
#   uptime              sysUpTime in TimeTicks, growing with wall time
#   up=SERIES,k=K       ifOperStatus: up(1) while the gauge is above K, else down(2)
#   learned=SERIES,k=K  dot1qTpFdbStatus: learned(3) while the gauge is above K,
#                       else invalid(2) (an aged-out entry)
#
# snmpsimd runs this file with exec() and injects moduleContext,
# recordContext and agentContext into its globals.
import json
import math
import os
import time

from snmpsim import error, log


def init(**context):
    options = dict(x.split("=", 1) for x in (context.get("options") or "").split(",") if "=" in x)
    if "day" not in options:
        raise error.SnmpsimError("conferenceday: needs day=/path/to/day.json")
    moduleContext["path"] = options["day"]
    moduleContext["parsed"] = {}
    _load()


def _load():
    """(Re)read day.json. The demo runner rewrites it once everything is
    up, so the day's clock starts when the demo does."""
    path = moduleContext["path"]
    mtime = os.stat(path).st_mtime
    with open(path) as f:
        day = json.load(f)
    begin = _minutes(day["begin"])
    day["length"] = _minutes(day["end"]) - begin
    day["offset"] = _minutes(day["start"]) - begin
    # Octets carried in one whole day, per counter, for days after the first.
    day["per_day"] = {k: v[-1] for k, v in day["counters"].items()}
    moduleContext["day"] = day
    moduleContext["mtime"] = mtime
    moduleContext["checked"] = time.time()
    log.msg("conferenceday: day %s-%s from %s at %gx" %
            (day["begin"], day["end"], day["start"], day["speed"]))


def _current_day(now):
    if now - moduleContext["checked"] >= 0.5:
        moduleContext["checked"] = now
        try:
            if os.stat(moduleContext["path"]).st_mtime != moduleContext["mtime"]:
                _load()
        except (OSError, ValueError) as e:
            log.msg("conferenceday: keeping the loaded day: %s" % e)
    return moduleContext["day"]


def _minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _position(day, now):
    """(whole days elapsed, minute within the day as a float)."""
    m = day["offset"] + (now - day["start_wall"]) * day["speed"] / 60.0
    m = max(m, 0.0)
    cycles = math.floor(m / day["length"])
    return cycles, m - cycles * day["length"]


def _interpolate(values, minute):
    i = int(minute)
    if i >= len(values) - 1:
        return values[-1]
    frac = minute - i
    return values[i] + (values[i + 1] - values[i]) * frac


def _gauge(day, name, now):
    _cycles, minute = _position(day, now)
    return int(round(_interpolate(day["gauges"][name], minute)))


def _counter(day, name, now, div):
    cycles, minute = _position(day, now)
    carried = cycles * day["per_day"][name] + _interpolate(day["counters"][name], minute)
    return int((day["counter_base"] + carried / day["speed"]) // div)


def _parse(value):
    parsed = moduleContext["parsed"].get(value)
    if parsed is None:
        parsed = dict(x.split("=", 1) if "=" in x else (x, "") for x in value.split(","))
        moduleContext["parsed"][value] = parsed
    return parsed


def variate(oid, tag, value, **context):
    if not context["nextFlag"] and not context["exactMatch"]:
        return context["origOid"], tag, context["errorStatus"]
    if context["setFlag"]:
        return context["origOid"], tag, context["errorStatus"]
    now = time.time()
    day = _current_day(now)
    spec = _parse(value)
    if "g" in spec:
        return oid, tag, _gauge(day, spec["g"], now)
    if "c" in spec:
        return oid, tag, _counter(day, spec["c"], now, int(spec.get("div", 1)))
    if "c32" in spec:
        return oid, tag, _counter(day, spec["c32"], now, 1) % (1 << 32)
    if "up" in spec:
        return oid, tag, 1 if _gauge(day, spec["up"], now) > int(spec["k"]) else 2
    if "learned" in spec:
        return oid, tag, 3 if _gauge(day, spec["learned"], now) > int(spec["k"]) else 2
    if "uptime" in spec:
        elapsed = now - day["start_wall"]
        return oid, tag, (day["uptime_base_ticks"] + int(elapsed * 100)) % (1 << 32)
    log.msg("conferenceday: %s: unknown value spec %r" % (oid, value))
    return context["origOid"], tag, context["errorStatus"]


def shutdown(**context):
    pass
