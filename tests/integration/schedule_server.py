#!/usr/bin/env python3
"""A schedule server for tests: serves the files of DIR on 127.0.0.1 the
way conference sites do, with ETag and Last-Modified, and answers 304 to
a matching If-None-Match or If-Modified-Since. Each request reads the
file again, so a test swaps versions by replacing it; DIR/.status (e.g.
"503") makes every answer that status. Every request is appended to
DIR/.requests as "METHOD PATH STATUS if-none-match=... if-modified-since=...".

usage: schedule_server.py DIR PORTFILE   (the port it bound goes to PORTFILE)
"""
import email.utils
import hashlib
import http.server
import os
import sys

ROOT = os.path.abspath(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        with open(os.path.join(ROOT, ".requests"), "a") as f:
            f.write("%s %s %d if-none-match=%s if-modified-since=%s\n" % (
                self.command, self.path, status, self.headers.get("If-None-Match", "-"),
                self.headers.get("If-Modified-Since", "-")))

    def answer(self, status, body=b"", headers=()):
        self.note(status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def do_GET(self):
        forced = os.path.join(ROOT, ".status")
        if os.path.exists(forced):
            with open(forced) as f:
                return self.answer(int(f.read().strip() or 503), b"down for maintenance\n")
        path = os.path.join(ROOT, self.path.split("?")[0].lstrip("/"))
        if not os.path.isfile(path) or os.path.basename(path).startswith("."):
            return self.answer(404, b"not found\n")
        with open(path, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        mtime = int(os.stat(path).st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        headers = [("ETag", etag), ("Last-Modified", last_modified)]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            if etag in [t.strip() for t in inm.split(",")]:
                return self.answer(304, b"", headers)
        elif ims is not None:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
            if mtime <= since:
                return self.answer(304, b"", headers)
        self.answer(200, body, headers + [("Content-Type", "application/xml")])

    do_HEAD = do_GET


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
