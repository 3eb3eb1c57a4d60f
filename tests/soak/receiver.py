#!/usr/bin/env python3
"""Webhook receiver for the soak, on 127.0.0.1 only. Answers every
request the way the mode file (one word, re-read per request) says:
ok (200, Matrix event id), 500, 429 (Retry-After: 1), hang (hold the
connection HANG seconds, then close it without an answer). Every request
is appended to a JSON-lines log (time, method, path, mode, status) before
the answer goes out; status is null for a hang."""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def mode(self):
        try:
            with open(self.server.mode_path) as f:
                return f.read().strip() or "ok"
        except OSError:
            return "ok"

    def record(self, mode, status, body):
        with self.server.lock:
            with open(self.server.log_path, "a") as log:
                log.write(json.dumps({"time": time.time(), "method": self.command,
                                      "path": self.path, "mode": mode, "status": status,
                                      "body": body}) + "\n")

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        mode = self.mode()
        if mode == "hang":
            self.record(mode, None, body)
            time.sleep(self.server.hang)
            self.close_connection = True
            return
        status = {"500": 500, "429": 429}.get(mode, 200)
        self.record(mode, status, body)
        data = (json.dumps({"event_id": "$%d" % int(time.time() * 1e6)}) if status == 200
                else json.dumps({"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 1000})).encode()
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_PUT = do_GET = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode-file", required=True)
    ap.add_argument("--hang", type=float, default=20.0)
    args = ap.parse_args()
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.lock = threading.Lock()
    server.log_path = args.log
    server.mode_path = args.mode_file
    server.hang = args.hang
    server.serve_forever()


if __name__ == "__main__":
    main()
