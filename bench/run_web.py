"""Web benchmark: the server time of each page on the large demo network.

Usage::

    .venv/bin/python bench/run_web.py [--db bench/out/web-demo.db] [--people 50000] [--runs 15]

Builds the demo network into ``--db`` unless it is there already (``kith demo``),
then serves the app in this process (``create_app``, as ``kith serve`` does, with
``--now 2026-11-26``) and requests each page ``--runs`` times after two warm-up
rounds, the pages taking turns.  The time measured is the server's: from the
request reaching the app to the last byte of the response leaving it (an ASGI
wrapper), so the HTTP client's own work is not counted; beside it, the CPU time
the process spent meanwhile, which other programs on a busy machine do not
inflate.  Medians and 90th percentiles are printed and written to
``bench/out/web.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
KITH = Path(sys.executable).with_name("kith")
NOW = "2026-11-26"


class Timed:
    """ASGI wrapper: how long the app took for each request, in milliseconds."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0
        self.cpu = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start, cpu = time.perf_counter(), time.process_time()
        await self.app(scope, receive, send)
        self.last = (time.perf_counter() - start) * 1000
        self.cpu = (time.process_time() - cpu) * 1000


def ensure_demo(db: Path, people: int) -> None:
    """Build the demo network of ``people`` into ``db`` with ``kith demo``, unless it is there."""
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(KITH), "--db", str(db), "--now", NOW, "demo", "--people", str(people)],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=str(OUT / "web-demo.db"))
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    db = Path(args.db)
    ensure_demo(db, args.people)

    import sqlalchemy as sa
    from fastapi.testclient import TestClient

    from kith.config import load_settings
    from kith.web.app import WebConfig, create_app

    app = create_app(WebConfig(load_settings(), db=str(db), now=NOW))
    timed = Timed(app)
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        busiest = conn.execute(
            sa.text("SELECT person_id, count FROM person_stats ORDER BY count DESC LIMIT 1")
        ).one()
        typical = conn.execute(
            sa.text(
                "SELECT person_id, count FROM person_stats ORDER BY count "
                "LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM person_stats)"
            )
        ).one()
    engine.dispose()
    results = {
        "db": str(db),
        "busiest": {"id": busiest[0], "interactions": busiest[1]},
        "typical": {"id": typical[0], "interactions": typical[1]},
    }
    fragment = {"HX-Request": "true", "HX-Target": "results"}
    pages: list[tuple[str, str, dict[str, str]]] = [
        ("Today", "/", {}),
        ("People (by name)", "/people", {}),
        ("People, search 'mar' (as you type)", "/people?q=mar", fragment),
        ("People, search 'ma' (two letters)", "/people?q=ma", fragment),
        ("People, search 'garcía'", "/people?q=garc%C3%ADa", fragment),
        ("People, search 'climate' by strength", "/people?q=climate&sort=strength", {}),
        ("People by strength", "/people?sort=strength", {}),
        ("People by last contact", "/people?sort=last", {}),
        ("People most overdue", "/people?sort=overdue", {}),
        ("People, inner circle", "/people?circle=inner", {}),
        ("People, page 100", "/people?page=100", {}),
        ("Person (typical)", f"/people/{typical[0]}", {}),
        ("Person (busiest)", f"/people/{busiest[0]}", {}),
        ("Person's duplicates", f"/people/{typical[0]}/duplicates", {"HX-Request": "true"}),
        ("Network", "/network", {}),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    with TestClient(timed) as client:  # type: ignore[arg-type]
        for round_ in range(args.runs + 2):
            for name, path, headers in pages:
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
                if round_ >= 2:
                    times[name].append(timed.last)
                    cpu[name].append(timed.cpu)
    figures = []
    print(f"{'page':42} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>8}")
    for name, path, _ in pages:
        runs = sorted(times[name])
        median = statistics.median(runs)
        p90 = runs[min(len(runs) - 1, int(len(runs) * 0.9))]
        used = statistics.median(cpu[name])
        figures.append(
            {"page": name, "path": path, "median_ms": median, "p90_ms": p90, "cpu_ms": used}
        )
        print(f"{name:42} {median:10.1f} {p90:8.1f} {used:8.1f}")
    results["pages"] = figures
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "web.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
