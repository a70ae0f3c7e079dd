"""The installed ``kith`` command: usage errors, no traceback, only declared dependencies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

KITH = Path(sys.executable).with_name("kith")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KITH), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("today", "--bogus"), "No such option: --bogus"),
        (("show",), "Missing argument"),
        (("frobnicate",), "No such command"),
    ],
)
def test_usage_errors_exit_2_with_help_pointer(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(
        *args, env={"KITH_DB": str(tmp_path / "k.db"), "KITH_CONFIG": str(tmp_path / "c.toml")}
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_help_and_version() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "kith today" in result.stdout and "Commands" in result.stdout
    assert run("--version").stdout.startswith("kith ")


def test_the_cli_needs_no_undeclared_package() -> None:
    """click is not a dependency of Kith (Typer carries its own); it must not be imported."""
    code = (
        "import sys; from kith.cli.main import main; main(['--help']);"
        " print('click' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith("False")
