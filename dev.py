#!/usr/bin/env python3
"""Set up and run YiQiao with nothing but Python and pip.

    python3 dev.py demo     # venv + install + demo district on SQLite, served on :8000
    python3 dev.py test     # venv + dev install + lint, types, migrations check, tests on
                            # SQLite and PostgreSQL, browser tests (Debian's Chromium)

Options after the command are passed on: `python3 dev.py demo --port 8001 --scale 10000`,
`python3 dev.py test -k organisation` (pytest arguments; skips lint and types).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
PG_URL = os.environ.get("YIQIAO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
CHROMIUM = os.environ.get("YIQIAO_CHROMIUM", "/usr/bin/chromium")


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    result = subprocess.run(cmd, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}")


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project; re-install only when pyproject.toml changed."""
    if not PY.exists():
        say("creating virtual environment .venv")
        run([sys.executable, "-m", "venv", str(VENV)])
        run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing yiqiao{'[' + extras + ']' if extras else ''} (editable)")
    target = f".[{extras}]" if extras else "."
    run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target])
    stamp.write_text(digest)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def ensure_postgres() -> bool:
    if port_open("127.0.0.1", 5432):
        return True
    clusters = Path("/etc/postgresql")
    if clusters.exists() and shutil.which("pg_ctlcluster"):
        for version in sorted(p.name for p in clusters.iterdir()):
            say(f"starting PostgreSQL {version}")
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
        for _ in range(30):
            if port_open("127.0.0.1", 5432):
                return True
            time.sleep(1)
    return False


def ensure_chromium() -> bool:
    if Path(CHROMIUM).exists():
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env)
    return Path(CHROMIUM).exists()


def demo(args: list[str]) -> None:
    ensure_venv("")
    os.execv(str(BIN / "yiqiao"), [str(BIN / "yiqiao"), "demo", *args])


def test(args: list[str]) -> None:
    ensure_venv("dev")
    strict = os.environ.get("CI", "").lower() in {"1", "true"}
    env = {**os.environ, "YIQIAO_DATA_DIR": str(ROOT / "var" / "test")}
    env.pop("DATABASE_URL", None)
    pytest = [str(BIN / "pytest"), "-p", "no:cacheprovider"]
    if args:  # focused run: just pytest with the given arguments, on SQLite
        run([*pytest, *args], env=env)
        return
    say("ruff (lint and format)")
    run([str(BIN / "ruff"), "check", "."])
    run([str(BIN / "ruff"), "format", "--check", "."])
    say("mypy")
    run([str(BIN / "mypy"), "yiqiao", "bench"], env=env)
    say("migrations are up to date")
    run([str(BIN / "yiqiao"), "makemigrations", "--check", "--dry-run"], env=env)
    say("deployment settings check")
    deploy_env = {
        **env,
        "YIQIAO_SECRET_KEY": "x" * 60 + "-check-only",
        "YIQIAO_SECURE": "1",
        "YIQIAO_ALLOWED_HOSTS": "yiqiao.example.cn",
    }
    run([str(BIN / "yiqiao"), "check", "--deploy", "--fail-level", "WARNING"], env=deploy_env)
    has_browser = ensure_chromium()
    if not has_browser:
        if strict:
            raise SystemExit(f"browser tests need Chromium at {CHROMIUM}")
        print(f"!! Chromium not found at {CHROMIUM}: browser tests will be skipped", flush=True)
    say("tests on SQLite (with browser tests)")
    run([*pytest, "-m", "" if has_browser else "not browser"], env=env)
    if ensure_postgres():
        say(f"tests on PostgreSQL ({PG_URL})")
        run([*pytest, "-m", "not browser"], env={**env, "DATABASE_URL": PG_URL})
    elif strict:
        raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432")
    else:
        print("!! PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL run skipped", flush=True)
    say("all checks passed")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        raise SystemExit(2)
    {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
