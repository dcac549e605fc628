"""Import every runtime dependency YiQiao declares, and every YiQiao module, in this environment.

Run by `python3 dev.py test` inside a fresh virtual environment that installed only
requirements.lock and the package: a dependency that installs but cannot be imported (a missing
extra, a wheel built for another platform) fails here, not in front of a user.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import os
import pkgutil
import re
import sys


def runtime_requirements() -> list[str]:
    names = []
    for line in md.requires("yiqiao") or []:
        if "extra ==" in line:
            continue
        names.append(re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0])
    return names


def top_level_modules(dist_name: str) -> list[str]:
    wanted = md.distribution(dist_name).metadata["Name"].lower().replace("_", "-")
    found = []
    for module, dists in md.packages_distributions().items():
        if any(d.lower().replace("_", "-") == wanted for d in dists) and not module.startswith("_"):
            found.append(module)
    return sorted(found)


def main() -> int:
    # Some dependencies (django-ninja) read Django settings when imported.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    import django

    django.setup()
    failures: list[str] = []
    checked = 0
    for requirement in runtime_requirements():
        modules = top_level_modules(requirement)
        if not modules:
            failures.append(f"{requirement}: installed but provides no importable module")
        for module in modules:
            try:
                importlib.import_module(module)
                checked += 1
            except Exception as exc:  # report every broken dependency, not only the first
                failures.append(f"{requirement} → import {module}: {type(exc).__name__}: {exc}")

    import yiqiao

    for info in pkgutil.walk_packages(yiqiao.__path__, "yiqiao."):
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        try:
            importlib.import_module(info.name)
            checked += 1
        except Exception as exc:
            failures.append(f"import {info.name}: {type(exc).__name__}: {exc}")

    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    print(f"imported {checked} modules; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
