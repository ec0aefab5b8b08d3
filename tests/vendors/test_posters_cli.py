"""``tracker posters`` after ``tracker seed --demo``: the demo task force prints Chợ Nam Phước."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from qr import parse
from tests.qr.conftest import decode_image, pdf_pages
from tests.qr.test_interop import node, run_js  # noqa: F401 (the ``node`` fixture)

TRACKER = [sys.executable, "-m", "tracker.cli"]


def tracker(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TRACKER, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("posters-demo")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "TRACKER_ENV"}}
    env["TRACKER_DATA_DIR"] = str(workdir / "var")
    for args in (["db", "upgrade"], ["seed", "--demo"]):
        done = tracker(args, env)
        assert done.returncode == 0, done.stderr
    return env


def test_demo_task_force_prints_nam_phuoc_as_a6_sheets(
    demo_env: dict[str, str],
    tmp_path: Path,
    node: str,  # noqa: F811
) -> None:
    out = tmp_path / "np.pdf"
    printed = tracker(
        ["posters", "--market", "NP", "--layout", "sheet", "--size", "A6", "-o", str(out), "--as", "tocns.namphuoc"],
        demo_env,
    )
    assert printed.returncode == 0, printed.stderr
    count = int(printed.stdout.split("/ printed ")[1].split()[0])
    pages = pdf_pages(out.read_bytes(), dpi=200)
    assert len(pages) == (count + 3) // 4
    payloads = [payload for page in pages for payload in decode_image(page)]
    assert len(payloads) == count
    theirs = run_js(node, read=payloads)["read"]
    for payload, read in zip(payloads, theirs, strict=True):
        ours = parse(payload)
        assert read["valid"] is True
        assert (read["bin"], read["account"], read["merchant_name"]) == (ours.bin, ours.account, ours.merchant_name)
        assert ours.merchant_name


def test_zip_and_refusals(demo_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "np.zip"
    assert tracker(["posters", "--market", "NP", "-o", str(out)], demo_env).returncode == 0
    names = zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()
    assert names
    assert all(n.endswith(".png") for n in names)
    other = tracker(["posters", "--market", "TK", "-o", str(tmp_path / "tk.pdf"), "--as", "tocns.namphuoc"], demo_env)
    assert other.returncode == 1
    assert "Market" in other.stderr
    unknown = tracker(["posters", "--market", "ZZZ", "-o", str(tmp_path / "z.pdf")], demo_env)
    assert unknown.returncode == 1
    assert "ZZZ" in unknown.stderr
