"""Load benchmark: the web app as a separate server under concurrent connections.

Usage (``make bench-web`` runs it with the defaults)::

    .venv/bin/python bench/run_load.py [--db bench/out/web-demo.db] [--people 50000]
        [--connections 16] [--threads 2] [--duration 15] [--workers CORES]

Builds the demo network into ``--db`` unless it is there already (as
``bench/run_web.py`` does), makes an API token for it, then starts
``kith serve --now 2026-11-26 --workers N`` on a free loopback port as its own
process, with ``KITH_CONFIG`` pointing into ``bench/out/load-config/`` (single
user on loopback: pages need no sign-in).  N is one worker process per core
unless told otherwise, as a server for many people at once is run; ``--workers
1`` measures a single process.

Each page is loaded by ``wrk`` (Debian's, ``apt-get install wrk``) with
``--connections`` connections over ``--threads`` threads for ``--duration``
seconds, after a short warm-up: Today, People with a search, a person's page and
the agenda API (with a Bearer token); and, as a reference without a target, a
static file, the most the server can answer.  People and a person are not one
address asked again and again: each request takes the next of 100 searches (the
first three letters of the commonest first names) or of 500 people (a fixed
sample of everyone), as people using Kith would, so no answer is ever the same
as the one before.  Requests per second and the 50th, 95th and 99th percentile
latencies (from a small Lua ``done`` hook) are compared with the target, p95 <=
50 ms, printed as a table and written to ``bench/out/load.json``
(``load-wN-cC.json`` for another number of workers or connections).  Any
non-2xx answer, socket error or timeout fails the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_web import KITH, NOW, OUT, ensure_demo

TARGET_P95_MS = 50.0
CONFIG_DIR = OUT / "load-config"
#: wrk calls ``done`` once at the end; latencies are in microseconds.
LUA = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "KITHLOAD requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d "
    .. "p50=%d p95=%d p99=%d max=%d mean=%d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""
#: For a page asked at many addresses: each wrk thread walks the list from its own place.
ROTATE = """\
local paths = {%s}
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("start", threads * 97)
end
init = function(args)
  at = start or 0
end
request = function()
  at = at %% #paths + 1
  return wrk.format("GET", paths[at])
