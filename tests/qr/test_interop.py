"""Interoperability with an independent VietQR implementation: the npm package vietnam-qr-pay.

It is installed from the npm registry with ``npm ci`` into tests/qr/interop (the version is pinned by
package-lock.json) and run with node. Outside CI a machine without node skips these tests; under CI
(environment variable ``CI`` set) a missing node, npm or package fails them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from qr import Initiation, PayloadError, Service, VietQR, default_directory, encode, parse
from qr.vietqr import fold_field

INTEROP = Path(__file__).parent / "interop"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"interop test cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        _unavailable("node and npm are needed")
    assert node is not None
    assert npm is not None
    if not (INTEROP / "node_modules" / "vietnam-qr-pay" / "package.json").is_file():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=INTEROP,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            _unavailable(f"npm ci failed: {result.stderr.strip()[-500:]}")
    return node


def run_js(node: str, build: list[dict[str, Any]] | None = None, read: list[str] | None = None) -> dict[str, Any]:
    result = subprocess.run(
        [node, "roundtrip.js"],
        cwd=INTEROP,
        input=json.dumps({"build": build or [], "parse": read or []}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@dataclass(frozen=True)
class Case:
    bin: str
    account: str
    service: str = Service.ACCOUNT.value
    amount: int | None = None
    purpose: str | None = None
    bill_number: str | None = None
    merchant_name: str | None = None
    merchant_city: str | None = None

    def vietqr(self) -> VietQR:
        return VietQR(
            bin=self.bin,
            account=self.account,
            service=Service(self.service),
            amount=self.amount,
            purpose=self.purpose,
            bill_number=self.bill_number,
            merchant_name=self.merchant_name,
            merchant_city=self.merchant_city,
        )


def cases(count: int = 40) -> list[Case]:
    """Varied inputs, already in the folded ASCII form the other implementation expects."""
    rng = random.Random(20250701)
    bins = sorted(b.bin for b in default_directory())
    words = ["Thanh toan", "quay", "A12", "rau", "ca", "tien hang", "cho Nam Phuoc", "thit", "NP-07"]
    out = [
        Case("970403", "9704031101234567", Service.CARD.value),
        Case("970403", "0011012345678", amount=180000, purpose="thanh toan don hang", bill_number="NPS6869"),
        Case("970454", "PSP123456789000000"),
    ]
    for _ in range(count):
        card = rng.random() < 0.2
        account = "".join(rng.choice("0123456789") for _ in range(rng.randint(16, 19) if card else rng.randint(6, 19)))
        purpose = " ".join(rng.sample(words, rng.randint(1, 4))) if rng.random() < 0.6 else None
        out.append(
            Case(
                bin=rng.choice(bins),
                account=account,
                service=(Service.CARD if card else Service.ACCOUNT).value,
                amount=rng.choice([None, rng.randint(1, 499_999_999), 50_000]),
                purpose=fold_field(purpose, 25) or None,
                bill_number=rng.choice([None, f"HD{rng.randint(1, 99999)}"]),
                merchant_name=rng.choice([None, "NGUYEN THI HOA", "TRAN VAN BINH"]),
                merchant_city=rng.choice([None, "DUY XUYEN", "HA NOI"]),
            )
        )
    return out


def test_their_payloads_read_by_us_and_identical_to_ours(node: str) -> None:
    all_cases = cases()
    built = run_js(node, build=[asdict(c) for c in all_cases])["built"]
    assert len(built) == len(all_cases)
    for case, payload in zip(all_cases, built, strict=True):
        parsed = parse(payload)
        assert parsed.bin == case.bin
        assert parsed.account == case.account
        assert parsed.service.value == case.service
        assert parsed.amount == case.amount
        assert parsed.initiation is (Initiation.DYNAMIC if case.amount else Initiation.STATIC)
        assert parsed.purpose == case.purpose
        assert parsed.bill_number == case.bill_number
        assert parsed.merchant_name == case.merchant_name
        assert parsed.merchant_city == case.merchant_city
        # The two implementations write the very same string from the same inputs.
        assert encode(case.vietqr()) == payload


def test_our_payloads_read_by_them(node: str) -> None:
    ours = [
        encode(
            VietQR(
                bin="970436",
                account="0011001234567",
                amount=50_000,
                purpose="Thanh toán quầy Đ12",
                merchant_name="Nguyễn Thị Hoà",
                merchant_city="Quảng Nam",
                bill_number="NP-Đ12",
            )
        ),
        *(encode(c.vietqr()) for c in cases(20)),
    ]
    read = run_js(node, read=ours)["read"]
    for payload, theirs in zip(ours, read, strict=True):
        mine = parse(payload)
        assert theirs["valid"] is True
        assert theirs["guid"] == "A000000727"
        assert (theirs["bin"], theirs["account"], theirs["service"]) == (
            mine.bin,
            mine.account,
            mine.service.value,
        )
        assert theirs["init_method"] == (mine.initiation.value if mine.initiation else None)
        assert theirs["amount"] == (str(mine.amount) if mine.amount is not None else None)
        assert (theirs["currency"], theirs["country"]) == ("704", "VN")
        assert theirs["purpose"] == mine.purpose
        assert theirs["bill_number"] == mine.bill_number
        assert theirs["merchant_name"] == mine.merchant_name
        assert theirs["merchant_city"] == mine.merchant_city
        # Rebuilt from what it read, the other implementation gives back our exact payload.
        assert theirs["rebuilt"] == payload
    assert read[0]["purpose"] == "Thanh toan quay D12"
    assert read[0]["merchant_name"] == "NGUYEN THI HOA"


def test_both_reject_a_bad_crc(node: str) -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567", amount=50_000))
    broken = payload[:-4] + ("0000" if payload[-4:] != "0000" else "1111")
    (theirs,) = run_js(node, read=[broken])["read"]
    assert theirs["valid"] is False
    with pytest.raises(PayloadError) as info:
        parse(broken)
    assert info.value.code == "crc_mismatch"
