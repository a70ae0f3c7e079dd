"""Uploads saved to a private folder, imported in a background thread that reports progress.

Each job belongs to the account that started it; the page polls its progress.
The job's state is written to the server's shared folder as it goes (a few
times a second), so that whichever worker process the page asks can answer.
The uploads' folder is removed when the import ends.  The last ``KEEP_JOBS``
finished jobs are kept so that their summary can be read again.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from kith.errors import InputError
from kith.services.context import Context
from kith.services.imports import Report, Upload, kind_of, run_imports
from kith.web.shared import Shared

#: The most one import may upload, all files together.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_FILES = 1000
KEEP_JOBS = 50
_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-+@() ]+")
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{16}")
#: Progress is written out at most this often (seconds); the page asks twice a second.
WRITE_EVERY = 0.2
SUFFIX = ".job"


class TooLarge(InputError):
    """The upload is bigger than ``MAX_UPLOAD_BYTES``."""


def size_words(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.0f} MB"
    return f"{max(1, round(count / 1024))} KB"


def too_large() -> TooLarge:
    return TooLarge(
        f"that is more than Kith takes in one import ({size_words(MAX_UPLOAD_BYTES)} in all)",
        field="files",
        hint="import the files a few at a time, or use the command line for a very large "
        "mailbox: kith import mail PATH",
    )


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (kept readable for the summary)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:120]
    return cleaned or "upload"


@dataclass
class ImportJob:
    id: str
    owner: int | None
    names: list[str]
    label: str = "Starting"
    done: int = 0
    total: int = 0
    step: int = 0
    steps: int = 0
    finished: bool = False
    report: Report | None = None
    error: str = ""
    root: Path | None = field(default=None, repr=False)
    #: The process that runs it (a worker of the server).
    pid: int = field(default_factory=os.getpid)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _ended(pid: int) -> bool:
    """Has process ``pid`` ended?  (This one has not; it would run the job itself.)"""
    if pid == os.getpid():
        return True  # not among the jobs this process runs, so its thread is gone
    if sys.platform == "win32":  # one worker there: only this process runs jobs
        return False
    try:
        os.kill(pid, 0)  # asks only whether it is there
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Jobs:
    """The import jobs of one server, whichever of its processes runs them."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        #: The jobs this process runs, as they are this moment.
        self._running: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str, owner: int | None) -> ImportJob | None:
        if not _JOB_ID.fullmatch(job_id):
            return None
        with self._lock:
            found = self._running.get(job_id)
        if found is None:
            found = self.shared.read(job_id + SUFFIX)
            if isinstance(found, ImportJob) and not found.finished and _ended(found.pid):
                found = replace(
                    found,
                    finished=True,
                    error="the import stopped: the server process running it ended. What it "
                    "had read is kept; import the files again to finish (nothing is added twice).",
                )
        return found if isinstance(found, ImportJob) and found.owner == owner else None

    def _save(self, job: ImportJob) -> None:
        self.shared.write(job.id + SUFFIX, replace(job, root=None))

    def save_uploads(
        self, files: Iterable[tuple[str, BinaryIO]], *, forced_kind: str | None = None
    ) -> tuple[Path, list[Upload], list[str]]:
        """Copy uploads into a new private folder; refuses more than ``MAX_UPLOAD_BYTES``.

        Returns the folder, the uploads Kith can import, and the names it cannot tell.
        """
        root = Path(tempfile.mkdtemp(prefix="kith-import-"))
        uploads: list[Upload] = []
        unknown: list[str] = []
        total = 0
        taken: set[tuple[str, str]] = set()
        try:
            for original, stream in files:
                name = safe_name(original)
                head = stream.read(512)
                kind = forced_kind or kind_of(name, head)
                if kind is None:
                    unknown.append(name)
                    continue
                folder = root / kind
                folder.mkdir(exist_ok=True)
                unique, number = name, 1
                while (kind, unique) in taken:
                    number += 1
                    stem, dot, suffix = name.partition(".")
                    unique = f"{stem}-{number}{dot}{suffix}"
                taken.add((kind, unique))
                path = folder / unique
                with path.open("wb") as out:
                    chunk = head
                    while chunk:
                        total += len(chunk)
                        if total > MAX_UPLOAD_BYTES:
                            raise too_large()
                        out.write(chunk)
                        chunk = stream.read(_CHUNK)
                uploads.append(Upload(unique, path, kind))
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return root, uploads, unknown

    def start(
        self, ctx: Context, owner: int | None, root: Path, uploads: list[Upload], unknown: list[str]
    ) -> ImportJob:
        job = ImportJob(secrets.token_urlsafe(12), owner, [u.name for u in uploads], root=root)
        job.steps = len({u.kind for u in uploads}) + max(
            0, sum(1 for u in uploads if u.kind == "csv") - 1
        )
        with self._lock:
            self._running[job.id] = job
        self._save(job)
        kept = self.shared.names(SUFFIX)
        for old in kept[: max(0, len(kept) - KEEP_JOBS)]:
            if old.name.removesuffix(SUFFIX) not in self._running:
                old.unlink(missing_ok=True)
        thread = threading.Thread(
            target=self._run, args=(job, ctx, uploads, unknown), name="kith-import", daemon=True
        )
        thread.start()
        return job

    def _run(self, job: ImportJob, ctx: Context, uploads: list[Upload], unknown: list[str]) -> None:
        seen: list[str] = []
        written = time.monotonic()

        def progress(label: str, done: int, total: int) -> None:
            nonlocal written
            if label not in seen:
                seen.append(label)
            job.step = len(seen)
            job.label, job.done, job.total = label, done, total
            if time.monotonic() - written >= WRITE_EVERY:
                self._save(job)
                written = time.monotonic()

        try:
            assert job.root is not None
            report = run_imports(ctx, uploads, root=job.root, progress=progress)
            report.unknown = unknown
            job.report = report
        except Exception as exc:  # reported on the page, never lost in a thread
            job.error = f"the import stopped: {exc}"
        finally:
            job.finished = True
            try:
                self._save(job)
            finally:
                with self._lock:
                    self._running.pop(job.id, None)
                if job.root is not None:
                    shutil.rmtree(job.root, ignore_errors=True)
