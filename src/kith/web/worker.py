"""How ``kith serve`` runs the app: in its own process, or as several worker processes.

With ``--workers N`` above 1, uvicorn starts N processes that each build the
app with ``app()`` below, from what ``kith serve`` handed them in the
environment (``ENV``): they share the listening socket, and the operating system
gives each new connection to one of them.  Python runs one thread at a time per
process, so N processes answer up to N requests at once on N cores.

What must be the same for every worker is: the database (commits by any of
them are seen by the others, ``Database.change_marker``), the settings file
(read again when it changes, ``Kith.refresh_settings``), the session secret,
and the server's shared folder (import progress, failed logins, the digest
lock: ``kith.web.shared``).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from typing import Any

from kith.web.app import WebConfig, create_app

#: The environment variable that hands the server's configuration to each worker.
ENV = "KITH_SERVE"


def run(config: WebConfig, *, port: int, workers: int = 1) -> None:
    """Serve until stopped (Ctrl-C): in this process, or in ``workers`` processes."""
    import shutil

    import uvicorn

    from kith.web.shared import make_folder

    options: dict[str, Any] = {
        "host": config.host,
        "port": port,
        "log_level": "warning",
        "proxy_headers": False,
    }
    if workers <= 1:
        # The app makes its shared folder when first needed and removes it when it stops
        # (uvicorn ends the process with the signal that stopped it, past any finally).
        app = create_app(config)
        settle_memory()
        uvicorn.run(app, **options)
        return
    folder = make_folder()
    os.environ[ENV] = json.dumps(_handed(replace(config, shared=folder)))
    try:
        uvicorn.run("kith.web.worker:app", factory=True, workers=workers, **options)
    finally:
        os.environ.pop(ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


def _handed(config: WebConfig) -> dict[str, Any]:
    """What a worker needs to build the same app (the settings it reads itself)."""
    handed = asdict(replace(config, settings=None))  # type: ignore[arg-type]
    del handed["settings"]
    origins = config.settings.origins.items()
    handed["overrides"] = {n: config.settings.values[n] for n, o in origins if o == "command line"}
    handed["config_path"] = str(config.settings.config_path)
    return handed


def app() -> Any:
    """The app of one worker process (uvicorn calls this in each)."""
    from kith.config import load_settings

    handed = json.loads(os.environ[ENV])
    env = {**os.environ, "KITH_CONFIG": handed.pop("config_path")}
    settings = load_settings(env, handed.pop("overrides"))
    application = create_app(WebConfig(settings, **handed))
    settle_memory()
    return application


def settle_memory() -> None:
    """Leave what is loaded by now (the libraries, the app) out of garbage collection.

    A full collection walks every object the process holds: some 100,000 once
    FastAPI, SQLAlchemy and Pydantic are loaded, 30 to 50 ms during which no
    request is answered.  Frozen, they are never walked again.
    """
    import gc

    gc.collect()
    gc.freeze()
