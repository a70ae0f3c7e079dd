"""What the worker processes of one ``kith serve`` share: a private folder, and locks in it.

``kith serve --workers N`` answers with N processes.  Whatever one of them
starts, any of them may be asked about next: an import's progress is written
to the folder, failed logins are counted in it, and a lock in it lets one
process at a time build a demo network or send the digest.  With one worker the
same folder is used, so there is one way of doing each of these.

The folder is made by ``kith serve`` (``mkdtemp``: only this user may enter it)
and removed when the server stops; an app made without one makes its own when
it first needs it, and removes it when closed or at the latest when Python exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - one worker only on Windows (see ``can_share``)
    fcntl = None

#: The environment variable that hands the folder to the worker processes.
ENV = "KITH_SERVE_SHARED"


def can_share() -> bool:
    """Can several processes hold locks here?  (Not on Windows: one worker there.)"""
    return fcntl is not None


class Shared:
    """A private folder that the processes of one server read and write."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self._folder = Path(folder) if folder is not None else None
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._held: dict[str, IO[bytes]] = {}
        self._making = threading.Lock()
        self._removal: Callable[[], object] | None = None

    @property
    def folder(self) -> Path:
        with self._making:
            if self._folder is None:
                self._folder = Path(make_folder())
                self._removal = weakref.finalize(
                    self, shutil.rmtree, str(self._folder), ignore_errors=True
                )
            return self._folder

    def path(self, name: str) -> Path:
        return self.folder / name

    def _thread_lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold ``name`` against every thread of every process of this server."""
        with self._thread_lock(name), self.path(f"{name}.lock").open("ab") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def hold(self, name: str) -> bool:
        """Take ``name`` for the life of this process if no other process has it.

        True when this process holds it (now or from before).  A process that
        ends lets go of it, and the next to ask takes it over.
        """
        path = self.path(f"{name}.lock")
        with self._guard:
            if name in self._held:
                return True
            handle = path.open("ab")  # kept open: the lock lasts while it is
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()
                    return False
            self._held[name] = handle
            return True

    def let_go(self, name: str) -> None:
        with self._guard:
            handle = self._held.pop(name, None)
        if handle is not None:
            handle.close()  # closing the file lets go of its lock

    def write(self, name: str, value: Any) -> None:
        """Keep ``value`` under ``name``; readers see the old value or the new, never half."""
        target = self.path(name)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".write-")
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            Path(temporary).replace(target)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise

    def read(self, name: str) -> Any:
        """What was kept under ``name``, or None.

        The folder is this server's own (no one else may write in it), so what it
        holds was written by ``write`` in one of this server's processes.
        """
        try:
            with self.path(name).open("rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(name).unlink()

    def names(self, suffix: str) -> list[Path]:
        """The files kept with this ending, oldest first."""
        found = []
        for path in self.folder.glob(f"*{suffix}"):
            with contextlib.suppress(FileNotFoundError):
                found.append((path.stat().st_mtime_ns, path))
        return [path for _, path in sorted(found)]

    def close(self) -> None:
        for name in list(self._held):
            self.let_go(name)
        if self._removal is not None:
            self._removal()  # the folder this object made


def make_folder() -> str:
    """A new private folder for one server (only this user may enter it)."""
    return tempfile.mkdtemp(prefix="kith-serve-")
