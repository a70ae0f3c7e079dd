"""Core benchmark: build the large demo network, then time everyday commands against a baseline.

Usage (``make bench`` runs it with the defaults)::

    .venv/bin/python bench/run_core.py [--people 50000] [--runs 9] [--reuse]

1. A fresh SQLite file under ``bench/out/`` gets ``kith demo`` (timed, with counts).
2. Each command is run as a whole new process, as a person types it, ``--runs``
   times after one warm-up round, the commands taking turns so that the machine's
   ups and downs fall on all alike; the median wall time is compared with its
   target and with a baseline measured in the same run: the ``sqlite3`` shell
   computing the last contact of every person with one hand-written query on the
   same file.  A second reference shows the floor: a Python process that only
   imports SQLAlchemy, Typer and Rich.

The figures are printed as a table and written to ``bench/out/core.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
KITH = Path(sys.executable).with_name("kith")
NOW = "2026-11-26"
#: What any command built on these libraries pays before doing anything.
FLOOR = [
    sys.executable,
    "-c",
    "import sqlalchemy, sqlalchemy.dialects.sqlite, typer, rich.console, rich.table",
]
LAST_CONTACT_SQL = (
    "SELECT ip.person_id, MAX(i.occurred_at) FROM interaction_people AS ip "
    "JOIN interactions AS i ON i.id = ip.interaction_id GROUP BY ip.person_id;"
)


@dataclass(frozen=True)
class Figure:
    """One command's wall times and how its median compares with the target and baseline."""

    name: str
    command: list[str]
    runs: list[float]
    target: float | None
    baseline: float

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def ratio(self) -> float:
        return self.median / self.baseline

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.median <= self.target else "FAIL"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"median": self.median, "ratio": self.ratio, "verdict": self.verdict}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    shell = shutil.which("sqlite3")
    if shell is None:
        print("bench: the sqlite3 shell is missing; install it: apt-get install -y sqlite3")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"core-{args.people}.db"
    reuse = args.reuse and db.exists()
    generation = _previous_generation(args.people) if reuse else _generation(db, args)
    counts = _counts(db)
    name, term = _pick_name(db), _pick_term(db)
    _compile_sources()
    base = [shell, str(db), LAST_CONTACT_SQL]
    kith = [str(KITH), "--db", str(db), "--now", NOW]
    plan: list[tuple[str, list[str], float | None]] = [
        ("sqlite3: last contact per person (baseline)", base, None),
        ("python: import SQLAlchemy, Typer, Rich (library floor)", FLOOR, None),
        ("kith today", [*kith, "today"], 1.0),
        (f"kith show '{name}'", [*kith, "show", name], 0.5),
        (f"kith search '{term}'", [*kith, "search", term], 0.5),
        ("kith --help", [str(KITH), "--help"], 0.3),
    ]
    runs = _timed_round_robin([command for _, command, _ in plan], args.runs)
    baseline = statistics.median(runs[0])
    figures = [
        Figure(n, c, times, t, baseline) for (n, c, t), times in zip(plan, runs, strict=True)
    ]
    _print(generation, counts, figures, reused=reuse)
    _save(args, generation, counts, figures)
    return 1 if args.strict and any(f.verdict == "FAIL" for f in figures) else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000, help="size of the demo network")
    parser.add_argument("--years", type=int, default=6, help="years of history")
    parser.add_argument("--seed", type=int, default=1, help="seed of the demo network")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each command")
    parser.add_argument("--reuse", action="store_true", help="keep an existing demo file")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args(argv)


