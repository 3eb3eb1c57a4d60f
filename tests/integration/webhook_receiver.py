#!/usr/bin/env python3
"""A webhook receiver for the notify tests, on 127.0.0.1 only.

Every request is appended to a JSON-lines log (time, method, path, headers,
body, json, status) and flushed before the answer goes out. Answers follow
an optional script: a JSON list of {"status", "headers", "body"} used in
order (then 200 forever), optionally per path prefix:
{"/slack": [...], "": [...]}. The process can be killed and restarted on
the same port (SO_REUSEADDR); the log is appended to, never truncated.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer_for(self, path):
        with self.server.lock:
            script = self.server.script
            prefixes = sorted((p for p in script if path.startswith(p)), key=len, reverse=True)
            for p in prefixes:
                if script[p]:
                    return script[p].pop(0)
        return {"status": 200}

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        text = raw.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        answer = self.answer_for(self.path)
        record = {
            "time": time.time(),
            "method": self.command,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "body": text,
            "json": parsed,
            "status": answer.get("status", 200),
        }
        with self.server.lock:
            with open(self.server.log_path, "a") as log:
                log.write(json.dumps(record) + "\n")
                log.flush()
        body = answer.get("body", "ok" if not self.path.startswith("/_matrix") else
                          json.dumps({"event_id": "$e" + str(int(time.time() * 1000))}))
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(answer.get("status", 200))
        for k, v in answer.get("headers", {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = handle_any
    do_PUT = handle_any
    do_GET = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script", help="JSON file with scripted answers")
    args = ap.parse_args()
    script = {}
    if args.script:
        with open(args.script) as f:
            loaded = json.load(f)
        script = {"": loaded} if isinstance(loaded, list) else loaded
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Receiver)
    server.lock = threading.Lock()
    server.script = script
    server.log_path = args.log
    server.serve_forever()


if __name__ == "__main__":
    main()
