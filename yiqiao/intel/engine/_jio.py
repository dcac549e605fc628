"""Import jionlp without its banner: it prints to stdout on import, which would corrupt JSONL."""

from __future__ import annotations

import contextlib
import io
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def quiet_jionlp() -> Any:
    """The jionlp module, imported once with stdout and stderr silenced."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp
    return jionlp
