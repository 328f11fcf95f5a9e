"""The README's Python example runs as written (on a fresh database)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_readme_example_drives_a_dossier_to_its_result(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running dossiers (the engine in Python)", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example is not None
    env = {
        **os.environ,
        "MOTCUA_DATABASE__URL": f"sqlite:///{tmp_path / 'readme.db'}",
        "MOTCUA_PATHS__DATA": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", example.group(1)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Đã trả kết quả"
