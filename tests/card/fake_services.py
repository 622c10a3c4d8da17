"""A tiny fake Seerr + Radarr for the end-to-end test, run as its own process.

    python tests/card/fake_services.py PORT

Answers the health checks and config-flow validation (GET /api/v1/status,
/api/v1/auth/me, /api/v3/system/status), says the *arr has no such media yet,
accepts every DELETE with 204 and answers anything else 404. GET /__log returns
the requests seen, as JSON.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import sys
from typing import Any

ANSWERS: dict[str, Any] = {
    "/api/v1/status": {"version": "2.7.3", "commitTag": "v2.7.3"},
    "/api/v1/auth/me": {"id": 1, "displayName": "admin"},
    "/api/v3/system/status": {
        "appName": "Radarr",
        "instanceName": "Radarr",
        "version": "5.28.0.10274",
    },
    "/api/v3/movie": [],
    "/api/v3/series": [],
}
SEEN: list[str] = []


class Handler(BaseHTTPRequestHandler):
    """Answer from ANSWERS; record every request."""

    def _send(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/__log":
            self._send(200, SEEN)
            return
        SEEN.append(f"GET {self.path}")
        if path in ANSWERS:
            self._send(200, ANSWERS[path])
        else:
            self._send(404, {"message": "Not found"})

    def do_DELETE(self) -> None:
        SEEN.append(f"DELETE {self.path}")
        self._send(204)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        SEEN.append(f"POST {self.path}")
        self._send(404, {"message": "Not found"})

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet."""


def main() -> None:
    """Serve on 127.0.0.1:PORT until killed."""
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
