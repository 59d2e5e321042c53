"""``python -m dlverify.reports.lint``: ruff and mypy over the package, as CI runs them.

The repository's root is the package ``dlverify`` (``package-dir = {"dlverify" = "."}``), which
mypy cannot name from inside the checkout, so mypy is run on a folder of links that has the
installed layout (``dlverify/theorems -> theorems``, ..., ``dlverify/__init__.py``), with the
settings of ``[tool.mypy]`` in pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("theorems", "numerics", "reports", "checks")


def ruff() -> int:
    exe = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return subprocess.run([exe, "check", str(ROOT)], cwd=ROOT).returncode


def mypy() -> int:
    from mypy import api

    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "dlverify"
        pkg.mkdir()
        for name in FOLDERS:
            (pkg / name).symlink_to(ROOT / name, target_is_directory=True)
        (pkg / "__init__.py").symlink_to(ROOT / "__init__.py")
        out, err, code = api.run(
            ["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(pkg)]
        )
    print(out, end="")
    print(err, end="", file=sys.stderr)
    return code


def main() -> int:
    codes = [ruff(), mypy()]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
