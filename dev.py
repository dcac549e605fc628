#!/usr/bin/env python3
"""Set up and run YiQiao with nothing but Python and pip.

    python3 dev.py demo     # venv + install + demo district on SQLite, served on :8000
    python3 dev.py test     # venv + dev install + lint, types, migrations check, tests on
                            # SQLite and PostgreSQL, browser tests (Debian's Chromium)
    python3 dev.py test --fast   # the fast tier: engines and unit tests (no database,
                                 # browser or slow tests), for the edit-test loop

    python3 dev.py lock     # after changing dependencies in pyproject.toml: regenerate
                            # requirements.lock and requirements-dev.lock (hashes, via uv)

Installs come only from the lock files (pinned, with hashes), with pip as Python ships it.
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
    kwargs.setdefault("cwd", ROOT)
    result = subprocess.run(cmd, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}")


LOCKS = {"": ROOT / "requirements.lock", "dev": ROOT / "requirements-dev.lock"}


def ensure_venv(extras: str) -> None:
    """Create .venv and install exactly what the lock file pins (with hashes), then YiQiao.

    pip is used as Python ships it (no upgrade), so a fresh machine installs what CI tested.
    Re-installs only when the lock file or pyproject.toml changed.
    """
    if not PY.exists():
        say("creating virtual environment .venv")
        run([sys.executable, "-m", "venv", str(VENV)])
    lock = LOCKS[extras]
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256(lock.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing the pinned dependencies from {lock.name}")
    pip = [str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--require-hashes", "-r", str(lock)])
    say("installing yiqiao (editable, without resolving dependencies again)")
    run([*pip, "--no-deps", "-e", "."])
    stamp.write_text(digest)


def check_install() -> None:
    """Install the runtime lock and the package (not editable) into a fresh virtual environment,
    then import every declared dependency and every YiQiao module: the install a deployment makes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="yiqiao-install-") as tmp:
        # Build from a copy holding only the files a clone would have (tracked, or new and not
        # ignored): a stale build/ folder in the work tree would otherwise ship deleted modules.
        source = Path(tmp) / "source"
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            if (ROOT / name).is_file():
                (source / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, source / name)
        venv = Path(tmp) / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        py = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
        pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        run([*pip, "--require-hashes", "-r", str(LOCKS[""])])
        run([*pip, "--no-deps", str(source)])
        env = {**os.environ, "YIQIAO_DATA_DIR": str(Path(tmp) / "var")}
        env.pop("DATABASE_URL", None)
        run([str(py), str(ROOT / "tools" / "check_imports.py")], env=env, cwd=tmp)


def lock() -> None:
    """Regenerate both lock files from pyproject.toml (needs the dev install, which carries uv)."""
    ensure_venv("dev")
    uv = str(BIN / "uv")
    common = ["pip", "compile", "pyproject.toml", "--generate-hashes", "--universal"]
    common += ["--python-version", "3.11", "--quiet"]
    run([uv, *common, "--extra", "dev", "-o", "requirements-dev.lock"])
    run([uv, *common, "-c", "requirements-dev.lock", "-o", "requirements.lock"])
    say("lock files written; run `python3 dev.py test` before committing them")


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
    say("a fresh install from requirements.lock imports every dependency")
    check_install()
    say("ruff (lint and format)")
    run([str(BIN / "ruff"), "check", "."])
    run([str(BIN / "ruff"), "format", "--check", "."])
    say("mypy")
    run([str(BIN / "mypy"), "yiqiao", "bench", "tools"], env=env)
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
    # The two database runs go side by side: each pytest process is mostly one busy core, and CI
    # machines have two. PostgreSQL's output goes to a log printed when it ends, so the two never
    # interleave; each run has its own data folder.
    pg_run: subprocess.Popen[bytes] | None = None
    pg_log = ROOT / "var" / "test-postgresql.log"
    if ensure_postgres():
        say(f"tests on PostgreSQL ({PG_URL}), in the background; output in {pg_log}")
        pg_log.parent.mkdir(parents=True, exist_ok=True)
        pg_env = {**env, "DATABASE_URL": PG_URL, "YIQIAO_DATA_DIR": str(ROOT / "var" / "test-pg")}
        with pg_log.open("wb") as log:
            pg_run = subprocess.Popen(
                [*pytest, "-m", "not browser"],
                env=pg_env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    elif strict:
        raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432")
    else:
        print("!! PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL run skipped", flush=True)
    say("tests on SQLite (with browser tests)")
    try:
        sqlite_rc = subprocess.run(
            [*pytest, "-m", "" if has_browser else "not browser"], env=env, cwd=ROOT
        ).returncode
    except BaseException:  # interrupted: do not leave the PostgreSQL run behind
        if pg_run is not None:
            pg_run.kill()
        raise
    pg_rc = 0
    if pg_run is not None:
        pg_rc = pg_run.wait()
        say(f"tests on PostgreSQL ({PG_URL}): output")
        sys.stdout.write(pg_log.read_text(encoding="utf-8", errors="replace"))
        sys.stdout.flush()
    if sqlite_rc or pg_rc:
        raise SystemExit(f"tests failed: SQLite exit {sqlite_rc}, PostgreSQL exit {pg_rc}")
    say("all checks passed")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test", "lock"}:
        print(__doc__)
        raise SystemExit(2)
    if sys.argv[1] == "lock":
        lock()
        return
    {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
