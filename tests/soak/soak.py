#!/usr/bin/env python3
"""Soak: a whole three-day event, accelerated, through the real headroomd
with faults injected on a script, then checked.

Parts (all on 127.0.0.1 or in a network namespace this script creates):
the demo's conference day played three times by snmpsimd (the demo's
variation module; the switch answers 32-bit octet counters only, so the
uplink counters wrap every minute or two of wall time), the demo's
capture replayed from a file, rrdcached, a webhook receiver speaking
Matrix (tests/soak/receiver.py), and, as root, a live capture on a veth
whose peer sits in a namespace and sends traffic.

Faults, one after the other: the controller's agent stops and returns;
it answers garbage (client counts as text); the switch reboots (uptime
and counters back near zero); the receiver answers 500, then 429, then
hangs; SIGHUP with a broken config, then a good one; the state dir (a
small tmpfs, root only) fills up and frees; the live capture's interface
disappears and returns (root only); kill -9 and restart; a silence with
a regex that would explode (refused with 400); one radio reporting
Counter32's 4294967295 "no value"; the switch's counters jumping ahead
(a failover); six clients asking for 4000 x 2000 graphs over 30 days.
While the state dir is full, silences are posted so that an alert
record is split by the full disk.

Checks: the daemon is up throughout (except after the kill); VmRSS grows
by at most 10% after the first event hour (and a minute of start-up) of
each daemon process, not counting transparent huge pages: those are the
capture tables', reserved at start and faulted in 2 MiB at a time as new
addresses hash into them (6 MiB at once was seen when the live interface
came back), bounded by the tables' size, so not growth a leak makes;
the live capture measures again after its interface returns; every
notification the alert engine spooled for the receiver was accepted
exactly once, and the transitions the script implies (the controller
down and back, the main hall over capacity at the keynote) are among
them; RRD rows are unknown only inside fault windows; the report of the
event shows the script's peaks; alerts.log holds whole records only
(after the state dir was full); /healthz answers within 1 s (503 while
the store fails counts) in all but 1% of probes outside the kill; no
uplink rate above the link is stored and no alert takes an impossible
client count. Prints figures as JSON on the last line.

Usage: soak.py --speed N [--headroomd PATH] [--keep]
Exit 0 pass, 1 fail, 77 skip.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
DEMO = os.path.join(SRC, "tools", "demo")
DAY_MINUTES = 870            # 07:30-22:00, the demo day
DAYS = 3
API_TOKEN = "soak-api-token-0123"
IS_ROOT = os.geteuid() == 0
# the demo's tools need Debian's python3 modules, as tools/demo/run-demo does
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def log(msg):
    print("soak: %s" % msg, flush=True)


def anon_huge_kb(pid):
    """the process's transparent huge pages (only the capture tables ask
    for them), 0 where the kernel does not say"""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            m = re.search(r"AnonHugePages:\s+(\d+)", f.read())
        return int(m.group(1)) if m else 0
    except OSError:
        return 0


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw)


class Soak:
    def __init__(self, args):
        self.args = args
        self.speed = args.speed
        self.tmp = tempfile.mkdtemp(prefix="headroom-soak.")
        os.chmod(self.tmp, 0o755)
        self.state = os.path.join(self.tmp, "state")
        self.procs = {}
        self.windows = []          # (fault, affects, wall start, wall end)
        self.health_misses = []    # wall times /healthz did not answer within 1 s
        self.failures = []
        self.notes = []
        self.rss = []              # (pid, wall, kB)
        self.faults_done = []
        self.mounted = False
        tag = os.getpid() % 100000
        self.netns = "hrsoak%d" % tag
        self.veth = "hrs%da" % tag
        self.peer = "hrs%db" % tag
        self.netns_made = False
        self.ports = {k: free_port(socket.SOCK_DGRAM if k in ("wlc", "sw") else socket.SOCK_STREAM)
                      for k in ("wlc", "sw", "web", "hook")}

    # ---- helpers ----

    def path(self, *p):
        return os.path.join(self.tmp, *p)

    def fail(self, msg):
        log("FAIL: " + msg)
        self.failures.append(msg)

    def spawn(self, name, cmd, **kw):
        out = open(self.path(name + ".log"), "a")
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, **kw)
        self.procs[name] = p
        return p

    def stop(self, name, sig=signal.SIGTERM):
        p = self.procs.pop(name, None)
        if not p:
            return
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def event_minute(self, wall):
        return (wall - self.t0) * self.speed / 60.0

    def wait_until(self, wall):
        while time.time() < wall:
            self.watch()
            time.sleep(min(0.5, max(0.0, wall - time.time())))

    def sleep(self, seconds):
        self.wait_until(time.time() + seconds)

    # ---- parts ----

    def prepare_day(self):
        run(PYTHON, os.path.join(DEMO, "conference_day.py"), "generate", "--out", self.tmp,
            "--speed", str(self.speed), "--start", "07:30")
        sw = glob.glob(self.path("snmpsim", "core-sw", "*.snmprec"))[0]
        with open(sw) as f:
            lines = [l for l in f if not re.match(r"1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.(6|10)\.", l)]
        with open(sw, "w") as f:
            f.writelines(lines)
        wlc = glob.glob(self.path("snmpsim", "wlc", "*.snmprec"))[0]
        with open(wlc) as f:
            good = f.read()
        self.wlc_rec = wlc
        self.wlc_good = good
        # garbage: every per-radio client count becomes text
        self.wlc_bad = re.sub(r"^(1\.3\.6\.1\.4\.1\.14179\.2\.2\.2\.1\.15\.[0-9.]+)\|[^\n]*",
                              r"\1|4|many", good, flags=re.M)
        # a sentinel: one radio's client count is Counter32's "no value"
        self.wlc_sentinel = re.sub(r"^(1\.3\.6\.1\.4\.1\.14179\.2\.2\.2\.1\.15\.[0-9.]+)\|[^\n]*",
                                   r"\1|65|4294967295", good, count=1, flags=re.M)
        run(PYTHON, os.path.join(DEMO, "make_capture.py"), self.path("video-uplink.pcap"))
        os.makedirs(self.path("variation"))
        shutil.copy(os.path.join(DEMO, "snmpsim", "conferenceday.py"), self.path("variation"))
        for d in ("snmpsim", "variation"):
            run("chmod", "-R", "a+rX", self.path(d))
        os.chmod(self.path("day.json"), 0o644)

    def start_agent(self, device):
        port = self.ports["wlc" if device == "wlc" else "sw"]
        cache = self.path("cache-" + device)
        os.makedirs(cache, exist_ok=True)
        os.chmod(cache, 0o777)
        cmd = ["snmpsimd", "--data-dir=" + self.path("snmpsim", device), "--cache-dir=" + cache,
               "--agent-udpv4-endpoint=127.0.0.1:%d" % port,
               "--variation-modules-dir=" + self.path("variation"),
               "--variation-module-options=conferenceday:day=" + self.path("day.json")]
        if IS_ROOT:
            cmd += ["--process-user=nobody", "--process-group=nogroup"]
        self.spawn("snmpsim-" + device, cmd)
        for _ in range(150):
            r = run("snmpget", "-v2c", "-c", device, "-t", "0.5", "-r", "0",
                    "127.0.0.1:%d" % port, "1.3.6.1.2.1.1.3.0", check=False)
            if r.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("snmpsimd for %s did not start" % device)

    def mount_state(self):
        os.makedirs(self.state)
        if IS_ROOT:
            r = run("mount", "-t", "tmpfs", "-o", "size=%dm,mode=0700" % self.args.tmpfs_mb,
                    "tmpfs", self.state, check=False)
            self.mounted = r.returncode == 0
            if not self.mounted:
                self.notes.append("state dir fill skipped: cannot mount a tmpfs (%s)" % r.stdout.strip())
        else:
            self.notes.append("state dir fill skipped: not root (no tmpfs)")
        os.chmod(self.state, 0o700)

    def make_veth(self):
        run("ip", "link", "add", self.veth, "type", "veth", "peer", "name", self.peer,
            "netns", self.netns)
        run("ip", "addr", "add", "10.77.0.1/24", "dev", self.veth)
        run("ip", "link", "set", self.veth, "up")
        run("ip", "netns", "exec", self.netns, "ip", "addr", "add", "10.77.0.2/24", "dev", self.peer)
        run("ip", "netns", "exec", self.netns, "ip", "link", "set", self.peer, "up")
        run("ip", "netns", "exec", self.netns, "ip", "link", "set", "lo", "up")

    def start_netns(self):
        if not IS_ROOT:
            self.notes.append("capture interface fault skipped: not root (no netns)")
            return
        r = run("ip", "netns", "add", self.netns, check=False)
        if r.returncode != 0:
            self.notes.append("capture interface fault skipped: ip netns add failed (%s)" % r.stdout.strip())
            return
        self.netns_made = True
        self.make_veth()
        # ~2 Mbit/s of UDP from the namespace; survives its interface going away
        sender = ("import socket,time\n"
                  "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                  "b=bytes(1000)\n"
                  "while True:\n"
                  "  try: s.sendto(b,('10.77.0.1',9))\n"
                  "  except OSError: time.sleep(0.2)\n"
                  "  time.sleep(0.004)\n")
        self.spawn("sender", ["ip", "netns", "exec", self.netns, PYTHON, "-c", sender])

    def start_rrdcached(self):
        self.sock = self.path("rrdcached.sock")
        self.spawn("rrdcached", ["rrdcached", "-g", "-l", "unix:" + self.sock,
                                 "-p", self.path("rrdcached.pid"), "-w", "20", "-z", "5"])
        for _ in range(50):
            if os.path.exists(self.sock):
                return
            time.sleep(0.1)
        raise RuntimeError("rrdcached did not start")

    def start_receiver(self):
        self.mode_file = self.path("hook-mode")
        self.set_hook("ok")
        self.hook_log = self.path("hook.jsonl")
        self.spawn("receiver", [PYTHON, os.path.join(HERE, "receiver.py"),
                                "--port", str(self.ports["hook"]), "--log", self.hook_log,
                                "--mode-file", self.mode_file, "--hang", str(self.hang_s)])
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.ports["hook"]), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("receiver did not start")

    def set_hook(self, mode):
        with open(self.mode_file, "w") as f:
            f.write(mode)

    def write_config(self, broken=False):
        with open(os.path.join(SRC, "config", "demo.conf")) as f:
            text = f.read()
        text = text.replace('log_level = "info"',
                            'log_level = "info"\nrrdcached = "unix:%s"' % self.sock)
        text = re.sub(r'notifier "console" \{.*?\n\}',
                      'notifier "soak" {\n    kind = "matrix"\n    url = "http://127.0.0.1:%d/"\n'
                      '    room_id = "!soak:example.org"\n    token = "soak-token"\n'
                      '    severities = { "warn", "crit" }\n    rate_per_minute = 600\n}'
                      % self.ports["hook"], text, flags=re.S)
        text = text.replace("    public_url = ", '    api_token = "%s"\n    public_url = ' % API_TOKEN, 1)
        text += 'alert "target_down" { for = "${HEADROOM_DEMO_FOR:-30s}" }\n'
        if self.netns_made:
            text += ('capture "live" {\n    mode = "uplink"\n    interface = "%s"\n'
                     '    local_prefixes = { "10.77.0.2/32" }\n    window = 10\n}\n'
                     'uplink "live" { capacity_mbps = 100  capture = "live" }\n' % self.veth)
        if broken:
            text += 'room "broken" { seats = \n'
        tmp = self.conf + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, self.conf)

    def env(self):
        e = dict(os.environ)
        poll = max(1, min(10, round(60 / self.speed)))
        e.update({
            "HEADROOM_DEMO_DIR": self.tmp,
            "HEADROOM_DEMO_SCHEDULE": self.path("schedule.xml"),
            "HEADROOM_DEMO_WEB": "127.0.0.1:%d" % self.ports["web"],
            "HEADROOM_DEMO_SNMP_PORT": str(self.ports["wlc"]),
            "HEADROOM_DEMO_SWITCH_PORT": str(self.ports["sw"]),
            "HEADROOM_DEMO_HOOK_PORT": str(self.ports["hook"]),
            "HEADROOM_DEMO_TICK": "1",
            "HEADROOM_DEMO_INTERVAL": str(poll),
            "HEADROOM_DEMO_UPLINK_INTERVAL": str(poll),
            "HEADROOM_DEMO_FOR": "%ds" % max(1, min(30, round(300 / self.speed))),
            "HEADROOM_DEMO_GROUP_WAIT": "1s",
            "HEADROOM_DEMO_GROUP_INTERVAL": "%ds" % max(2, min(60, round(600 / self.speed))),
        })
        # the sanitizer build: keep freed memory from counting as growth
        e.setdefault("ASAN_OPTIONS", "quarantine_size_mb=1:malloc_context_size=5")
        return e

    def start_daemon(self):
        p = self.spawn("headroomd", [self.args.headroomd, "-f", "-c", self.conf], env=self.env())
        self.daemon_started = time.time()
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.ports["web"], timeout=1)
                return p
            except Exception:
                if p.poll() is not None:
                    raise RuntimeError("headroomd exited at start: %s" % self.tail("headroomd"))
                time.sleep(0.2)
        raise RuntimeError("headroomd web did not come up")

    def tail(self, name, n=15):
        try:
            with open(self.path(name + ".log")) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    # ---- watching ----

    def watch(self):
        p = self.procs.get("headroomd")
        now = time.time()
        if getattr(self, "killed", False):
            return
        if not p or p.poll() is not None:
            if not getattr(self, "down_reported", False):
                self.fail("headroomd is not running at event minute %.0f: %s"
                          % (self.event_minute(now), self.tail("headroomd")))
                self.down_reported = True
            return
        self.probe_health(now)
        if now - getattr(self, "last_rss", 0) >= 1:
            self.last_rss = now
            try:
                with open("/proc/%d/status" % p.pid) as f:
                    kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
                self.rss.append((p.pid, now, kb - anon_huge_kb(p.pid)))
            except (OSError, AttributeError):
                pass

    def probe_health(self, now):
        """/healthz must answer within 1 s throughout (503 while the store
        fails is an answer)."""
        if now - getattr(self, "last_health", 0) < 1:
            return
        self.last_health = now
        self.health_probes = getattr(self, "health_probes", 0) + 1
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.ports["web"],
                                   timeout=1).read()
        except urllib.error.HTTPError:
            pass
        except Exception:
            self.health_misses.append(now)

    # ---- faults ----

    def window(self, fault, affects, start, end):
        self.windows.append((fault, affects, start, end))
        self.faults_done.append(fault)
        log("fault %-16s event minute %5.0f-%5.0f (%.0f s wall)"
            % (fault, self.event_minute(start), self.event_minute(end), end - start))

    def hold(self, event_minutes, floor):
        return max(floor, event_minutes * 60.0 / self.speed)

    def fault_agent_stop(self):
        t = time.time()
        self.stop("snmpsim-wlc", signal.SIGKILL)
        self.sleep(self.hold(90, 14))
        self.start_agent("wlc")
        self.down_window = (t, time.time())
        self.window("agent_stop", {"wlc"}, t, time.time())

    def fault_agent_garbage(self):
        t = time.time()
        self.swap_wlc(self.wlc_bad)
        self.sleep(self.hold(60, 8))
        self.swap_wlc(self.wlc_good)
        self.window("agent_garbage", {"wlc"}, t, time.time())

    def swap_wlc(self, text):
        tmp = self.wlc_rec + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.rename(tmp, self.wlc_rec)
        # snmpsimd indexes a recording once; a restart reads the new one
        self.stop("snmpsim-wlc", signal.SIGKILL)
        shutil.rmtree(self.path("cache-wlc"), ignore_errors=True)
        self.start_agent("wlc")

    def fault_switch_reboot(self):
        t = time.time()
        with open(self.path("day.json")) as f:
            day = json.load(f)
        elapsed = t - day["start_wall"]
        day["uptime_base_ticks"] = -int(elapsed * 100) + 500       # up for 5 s
        # the counters restart: what the day carried so far is gone
        minute = self.event_minute(t) % DAY_MINUTES
        cycles = int(self.event_minute(t) // DAY_MINUTES)
        carried = min(cycles * s[-1] + s[min(int(minute), len(s) - 1)]
                      for s in day["counters"].values())
        day["counter_base"] = -int(carried / self.speed)
        tmp = self.path("day.json.tmp")
        with open(tmp, "w") as f:
            json.dump(day, f)
        os.chmod(tmp, 0o644)
        os.rename(tmp, self.path("day.json"))
        self.sleep(self.hold(20, 4))
        self.window("switch_reboot", {"sw"}, t, time.time())

    def fault_hook(self, mode, minutes, floor):
        t = time.time()
        self.set_hook(mode)
        self.sleep(self.hold(minutes, floor))
        self.set_hook("ok")
        self.window("webhook_" + mode, set(), t, time.time())

    def fault_sighup(self):
        t = time.time()
        p = self.procs["headroomd"]
        self.write_config(broken=True)
        p.send_signal(signal.SIGHUP)
        self.sleep(3)
        if "reload rejected" not in self.tail("headroomd", 60):
            self.fail("a broken config on SIGHUP was not rejected in the log")
        self.write_config()
        p.send_signal(signal.SIGHUP)
        self.sleep(3)
        self.window("sighup_broken", set(), t, time.time())

    def fault_fill(self):
        """The state dir fills up while alert records are written: the page
        alerts.log ends in has room for a few of the silences posted
        meanwhile, and the record that no longer fits is written in part.
        The next record, once there is room, must not run on from it
        (alerts.log holds whole records only: checked at the end)."""
        if not self.mounted:
            return
        t = time.time()
        filler = os.path.join(self.state, "filler")
        run("dd", "if=/dev/zero", "of=" + filler, "bs=4k", check=False)
        ids, said = [], ""
        try:
            for i in range(24):    # 24 x 330 bytes: more than a page
                ids.append(self.split_silence("full-%d" % i))
            self.sleep(max(3.0, self.hold(60, 10) - (time.time() - t)))
            said = self.tail("headroomd", 400)
            os.unlink(filler)
            ids.append(self.split_silence("after"))
            self.sleep(3)          # ticks write it (tick = 1 s)
        except (OSError, ValueError, KeyError) as e:
            self.fail("state dir full: the silence API failed: %s" % e)
            if os.path.exists(filler):
                os.unlink(filler)
        for i in ids:
            try:
                self.api("DELETE", "/api/v1/silences/" + i)
            except (OSError, ValueError) as e:
                self.fail("state dir full: cannot remove silence %s: %s" % (i, e))
        self.window("state_dir_full", {"store"}, t, time.time())
        self.check_split(said)

    def check_split(self, said):
        lost = sum(int(m) for m in re.findall(r"alert log .*: (\d+) of \d+ records not written", said))
        comments = [ev.get("comment", "") for ev in self.alert_log_now()
                    if ev.get("event") == "silence_created" and ev.get("author") == "soak-split"]
        written = sum(c.startswith("record split full-") for c in comments)
        self.figures.update({"records_written_while_full": written,
                             "records_lost_while_full": lost})
        if not lost:
            self.notes.append("state dir full: every record fitted (%d); none was split" % written)
        if not any(c.startswith("record split after ") for c in comments):
            self.fail("state dir full: the record written once there was room is not in alerts.log")

    def api(self, method, path, body=None):
        req = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.ports["web"], path), method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": "Bearer " + API_TOKEN, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read() or b"{}")

    def split_silence(self, tag):
        """a silence that matches nothing; its record in alerts.log is
        about 330 bytes"""
        return self.api("POST", "/api/v1/silences", {
            "matchers": [{"name": "ap", "value": "soak-split-" + tag}],
            "endsAt": int(time.time()) + 3600, "createdBy": "soak-split",
            "comment": "record split " + tag + " " + "x" * 180})["id"]

    def fault_capture_gone(self):
        if not self.netns_made:
            return
        t = time.time()
        run("ip", "link", "del", self.veth)
        self.sleep(self.hold(60, 10))
        self.make_veth()
        back = time.time() + 30
        while not self.live_measured() and time.time() < back:
            self.sleep(1)
        if not self.live_measured():
            self.fail("the live capture did not resume within 30 s of its interface returning")
        self.window("capture_iface_gone", {"live"}, t, time.time())

    def live_measured(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/uplinks" % self.ports["web"],
                                        timeout=2) as r:
                ups = {u["name"]: u for u in json.load(r)["uplinks"]}
            return (ups["live"].get("mbps_in") or 0) + (ups["live"].get("mbps_out") or 0) > 0
        except (OSError, ValueError, KeyError):
            return False

    def spool_empty(self):
        return not glob.glob(os.path.join(self.state, "spool", "*", "*.json"))

    def fault_regex_silence(self):
        t = time.time()
        body = json.dumps({"matchers": [{"name": "ap", "value": "((a{1,100}){1,100}){1,100}",
                                         "isRegex": True}],
                           "endsAt": int(t) + 3600, "createdBy": "soak",
                           "comment": "a costly regex"}).encode()
        req = urllib.request.Request(
            "http://127.0.0.1:%d/api/v1/silences" % self.ports["web"], data=body,
            headers={"Authorization": "Bearer " + API_TOKEN, "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=5)
            self.fail("a costly regex silence was accepted")
        except urllib.error.HTTPError as e:
            if e.code != 400:
                self.fail("a costly regex silence answered %d, not 400" % e.code)
        except OSError as e:
            self.fail("a costly regex silence got no answer: %s" % e)
        self.sleep(2)
        self.window("regex_silence", set(), t, time.time())

    def fault_sentinel(self):
        t = time.time()
        self.swap_wlc(self.wlc_sentinel)
        self.sleep(self.hold(20, 4))
        self.swap_wlc(self.wlc_good)
        self.window("sentinel_clients", {"wlc"}, t, time.time())

    def fault_counter_jump(self):
        """A failover between core switches: the octet counters jump ahead
        by far more than the uplink carries in a poll."""
        t = time.time()
        with open(self.path("day.json")) as f:
            day = json.load(f)
        day["counter_base"] = day.get("counter_base", 0) + 10 ** 11
        tmp = self.path("day.json.tmp")
        with open(tmp, "w") as f:
            json.dump(day, f)
        os.chmod(tmp, 0o644)
        os.rename(tmp, self.path("day.json"))
        self.sleep(self.hold(20, 4))
        self.window("counter_jump", {"sw"}, t, time.time())

    def fault_graph_flood(self):
        t = time.time()
        stop = t + self.hold(10, 4)
        base = "http://127.0.0.1:%d/graph/venue.png?height=2000&range=30d" % self.ports["web"]

        def client(i):
            while time.time() < stop:
                try:
                    urllib.request.urlopen(base + "&width=%d" % (4000 - i), timeout=10).read()
                except Exception:
                    time.sleep(0.2)
        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(6)]
        for th in threads:
            th.start()
        self.wait_until(stop)
        for th in threads:
            th.join(15)
        self.window("graph_flood", set(), t, time.time())

    def fault_kill9(self):
        deadline = time.time() + 20
        while not self.spool_empty() and time.time() < deadline:
            self.sleep(0.5)
        t = time.time()
        self.killed = True
        p = self.procs.pop("headroomd")
        p.kill()
        p.wait()
        time.sleep(2)
        self.killed = False
        self.start_daemon()
        self.window("kill9_restart", {"all"}, t, time.time())

    # ---- the run ----

    def run(self):
        self.hang_s = 8 if self.speed >= 300 else 20
        self.prepare_day()
        self.mount_state()
        self.start_netns()
        self.start_rrdcached()
        self.start_receiver()
        self.conf = self.path("headroom.conf")
        self.write_config()
        self.start_agent("wlc")
        self.start_agent("core-sw")
        run(PYTHON, os.path.join(DEMO, "conference_day.py"), "start-clock",
            self.path("day.json"))
        if "HEADROOM_DEMO_SCHEDULE" in open(os.path.join(SRC, "config", "demo.conf")).read():
            run(PYTHON, os.path.join(DEMO, "conference_day.py"), "schedule", "--day",
                self.path("day.json"), "--out", self.path("schedule.xml"))
        r = run(self.args.headroomd, "-t", "-c", self.conf, check=False, env=self.env())
        if r.returncode != 0:
            raise RuntimeError("config rejected: " + r.stdout)
        self.t0 = time.time()
        self.start_daemon()
        self.end = self.t0 + DAYS * DAY_MINUTES * 60.0 / self.speed
        log("three days of %d event minutes at %gx: %.0f s wall, state in %s"
            % (DAY_MINUTES, self.speed, self.end - self.t0, self.tmp))
        plan = [  # (event minute, fault)
            (150, self.fault_agent_stop), (300, self.fault_agent_garbage),
            (420, self.fault_switch_reboot), (500, lambda: self.fault_hook("500", 45, 6)),
            (580, lambda: self.fault_hook("429", 45, 6)),
            (660, lambda: self.fault_hook("hang", 45, self.hang_s + 2)),
            (DAY_MINUTES + 100, self.fault_sighup), (DAY_MINUTES + 250, self.fault_fill),
            (DAY_MINUTES + 450, self.fault_capture_gone), (DAY_MINUTES + 650, self.fault_kill9),
            (2 * DAY_MINUTES + 20, self.fault_regex_silence),
            (2 * DAY_MINUTES + 100, self.fault_sentinel),
            (2 * DAY_MINUTES + 200, self.fault_counter_jump),
            (2 * DAY_MINUTES + 300, self.fault_graph_flood),
        ]
        settle = max(4.0, 30 * 60.0 / self.speed)
        at = self.t0
        for minute, fault in plan:
            at = max(self.t0 + minute * 60.0 / self.speed, at)
            self.wait_until(at)
            fault()
            at = time.time() + settle
            if time.time() > self.end - 10:
                self.fail("the faults did not fit into the event; lower the speed")
                break
        self.wait_until(self.end)
        self.finish()

    def finish(self):
        self.set_hook("ok")
        deadline = time.time() + 60
        while not self.spool_empty() and time.time() < deadline:
            self.sleep(1)
        if not self.spool_empty():
            self.fail("the notification spool did not drain")
        self.sleep(3)
        self.t_end = time.time()
        self.stop("headroomd")
        self.stop("rrdcached")     # flushes every pending update
        self.check_alerts()
        self.check_health()
        self.check_rates()
        self.check_rss()
        self.check_gaps()
        self.check_report()

    # ---- checks ----

    def alert_log_now(self):
        """alerts.log's records so far (a torn line is the end check's)"""
        events = []
        with open(os.path.join(self.state, "alerts.log")) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass
        return events

    def alert_log(self):
        if hasattr(self, "alert_events"):
            return self.alert_events
        events = self.alert_events = []
        torn = 0
        with open(os.path.join(self.state, "alerts.log")) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    torn += 1
        # a full state dir must not split a record (state_dir_full)
        if torn:
            self.fail("alerts.log has %d lines that are not whole records" % torn)
        return events

    def check_health(self):
        kills = [w for w in self.windows if w[0] == "kill9_restart"]
        misses = [t for t in self.health_misses
                  if not any(w[2] <= t <= w[3] + 10 for w in kills)]
        probes = getattr(self, "health_probes", 0)
        self.figures.update({"healthz_probes": probes, "healthz_missed_1s": len(misses)})
        if len(misses) > max(1, probes // 100):
            self.fail("/healthz did not answer within 1 s %d times of %d" % (len(misses), probes))

    def check_rates(self):
        """No stored uplink rate beyond what the link can carry (counter_jump),
        and no alert on a client count no radio holds (sentinel_clients)."""
        r = run("rrdtool", "fetch", os.path.join(self.state, "uplink/isp.rrd"), "MAX", "-r", "10",
                "-s", str(int(self.t0) + 60), "-e", str(int(self.t_end) - 30), check=False)
        lines = r.stdout.splitlines() if r.returncode == 0 else []
        col = lines[0].split().index("bps_in") if lines else 0
        peak = 0.0
        for line in lines[1:]:
            if ":" in line:
                v = line.split(":", 1)[1].split()[col]
                if v.lower() not in ("nan", "-nan"):
                    peak = max(peak, float(v))
        self.figures["isp_peak_bps"] = peak
        if peak > 500e6 * 1.5:
            self.fail("uplink isp stored %.0f bit/s, beyond its 500 Mbit/s" % peak)
        for e in self.alert_log():
            if (e.get("rule") in ("ap_over_capacity", "room_over_capacity", "client_drop") and
                    (e.get("value") or 0) > 1000):
                self.fail("an alert took an impossible client count: %s" % e.get("summary"))
                break

    def check_alerts(self):
        events = self.alert_log()
        spooled = {e["message"] for e in events
                   if e.get("notifier") == "soak" and "message" in e}
        accepted = {}
        first_try = {}
        attempts = 0
        with open(self.hook_log) as f:
            for line in f:
                r = json.loads(line)
                attempts += 1
                m = re.search(r"/send/m\.room\.message/([^/?]+)$", r["path"])
                if not m:
                    continue
                txn = urllib.request.unquote(m.group(1))
                first_try.setdefault(txn, r["time"])
                if r["status"] == 200:
                    accepted[txn] = accepted.get(txn, 0) + 1
        twice = sorted(k for k, v in accepted.items() if v > 1)
        missing = sorted(spooled - set(accepted))
        # with the state dir full the alert log cannot record the message
        full = [w for w in self.windows if w[0] == "state_dir_full"]
        unlogged = set(accepted) - spooled
        while_full = {k for k in unlogged
                      if any(w[2] <= first_try[k] <= w[3] + 30 for w in full)}
        unknown = sorted(unlogged - while_full)
        if twice:
            self.fail("notifications accepted more than once: %s" % twice[:5])
        if missing:
            self.fail("notifications spooled but never accepted: %s" % missing[:5])
        if unknown:
            self.fail("accepted notifications the daemon never spooled: %s" % unknown[:5])
        # what the script implies, from the alert engine's transitions
        firing = [e for e in events if e.get("event") in ("firing", "resolved")]

        def has(rule, label, value, what):
            return any(e["rule"] == rule and e.get("labels", {}).get(label) == value and
                       e["event"] == what for e in firing)
        implied = [("target_down", "target", "wlc", "firing"),
                   ("target_down", "target", "wlc", "resolved"),
                   ("room_over_capacity", "room", "main-hall", "firing"),
                   ("room_over_capacity", "room", "main-hall", "resolved")]
        for rule, label, value, what in implied:
            if not has(rule, label, value, what):
                self.fail("no %s %s for %s %s" % (rule, what, label, value))
        keynotes = sum(1 for e in firing if e["rule"] == "room_over_capacity" and
                       e.get("labels", {}).get("room") == "main-hall" and e["event"] == "firing")
        notified = {}
        for e in events:
            if e.get("event") == "notified":
                notified[e["notification"]] = e
        self.figures.update({
            "notifications_spooled": len(spooled), "notifications_accepted": len(accepted),
            "accepted_twice": len(twice), "missing": len(missing), "hook_requests": attempts,
            "accepted_unlogged_while_state_full": len(while_full),
            "transitions": len(firing), "main_hall_over_capacity_firings": keynotes,
        })

    def check_rss(self):
        with open(self.path("rss.csv"), "w") as f:
            for pid, t, kb in self.rss:
                f.write("%d,%.1f,%d\n" % (pid, t - self.t0, kb))
        worst = 0.0
        for pid in sorted({p for p, _, _ in self.rss}):
            rows = [(t, kb) for p, t, kb in self.rss if p == pid]
            start = rows[0][0]
            # after the first event hour, and at least after the start-up
            # allocations (RRD files created, histories filled once)
            warm = start + max(3600.0 / self.speed, 60)
            after = [kb for t, kb in rows if t >= warm]
            if len(after) < 10:
                continue
            first = sorted(kb for t, kb in rows if warm <= t < warm + 30)
            base = first[len(first) // 2]
            growth = (max(after) - base) / base
            worst = max(worst, growth)
            self.figures.setdefault("rss_kb", []).append({"pid": pid, "base": base,
                                                         "max": max(after)})
        self.figures["max_rss_growth"] = round(worst, 4)
        if worst > 0.10:
            self.fail("VmRSS grew by %.1f%% after the first event hour" % (worst * 100))

    def fetch(self, rrd, ds):
        start, end = int(self.t0) + 60, int(self.t_end) - 30
        r = run("rrdtool", "fetch", rrd, "AVERAGE", "-r", "10", "-s", str(start), "-e", str(end),
                check=False)
        if r.returncode != 0:
            self.fail("rrdtool fetch %s: %s" % (rrd, r.stdout.strip()))
            return []
        lines = r.stdout.splitlines()
        names = lines[0].split()
        col = names.index(ds)
        rows = []
        for line in lines[1:]:
            if ":" not in line:
                continue
            t, vals = line.split(":", 1)
            v = vals.split()[col]
            rows.append((int(t), v.lower() in ("nan", "-nan")))
        return rows

    def check_gaps(self):
        series = [("room/main-hall.rrd", "clients", "wlc"), ("uplink/isp.rrd", "bps_in", "sw"),
                  ("uplink/video.rrd", "bps_in", "video"), ("venue.rrd", None, "wlc")]
        if self.netns_made:
            series.append(("uplink/live.rrd", "bps_in", "live"))
        # A row is unknown when no update came for the heartbeat; after a
        # restart a capture reports its first figures one window later
        # (60 s for the demo's video mirror).
        margin = {"video": 60 + 40}
        unexplained = {}
        checked = 0
        for rel, ds, source in series:
            rrd = os.path.join(self.state, rel)
            if not os.path.exists(rrd):
                self.fail("no %s" % rel)
                continue
            if ds is None:
                continue
            seen = False
            for t, unknown in self.fetch(rrd, ds):
                seen = seen or not unknown
                if not seen:    # a windowed source has not reported yet
                    continue
                checked += 1
                if not unknown:
                    continue
                ok = any(w[2] - 10 <= t <= w[3] + margin.get(source, 40) and
                         (source in w[1] or "all" in w[1] or "store" in w[1])
                         for w in self.windows)
                if not ok:
                    unexplained.setdefault(rel, []).append(t)
        for rel, ts in unexplained.items():
            self.fail("%s: %d unknown rows outside fault windows (first at event minute %.0f)"
                      % (rel, len(ts), self.event_minute(ts[0])))
        self.figures["rrd_rows_checked"] = checked
        self.figures["rrd_rows_unexplained"] = sum(len(v) for v in unexplained.values())

    def check_report(self):
        out = self.path("report")
        r = run(self.args.headroom, "report", "-c", self.conf, "--from", "@%d" % int(self.t0),
                "--to", "@%d" % int(self.t_end), "-o", out, "--format", "json", "-q",
                check=False, env=self.env())
        if r.returncode != 0:
            self.fail("headroom report failed: %s" % r.stdout[-500:])
            return
        files = glob.glob(os.path.join(out, "*.json"))
        if not files:
            self.fail("headroom report wrote no JSON")
            return
        with open(files[0]) as f:
            rep = json.load(f)
        expect = self.expected_peaks()
        self.figures["report_file"] = os.path.basename(files[0])
        rooms = {r.get("name"): r for r in rep.get("rooms", [])}
        hall = rooms.get("main-hall", {})
        peak = hall.get("peak_clients", hall.get("peak"))
        want, smooth = expect["main-hall"]
        self.figures["report_main_hall_peak"] = peak
        self.figures["script_main_hall_peak"] = [want, round(smooth, 1)]
        if not isinstance(peak, (int, float)) or not (0.9 * smooth <= peak <= 1.03 * want):
            self.fail("report: main-hall peak %s, the script says %d (%.0f over a row)"
                      % (peak, want, smooth))
        ups = {u.get("name"): u for u in rep.get("uplinks", [])}
        isp = ups.get("isp", {})
        mbps = isp.get("peak_in_mbps")
        want_mbps, smooth = expect["isp"]
        self.figures["report_isp_peak_in_mbps"] = mbps
        self.figures["script_isp_peak_in_mbps"] = [want_mbps, round(smooth, 1)]
        if not isinstance(mbps, (int, float)) or not (0.9 * smooth <= mbps <= 1.05 * want_mbps):
            self.fail("report: isp peak in %s Mbit/s, the script says %.1f (%.1f over a row)"
                      % (mbps, want_mbps, smooth))

    def expected_peaks(self):
        """The script's peaks: raw, and averaged over one 10 s RRD row
        of event time (what a report can see at this speed)."""
        sys.path.insert(0, DEMO)
        import conference_day
        series = conference_day.day_series()
        width = max(1, int(round(10 * self.speed / 60.0)))

        def smoothed(values):
            return max(sum(values[i:i + width]) / len(values[i:i + width])
                       for i in range(0, max(1, len(values) - width + 1)))
        hall = series["room_total"]["main-hall"]
        up = series["uplink:in_mbps"]
        return {"main-hall": (max(hall), smoothed(hall)), "isp": (max(up), smoothed(up))}

    def cleanup(self):
        for name in list(self.procs):
            self.stop(name)
        if self.netns_made:
            run("ip", "link", "del", self.veth, check=False)
            run("ip", "netns", "del", self.netns, check=False)
        if self.mounted and not self.args.keep:
            run("umount", self.state, check=False)
        if self.args.keep:
            log("kept %s" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--speed", type=float, default=100)
    ap.add_argument("--headroomd", default=os.environ.get("HEADROOMD", "./headroomd"))
    ap.add_argument("--headroom", default=None)
    ap.add_argument("--tmpfs-mb", type=int, default=640)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--figures", help="also write the figures (JSON) to this file")
    args = ap.parse_args()
    args.headroomd = os.path.abspath(args.headroomd)
    if not args.headroom:
        args.headroom = os.path.join(os.path.dirname(args.headroomd), "headroom")
    for tool in ("snmpsimd", "snmpget", "rrdcached", "rrdtool"):
        if not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            return 77
    # make check's timeout and ^C stop the soak by signal: leave through
    # the finally below, so the tmpfs and the namespace go too
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    s = Soak(args)
    s.figures = {"speed": args.speed}
    started = time.time()
    try:
        s.run()
    except Exception as e:  # a part that would not start is a failure, with its log
        s.fail("%s: %s" % (type(e).__name__, e))
    finally:
        s.cleanup()
    s.figures.update({"wall_seconds": round(time.time() - started),
                      "event_hours": DAYS * DAY_MINUTES / 60.0,
                      "faults": s.faults_done, "failures": len(s.failures), "notes": s.notes})
    print(json.dumps(s.figures))
    if args.figures:
        with open(args.figures, "w") as f:
            json.dump(s.figures, f, indent=1)
    return 1 if s.failures else 0


if __name__ == "__main__":
    sys.exit(main())
