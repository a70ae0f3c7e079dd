"""What the whole-process benchmarks share: running a command once and what one figure holds.

Each command runs through a tiny launcher that reports the command's own
rusage: a child's max RSS starts from what its parent had when it forked
(Linux keeps the high-water mark across exec), and a benchmark process grows as
it generates data or reads exports; the launcher keeps that out of the figures.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAUNCHER = """
import os, sys, time
out, err, *command = sys.argv[1:]
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
actions = [(os.POSIX_SPAWN_OPEN, 1, out, flags, 0o644), (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o644)]
started = time.perf_counter()
pid = os.posix_spawnp(command[0], command, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Run:
    """One whole process: wall time, CPU time (user + system), peak memory, its output."""

    wall: float
    cpu: float
    max_rss_mib: float
    stdout: str


@dataclass
class Figure:
    """One command's runs, and what they add up to."""

    name: str
    command: list[str]
    target: str = ""
    runs: list[Run] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what went wrong, if anything

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def best(self) -> float:
        return min(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.max_rss_mib for r in self.runs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "command": self.command,
            "target": self.target,
            "wall_s": self.walls,
            "cpu_s": [r.cpu for r in self.runs],
            "max_rss_mib": [r.max_rss_mib for r in self.runs],
            "median_s": self.median,
            "best_s": self.best,
            "median_cpu_s": self.cpu,
            "peak_mib": self.peak_mib,
            "checks": self.checks,
        }


def run_once(command: list[str], label: str, env: dict[str, str], logs: Path) -> Run:
    """Run ``command`` to the end through the launcher; its output is kept in ``logs``."""
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / f"{label}.out", logs / f"{label}.err"
    launcher = [sys.executable, "-S", "-c", LAUNCHER, str(out_path), str(err_path), *command]
    done = subprocess.run(launcher, env=env, capture_output=True, text=True, check=True)
    wall, cpu, max_rss_kib, code = done.stdout.split()
    if int(code) != 0:
        error = err_path.read_text(encoding="utf-8", errors="replace").strip()
        raise SystemExit(f"bench: {command} failed ({code}): {error[-2000:]}")
    return Run(
        wall=float(wall),
        cpu=float(cpu),
        max_rss_mib=int(max_rss_kib) / 1024,  # kilobytes on Linux
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
    )


def environment(
    config: Path, src: Path | None, drop: tuple[str, ...] = ("KITH_",)
) -> dict[str, str]:
    """No user settings, database or date from the environment: only what the bench says
    (``config``); Kith from ``src`` when given (ahead of the installed, editable one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["KITH_CONFIG"] = str(config)
    env["COLUMNS"] = "120"
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(src), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    return env