def _environment() -> dict[str, str]:
    """No user settings, database or date from the environment: only what the bench says."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    env["KITH_CONFIG"] = str(OUT / "config.toml")
    env["COLUMNS"] = "120"
    return env


def _generation(db: Path, args: argparse.Namespace) -> dict[str, Any]:
    for leftover in OUT.glob(f"{db.name}*"):
        leftover.unlink()
    command = [str(KITH), "--db", str(db), "--now", NOW, "demo"]
    command += ["--people", str(args.people), "--years", str(args.years), "--seed", str(args.seed)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--json"], env=_environment(), stdout=subprocess.PIPE, text=True, check=True
    )
    seconds = time.perf_counter() - started
    return {"command": command, "seconds": seconds, "summary": json.loads(done.stdout)}


def _previous_generation(people: int) -> dict[str, Any] | None:
    """The figures of the run that built the file being reused, when core.json has them."""
    try:
        previous = json.loads((OUT / "core.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    generation = previous.get("generation") if previous.get("people") == people else None
    return generation if isinstance(generation, dict) else None


def _counts(db: Path) -> dict[str, int]:
    queries = {
        "people": "SELECT COUNT(*) FROM people",
        "archived": "SELECT COUNT(*) FROM people WHERE status = 'archived'",
        "interactions": "SELECT COUNT(*) FROM interactions",
        "interaction_links": "SELECT COUNT(*) FROM interaction_people",
        "contact_points": "SELECT COUNT(*) FROM contact_points",
        "outreach": "SELECT COUNT(*) FROM outreach",
        "due_dates_spread": "SELECT COUNT(*) FROM people WHERE due_shift_on IS NOT NULL",
        "file_bytes": "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
    }
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {key: int(conn.execute(sql).fetchone()[0]) for key, sql in queries.items()}


def _pick_name(db: Path) -> str:
    """The person with the longest history among those whose name nobody else has."""
    sql = (
        "SELECT p.name FROM people AS p JOIN interaction_people AS ip ON ip.person_id = p.id "
        "WHERE p.status = 'active' AND p.name_key IN "
        "(SELECT name_key FROM people GROUP BY name_key HAVING COUNT(*) = 1) "
        "GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 1"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return str(conn.execute(sql).fetchone()[0])


def _pick_term(db: Path) -> str:
    """A city that some people live in: a search with a page of results and more."""
    sql = (
        "SELECT location FROM people WHERE location != '' "
        "GROUP BY location ORDER BY COUNT(*), location LIMIT 1"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return str(conn.execute(sql).fetchone()[0]).split(",")[0].lower()


def _compile_sources() -> None:
    """Byte-compile Kith as an installed package is (PYTHONDONTWRITEBYTECODE may be set)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)


def _timed_round_robin(commands: list[list[str]], runs: int) -> list[list[float]]:
    """Wall times of ``runs`` whole processes of each command, taken in turns so that the
    machine's ups and downs fall on all of them alike; one warm-up round is not counted."""
    times: list[list[float]] = [[] for _ in commands]
    for attempt in range(runs + 1):
        for index, command in enumerate(commands):
            elapsed = _run_once(command)
            if attempt:
                times[index].append(elapsed)
    return times


def _run_once(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        command, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: {command} failed: {done.stderr.decode().strip()}")
    return elapsed


def _print(
    generation: dict[str, Any] | None,
    counts: dict[str, int],
    figures: list[Figure],
    *,
    reused: bool,
) -> None:
    if generation is not None:
        print(f"generate: {' '.join(generation['command'])}")
        print(f"  {generation['seconds']:.1f} s wall" + (" (reused file)" if reused else ""))
    print("  " + ", ".join(f"{key} {value:,}" for key, value in counts.items()))
    print()
    print(f"{'command':44} {'median s':>9} {'best s':>7} {'× base':>7} {'target s':>9}  verdict")
    for f in figures:
        target = f"{f.target:.2f}" if f.target is not None else "—"
        print(
            f"{f.name[:44]:44} {f.median:9.3f} {min(f.runs):7.3f} {f.ratio:7.1f} {target:>9}"
            f"  {f.verdict}"
        )
    runs = len(figures[0].runs)
    print(
        f"\n(median and best of {runs} runs each, whole process, after one warm-up round;"
        " × base = median ratio to the baseline; the verdict is on the median)"
    )


def _save(
    args: argparse.Namespace,
    generation: dict[str, Any] | None,
    counts: dict[str, int],
    figures: list[Figure],
) -> None:
    document = {
        "now": NOW,
        "people": args.people,
        "runs": args.runs,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "generation": generation,
        "counts": counts,
        "figures": [f.as_dict() for f in figures],
    }
    path = OUT / "core.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
