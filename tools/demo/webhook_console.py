#!/usr/bin/python3
"""A local webhook receiver for the demo: prints each notification headroomd
sends (Alertmanager webhook v4 JSON from a `generic` notifier, or any other
JSON) as one readable line per alert, and optionally appends every request
body as a JSON line to a file.

usage: webhook_console.py [--port N] [--log FILE]
Listens on 127.0.0.1 only. Answers 200 to every POST.
"""
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def describe(alert, group_status):
    labels = alert.get("labels", {})
    annotations = alert.get("annotations", {})
    status = alert.get("status", group_status).upper()
    where = " ".join("%s=%s" % (k, v) for k, v in sorted(labels.items())
                     if k not in ("alertname", "severity"))
    text = annotations.get("summary") or annotations.get("description") or ""
    return "%-8s %-5s %s %s%s" % (status, labels.get("severity", "?"),
                                  labels.get("alertname", "?"), where,
                                  (": " + text) if text else "")


class Handler(BaseHTTPRequestHandler):
    server_version = "headroom-demo-webhook"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        stamp = time.strftime("%H:%M:%S")
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            doc = None
        if self.server.log_path:
            with open(self.server.log_path, "a") as f:
                f.write(json.dumps({"received": time.time(), "path": self.path,
                                    "body": doc if doc is not None else
                                    body.decode("utf-8", "replace")}) + "\n")
        if isinstance(doc, dict) and isinstance(doc.get("alerts"), list):
            for alert in doc["alerts"]:
                print("[webhook %s] %s" % (stamp, describe(alert, doc.get("status", "?"))),
                      flush=True)
        else:
            print("[webhook %s] %s %s" % (stamp, self.path,
                                          body.decode("utf-8", "replace")[:300]), flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, fmt, *args):
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=9099)
    p.add_argument("--log", help="append each request body as a JSON line")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.log_path = args.log
    print("[webhook] listening on http://127.0.0.1:%d/" % args.port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