end
"""
SEARCHES = 100
PEOPLE = 500


#: For ``--workers`` above 1: uvicorn needs an import string to start several processes.
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=str(OUT / "web-demo.db"))
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per page, not counted")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="kith serve --workers (default: one per core, as a server for a team is run)",
    )
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    db = Path(args.db)
    ensure_demo(db, args.people)

    CONFIG_DIR.mkdir(parents=True, exist_ok=True)
    config = CONFIG_DIR / "config.toml"
    config.touch()
    env = os.environ | {"KITH_CONFIG": str(config)}
    token = (
        subprocess.run(
            [str(KITH), "--db", str(db), "token", "create", "--name", "bench-load"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.splitlines()[0]
        .strip()
    )
    searches = [f"/people?q={prefix}" for prefix in _searches(db, SEARCHES)]
    persons = [f"/people/{pid}" for pid in _sample_people(db, PEOPLE)]
    auth = {"Authorization": f"Bearer {token}"}
    pages: list[tuple[str, list[str], dict[str, str]]] = [
        ("Today", ["/"], {}),
        (f"People, {len(searches)} searches", searches, {}),
        (f"Person, {len(persons)} people", persons, {}),
        ("Agenda API", ["/api/v1/agenda"], auth),
        # A reference, not a page: what the server answers at best (no target).
        ("Floor: a static file", ["/static/favicon.svg"], {}),
    ]

    port = _free_port()
    server, command = _start(db, port, args.workers, env)
    figures: list[dict[str, Any]] = []
    try:
        _wait_ready(port, server)
        for number, (name, paths, headers) in enumerate(pages):
            for path in paths[:3]:
                _check(port, path, headers)
            lua = OUT / f"load-{number}.lua"
            rotate = ROTATE % ", ".join(json.dumps(p) for p in paths) if len(paths) > 1 else ""
            lua.write_text(rotate + LUA, encoding="utf-8")
            base = [wrk, f"-t{args.threads}", f"-c{args.connections}", "--timeout", "10s"]
            base += [arg for key, value in headers.items() for arg in ("-H", f"{key}: {value}")]
            base += ["-s", str(lua)]
            url = f"http://127.0.0.1:{port}{paths[0]}"
            subprocess.run([*base, f"-d{args.warmup}s", url], check=True, capture_output=True)
            run = subprocess.run(
                [*base, f"-d{args.duration}s", "--latency", url],
                check=True,
                capture_output=True,
                text=True,
            )
            figure = _parse(run.stdout)
            errors = sum(figure[k] for k in ("connect", "read", "write", "status", "timeout"))
            if errors or server.poll() is not None:
                print(run.stdout, file=sys.stderr)
                sys.exit(f"{name} ({paths[0]} …): {errors} failed requests under load")
            figures.append({"page": name, "path": paths[0], "addresses": len(paths)} | figure)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(
        f"{args.connections} connections, {args.threads} wrk threads, {args.duration} s a page, "
        f"{args.workers} server worker(s), {os.cpu_count()} cores; target p95 <= "
        f"{TARGET_P95_MS:.0f} ms"
    )
    print(f"{'page':24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'target':>8}")
    failed = False
    for figure in figures:
        floor = figure["path"].startswith("/static/")
        ok = figure["p95_ms"] <= TARGET_P95_MS
        figure["target_p95_ms"] = None if floor else TARGET_P95_MS
        figure["verdict"] = "" if floor else "PASS" if ok else "FAIL"
        failed |= not (ok or floor)
        target = "" if floor else f"<= {TARGET_P95_MS:.0f}"
        print(
            f"{figure['page']:24} {figure['rps']:8.1f} {figure['p50_ms']:8.1f} "
            f"{figure['p95_ms']:8.1f} {figure['p99_ms']:8.1f} {target:>8} {figure['verdict']}"
        )
    results = {
        "db": str(db),
        "now": NOW,
        "server": command,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "pages": figures,
    }
    usual = args.workers == (os.cpu_count() or 1) and args.connections == 16
    name = "load.json" if usual else f"load-w{args.workers}-c{args.connections}.json"
    (OUT / name).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


def _searches(db: Path, count: int) -> list[str]:
    """What people type: the first three letters of the ``count`` commonest first names."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT lower(substr(given_name, 1, 3)) AS prefix FROM people "
            "WHERE length(given_name) >= 3 GROUP BY prefix ORDER BY count(*) DESC, prefix "
            "LIMIT ?",
            (count,),
        ).fetchall()
    return [quote(row[0]) for row in rows]


def _sample_people(db: Path, count: int) -> list[int]:
    """A fixed sample of everyone: every n-th person by id, the busy and the quiet alike."""
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM people ORDER BY id")]
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(
    db: Path, port: int, workers: int, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], list[str]]:
    log = (OUT / "load-server.log").open("wb")
    command = [str(KITH), "--db", str(db), "--now", NOW, "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    return subprocess.Popen(command, env=env, stdout=log, stderr=log), command


def _wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (see {OUT / 'load-server.log'})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start listening within 60 s")


def _check(port: int, path: str, headers: dict[str, str]) -> None:
    """One plain request first: a 200 (not a redirect to sign in, which wrk counts as fine)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200 or not body:
        sys.exit(f"GET {path} answered {response.status}, not 200 with a body")


def _parse(output: str) -> dict[str, Any]:
    line = next(line for line in output.splitlines() if line.startswith("KITHLOAD "))
    values = {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}
    return {
        "requests": int(values["requests"]),
        "rps": values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50"] / 1000,
        "p95_ms": values["p95"] / 1000,
        "p99_ms": values["p99"] / 1000,
        "max_ms": values["max"] / 1000,
        "mean_ms": values["mean"] / 1000,
        **{k: int(values[k]) for k in ("connect", "read", "write", "status", "timeout")},
    }


if __name__ == "__main__":
    sys.exit(main())
