"""nginx serving pre-rendered copies of Bulwark's own responses: the same bytes, content type and headers."""
import hashlib
import os
import subprocess
import time

from common import free_port, http_get, log

# Headers Bulwark sends that nginx should send too, so both responses carry about the same header bytes.
COPIED_HEADERS = ["Content-Encoding", "Cache-Control", "Vary", "Access-Control-Allow-Origin", "Access-Control-Allow-Headers",
                  "Access-Control-Allow-Methods", "Access-Control-Max-Age", "Access-Control-Expose-Headers",
                  "X-PyPI-Last-Serial", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                  "X-Frame-Options"]

CONFIG = """
worker_processes auto;
pid {pid};
error_log {error_log} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    # Kestrel keeps a connection open for any number of requests; nginx's default (1000) would add reconnects.
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    server_tokens off;
    types {{ }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port} reuseport;
{locations}
    }}
}}
"""


class Target:
    """One benchmarked URL: its path on Bulwark, the Accept header sent, and its path on nginx."""

    def __init__(self, key, label, path, accept=None, encoding=None):
        self.key, self.label, self.path, self.accept, self.encoding = key, label, path, accept, encoding
        # Extra request headers for wrk: with an encoding, both servers send the same compressed bytes.
        self.wrk_headers = (f"Accept-Encoding: {encoding}",) if encoding else ()
        # nginx would treat a path ending in "/" as a directory; the copy gets a file name instead.
        self.nginx_path = f"/{key}{path}" + ("index" if path.endswith("/") else "")
        self.body = None
        self.headers = {}


class Nginx:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def mirror(self, bulwark_base, targets):
        """Fetches each target from Bulwark and writes nginx's root and configuration for the same responses."""
        os.makedirs(os.path.join(self.directory, "root"), exist_ok=True)
        locations = []
        for t in targets:
            status, body, headers = http_get(bulwark_base + t.path, t.accept, encoding=t.encoding)
            if t.encoding and headers.get("Content-Encoding") != t.encoding:
                raise RuntimeError(f"Bulwark did not send {t.path} with Content-Encoding {t.encoding}")
            if status != 200:
                raise RuntimeError(f"Bulwark answered {status} for {t.path}")
            t.body, t.headers = body, headers
            file = os.path.join(self.directory, "root", t.key + ".body")
            with open(file, "wb") as f:
                f.write(body)
            lines = [f'        location = {t.nginx_path} {{',
                     f'            alias {file};',
                     f'            default_type "{headers["Content-Type"]}";']
            for h in COPIED_HEADERS:
                if h in headers:
                    lines.append(f'            add_header {h} "{headers[h]}";')
            lines.append("        }")
            locations.append("\n".join(lines))
        config = CONFIG.format(pid=os.path.join(self.directory, "nginx.pid"),
                               error_log=os.path.join(self.directory, "error.log"),
                               port=self.port, locations="\n".join(locations))
        self.config = os.path.join(self.directory, "nginx.conf")
        with open(self.config, "w") as f:
            f.write(config)

    def start(self):
        log(f"starting nginx on {self.base}")
        self.process = subprocess.Popen(["nginx", "-c", self.config, "-p", self.directory, "-g", "daemon off;"],
                                        stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if http_get(self.base + "/", timeout=2)[0] in (200, 404):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start; see " + os.path.join(self.directory, "error.log"))

    def verify(self, targets):
        """Proves that nginx serves byte-identical bodies with the same Content-Type."""
        for t in targets:
            status, body, headers = http_get(self.base + t.nginx_path, t.accept, encoding=t.encoding)
            same = status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(t.body).digest()
            if not same or headers.get("Content-Type") != t.headers.get("Content-Type"):
                raise RuntimeError(f"nginx copy of {t.path} differs (status {status}, type {headers.get('Content-Type')})")
        log(f"nginx serves the same bytes and content types for {len(targets)} URLs")

    def pids(self):
        """The master and its workers (the workers do the serving)."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        return [self.process.pid] + [int(c) for c in children]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
