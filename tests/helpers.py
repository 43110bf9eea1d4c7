"""Running the real command line in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def textsieve(*args: str, cwd=None, stdin: bytes | None = None, env: dict | None = None,
              timeout: int = 120) -> Result:
    full_env = dict(os.environ, NO_COLOR="1", TEXTSIEVE_CACHE_DIR="")
    full_env.pop("TEXTSIEVE_CACHE_DIR")
    if env:
        full_env.update(env)
    proc = subprocess.run([sys.executable, "-m", "textsieve", *args], cwd=cwd, input=stdin,
                          capture_output=True, timeout=timeout, env=full_env)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def write(path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
