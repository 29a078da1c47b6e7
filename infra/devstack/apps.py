"""Loading the services' Chalice apps side by side in one process.

Each ``<service>-svc/app.py`` is imported under its own module name (``<service>_app``) — they are
all called ``app`` — with its directory on ``sys.path``. ``chalicelib`` is a namespace package whose
portions live in the four service directories, so ``chalicelib.plantao`` and ``chalicelib.cooperacao``
coexist. An app reads its settings when imported: the environment must be set before.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from chalice.app import Chalice
from chalice.config import Config

ROOT = Path(__file__).resolve().parents[2]


def service_dir(service: str, root: Path = ROOT) -> Path:
    return root / f"{service}-svc"


def has_app(service: str, root: Path = ROOT) -> bool:
    return (service_dir(service, root) / "app.py").is_file()


def load_app_file(path: Path, module_name: str) -> Chalice:
    """Imports ``path`` as ``module_name`` (its directory first on sys.path) and returns its ``app``."""
    directory = str(path.parent)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    if module_name in sys.modules:
        return sys.modules[module_name].app
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    app = getattr(module, "app", None)
    if not isinstance(app, Chalice):
        raise ImportError(f"{path} has no Chalice `app`")
    return app


@cache
def load_app(service: str) -> Chalice:
    """The Chalice app of ``<service>-svc`` (imported once per process)."""
    return load_app_file(service_dir(service) / "app.py", f"{service}_app")


def chalice_config(project_dir: Path | None, stage: str = "local") -> Config:
    """The chalice Config for ``stage`` from ``<project_dir>/.chalice/config.json`` (defaults when there is none).

    Built directly rather than with chalice's CLIFactory, which imports the deployer (slow start-up).
    """
    from_disk: dict[str, Any] = {}
    if project_dir is not None and (project_dir / ".chalice" / "config.json").is_file():
        from_disk = json.loads((project_dir / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return Config(chalice_stage=stage, config_from_disk=from_disk,
                  user_provided_params={"project_dir": str(project_dir or ROOT)})
