"""Posters in the tracker: issuing, reuse, posting, revocation, market batches and reading QR codes."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pypdfium2
import pytest
import qrcode
from PIL import Image
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from qr import VietQR, encode, parse
from qr.banks import load_directory
from tests.qr.conftest import decode_image, pdf_pages, png_image
from tests.support.factories import unique_account, vendor_payload
from tests.support.locks import until_waiting_on_a_lock
from tracker.accounts.actor import TASKFORCE, Actor
from tracker.db.engine import create_database
from tracker.lib.exceptions import StaleWrite
from tracker.lib.http_errors import to_tracker_error
from vendors.models import PaymentAccount
from vendors.posters.models import PosterRecord
from vendors.posters.service import PosterService


async def register(api, market_id: int, **fields) -> dict:
    return await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market_id, **fields))


async def test_poster_png_is_recorded_and_moves_the_vendor_to_qr_issued(api, market) -> None:
    vendor = await register(api, market["id"], full_name="Lê Thị Hường", stall="B7")
    response = await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/png")
    (payload,) = decode_image(png_image(response.content))
    code = parse(payload)
    account = vendor["payment_accounts"][0]
    assert code.bin == account["bank_bin"]
    assert code.merchant_name == "LE THI HUONG"

    history = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    assert len(history) == 1
    assert history[0] | {"issued_at": None} == history[0] | {
        "payload": payload,
        "format": "png",
        "size": "A6",
        "amount": None,
        "account_id": account["id"],
        "downloads": 1,
        "posted_at": None,
        "revoked_at": None,
        "live": True,
        "issued_at": None,
    }
    after = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}")
    assert after["status"] == "qr_issued"
    assert after["reprint_due"] is False
    status = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/history")
    assert [h["to_status"] for h in status] == ["registered", "qr_issued"]
    audit = await api.admin.ok("GET", "/api/audit", params={"entity": "vendor", "entity_id": vendor["id"]})
    actions = {e["action"] for e in audit["items"]}
    assert {"issue_poster", "status"} <= actions


async def test_same_poster_downloaded_again_reuses_its_record(api, market) -> None:
    vendor = await register(api, market["id"])
    url = f"/api/vendors/{vendor['id']}/poster.pdf"
    for _ in range(3):
        response = await api.taskforce.get(url, params={"size": "A5"})
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
    assert (await api.taskforce.get(url, params={"size": "A5", "amount": 50000})).status_code == 200
    assert (
        await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png", params={"size": "A5"})
    ).status_code == 200
    history = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    assert [(h["format"], h["size"], h["amount"], h["downloads"]) for h in history] == [
        ("png", "A5", None, 1),
        ("pdf", "A5", 50000, 1),
        ("pdf", "A5", None, 3),
    ]
    assert parse(history[1]["payload"]).amount == 50000


async def test_officers_read_poster_history_without_the_qr_payload(api, market) -> None:
    """The QR payload holds the account number, which officers see only masked."""
    vendor = await register(api, market["id"])
    await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")
    (printed,) = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    (reviewed,) = await api.officer.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    account = vendor["payment_accounts"][0]["account_number"]
    assert parse(printed["payload"]).account == account
    assert reviewed == printed | {"payload": None}


async def test_posted_at_the_stall(api, market) -> None:
    vendor = await register(api, market["id"])
    await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")
    (poster,) = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    posted = await api.taskforce.ok("POST", f"/api/vendors/{vendor['id']}/posters/{poster['id']}/posted")
    assert posted["posted_at"] is not None
    assert posted["posted_by_id"] is not None
    again = await api.taskforce.ok("POST", f"/api/vendors/{vendor['id']}/posters/{poster['id']}/posted")
    assert again["posted_at"] == posted["posted_at"]
    other = await register(api, market["id"])
    missing = await api.taskforce.post(f"/api/vendors/{other['id']}/posters/{poster['id']}/posted")
    assert missing.status_code == 404


async def test_removing_the_account_revokes_its_posters_and_a_reprint_is_due(api, market) -> None:
    vendor = await register(api, market["id"])
    assert vendor["reprint_due"] is False
    first = vendor["payment_accounts"][0]
    await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")
    await api.taskforce.ok(
        "POST",
        f"/api/vendors/{vendor['id']}/payment-accounts",
        json={"bank_bin": "970405", "account_number": unique_account()},
    )
    changed = await api.taskforce.ok("DELETE", f"/api/vendors/{vendor['id']}/payment-accounts/{first['id']}")
    assert changed["reprint_due"] is True
    (poster,) = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    assert poster["live"] is False
    assert poster["revoked_reason"] == "account_removed"
    refused = await api.taskforce.post(f"/api/vendors/{vendor['id']}/posters/{poster['id']}/posted")
    assert refused.status_code == 409
    listed = await api.taskforce.ok("GET", "/api/vendors", params={"market_id": market["id"]})
    assert [v["reprint_due"] for v in listed["items"] if v["id"] == vendor["id"]] == [True]

    assert (await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")).status_code == 200
    assert (await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}"))["reprint_due"] is False
    # The old account's poster cannot be printed any more.
    gone = await api.taskforce.english().get(f"/api/vendors/{vendor['id']}/poster.png", params={"account": first["id"]})
    assert gone.status_code == 400
    assert gone.json()["extra"][0]["field"] == "account"
    assert gone.json()["extra"][0]["code"] == "unknown_account"


async def test_bilingual_field_errors(api, market) -> None:
    bare = await register(api, market["id"], payment_accounts=[])
    response = await api.taskforce.get(f"/api/vendors/{bare['id']}/poster.png")
    assert response.status_code == 400
    assert response.json()["extra"][0] | {"message": ""} == {"field": "account", "code": "no_account", "message": ""}
    assert "tài khoản" in response.json()["detail"]
    english = await api.taskforce.english().get(f"/api/vendors/{bare['id']}/poster.pdf")
    assert "payment account" in english.json()["detail"]
    vendor = await register(api, market["id"])
    too_big = await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png", params={"amount": 500_000_000})
    assert too_big.status_code == 400
    assert too_big.json()["extra"][0]["field"] == "amount"
    bad_size = await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png", params={"size": "A3"})
    assert bad_size.status_code == 400
    assert bad_size.json()["extra"][0]["field"] == "size"
    sheet = await api.taskforce.get(
        f"/api/markets/{market['id']}/posters.pdf", params={"layout": "sheet", "size": "A4"}
    )
    assert sheet.status_code == 400
    assert sheet.json()["extra"][0]["field"] == "size"


async def test_scoped_like_the_vendor_endpoints(api, market, market_hn) -> None:
    vendor = await register(api, market["id"])
    for path in (
        f"/api/vendors/{vendor['id']}/poster.png",
        f"/api/vendors/{vendor['id']}/poster.pdf",
        f"/api/vendors/{vendor['id']}/posters",
        f"/api/markets/{market['id']}/posters.pdf",
        f"/api/markets/{market['id']}/posters.zip",
    ):
        assert (await api.taskforce_hn.get(path)).status_code == 404, path
        assert (await api.anonymous.get(path)).status_code == 401, path
    assert (await api.taskforce_hn.post(f"/api/vendors/{vendor['id']}/posters/1/posted")).status_code == 404
    # Officers read the history but do not print (printing records an issue and moves the status).
    assert (await api.officer.get(f"/api/vendors/{vendor['id']}/posters")).status_code == 200
    assert (await api.officer.get(f"/api/vendors/{vendor['id']}/poster.png")).status_code == 403
    assert (await api.admin.get(f"/api/vendors/{vendor['id']}/poster.png")).status_code == 200


async def test_market_pdf_and_zip_in_stall_order(api, market) -> None:
    stalls = ["A10", "A2", "B1", "A1"]
    codes = {stall: (await register(api, market["id"], stall=stall))["code"] for stall in stalls}
    await register(api, market["id"], stall="C1", payment_accounts=[])  # nothing to print
    pdf = await api.taskforce.get(f"/api/markets/{market['id']}/posters.pdf", params={"layout": "page"})
    assert pdf.status_code == 200, pdf.text
    document = pypdfium2.PdfDocument(pdf.content)
    texts = [page.get_textpage().get_text_range() for page in document]
    document.close()
    order = ["A1", "A2", "A10", "B1"]
    assert [next(s for s in order if codes[s] in t) for t in texts] == order
    archive = await api.taskforce.get(f"/api/markets/{market['id']}/posters.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == [f"{s}.png" for s in order]
    sheet = await api.taskforce.get(f"/api/markets/{market['id']}/posters.pdf", params={"layout": "sheet"})
    assert len(pdf_pages(sheet.content, dpi=50)) == 1


async def test_decode_a_payload_string(api) -> None:
    payload = encode(
        VietQR(bin="970436", account="0011001234567", amount=50_000, purpose="Mua rau", merchant_name="Hoà")
    )
    answer = await api.taskforce.ok("POST", "/api/qr/decode", json={"payload": payload})
    assert answer | {"payload": None} == {
        "payload": None,
        "bank": {"bin": "970436", "code": "VCB", "short_name": "Vietcombank", "name": answer["bank"]["name"]},
        "account_number": "0011001234567",
        "service": "QRIBFTTA",
        "is_card": False,
        "account_name": "HOA",
        "merchant_city": None,
        "amount": 50000,
        "purpose": "Mua rau",
    }
    broken = await api.taskforce.english().post("/api/qr/decode", json={"payload": payload[:-4] + "0000"})
    assert broken.status_code == 400
    assert broken.json()["extra"][0]["field"] == "payload"
    assert broken.json()["extra"][0]["code"] == "crc_mismatch"
    junk = await api.taskforce.post("/api/qr/decode", content=b"not json", headers={"content-type": "application/json"})
    assert junk.status_code == 400
    assert junk.json()["extra"][0]["field"] == "payload"
    not_image = await api.taskforce.post("/api/qr/decode", files={"file": ("x.jpg", b"hello", "image/jpeg")})
    assert not_image.status_code == 400
    assert not_image.json()["extra"][0]["code"] == "not_an_image"
    blank = io.BytesIO()
    Image.new("L", (300, 300), 255).save(blank, "PNG")
    no_qr = await api.taskforce.post("/api/qr/decode", files={"file": ("x.png", blank.getvalue(), "image/png")})
    assert no_qr.status_code == 400
    assert no_qr.json()["extra"][0]["code"] == "no_qr"


async def test_bank_directory_search(api) -> None:
    everything = await api.taskforce.ok("GET", "/api/qr/banks")
    assert len(everything) > 40
    assert [b["bin"] for b in await api.taskforce.ok("GET", "/api/qr/banks", params={"q": "vietcombank"})] == ["970436"]
    assert "970436" in [b["bin"] for b in await api.taskforce.ok("GET", "/api/qr/banks", params={"q": "VCB"})]
    assert [b["code"] for b in await api.taskforce.ok("GET", "/api/qr/banks", params={"q": "970405"})] == ["VBA"]
    accented = await api.taskforce.ok("GET", "/api/qr/banks", params={"q": "Ngoại thương"})
    assert "970436" in [b["bin"] for b in accented]


def sticker_photo(payload: str) -> bytes:
    """A bank's sticker photographed: a ``qrcode`` QR on a card with text, tilted and blurred on a table."""
    from PIL import ImageDraw, ImageFilter

    code = qrcode.make(payload, box_size=8, border=4).convert("L")
    card = Image.new("L", (code.width + 80, code.height + 200), 235)
    card.paste(code, (40, 110))
    draw = ImageDraw.Draw(card)
    draw.text((40, 30), "VietQR  napas 247  Vietcombank", fill=20)
    draw.text((40, code.height + 130), "NGUYEN THI HOA  0011001234567", fill=20)
    tilted = card.rotate(8, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=120)
    table = Image.new("L", (tilted.width + 600, tilted.height + 400), 120)
    ImageDraw.Draw(table).text((20, 20), "Quầy rau chị Hoà", fill=250)
    table.paste(tilted, (310, 190))
    photo = table.filter(ImageFilter.GaussianBlur(1.3)).convert("RGB")
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85)
    return out.getvalue()


async def test_a_photo_of_a_bank_sticker_registers_an_account(api, market) -> None:
    account_number = unique_account()
    sticker = encode(VietQR(bin="970436", account=account_number, merchant_name="Nguyễn Thị Hoà"))
    vendor = await register(api, market["id"], full_name="Nguyễn Thị Hoà", payment_accounts=[])
    read = await api.taskforce.ok(
        "POST", "/api/qr/decode", files={"file": ("sticker.jpg", sticker_photo(sticker), "image/jpeg")}
    )
    assert (read["bank"]["bin"], read["account_number"], read["account_name"]) == (
        "970436",
        account_number,
        "NGUYEN THI HOA",
    )
    registered = await api.taskforce.ok(
        "POST",
        f"/api/vendors/{vendor['id']}/payment-accounts",
        json={
            "bank_bin": read["bank"]["bin"],
            "account_number": read["account_number"],
            "account_name": read["account_name"],
        },
    )
    (account,) = registered["payment_accounts"]
    assert (account["bank_bin"], account["bank_short_name"], account["account_name"]) == (
        "970436",
        "Vietcombank",
        "NGUYEN THI HOA",
    )
    poster = await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")
    (payload,) = decode_image(png_image(poster.content))
    assert parse(payload).account == account_number


async def test_a_poster_drawn_before_a_change_answers_with_what_is_recorded(api, market) -> None:
    """A downloaded poster is drawn on a read snapshot before the write transaction records it (SQLite's
    write lock is not held while drawing). When the account changed in between, the answer is drawn again
    from what is recorded, never the picture of the snapshot."""
    vendor = await register(api, market["id"], full_name="Lê Thị Hường")
    account = vendor["payment_accounts"][0]
    world = api.world
    db = create_database(world.settings, null_pool=True)
    actor = Actor(world.users["taskforce_np"], "taskforce_np", TASKFORCE, world.area_ids["20599"])
    read_session, write_session = db.read(), db.write()
    try:
        # The snapshot begins (on SQLite, at its first read) before the holder's name is corrected.
        await read_session.execute(select(func.count()).select_from(PaymentAccount))
        async with db.write() as other:
            await other.execute(
                update(PaymentAccount).where(PaymentAccount.id == account["id"]).values(account_name="LE THI HUONG B")
            )
            await other.commit()
        service = PosterService(write_session, load_directory(), read_session=read_session)
        content, row = await service.render_vendor_poster(actor, vendor["id"])
        (payload,) = decode_image(png_image(content))
        assert payload == row.payload
        assert parse(payload).merchant_name == "LE THI HUONG B"
    finally:
        await read_session.close()
        await write_session.close()
        await db.write_engine.dispose()
        await db.read_engine.dispose()


async def test_a_vendor_changed_by_a_concurrent_download_answers_409_not_500(api, market, backend) -> None:
    """Two first downloads of one vendor's posters at once (PostgreSQL, several workers): both read the vendor
    as "registered", the first moves it to "qr_issued", the second's versioned update finds a newer row. That
    answers "changed by someone else" (409) and saves nothing, never a server error."""
    if backend != "postgres":
        pytest.skip("SQLite writers take the write lock before their first read: the two cannot interleave")
    vendor = await register(api, market["id"], full_name="Võ Thị Sen")
    world = api.world
    db = create_database(world.settings, null_pool=True)
    actor = Actor(world.users["taskforce_np"], "taskforce_np", TASKFORCE, world.area_ids["20599"])
    late, early = db.write(), db.write()
    try:
        late_service = PosterService(late, load_directory())
        # Read as "registered", version 1, and held (the session keeps only what is referenced).
        seen = await late_service.vendors.one(actor, vendor["id"])
        assert (seen.status, seen.version) == ("registered", 1)
        await PosterService(early, load_directory()).render_vendor_poster(actor, vendor["id"], size="A6")
        with pytest.raises(StaleDataError) as raised:
            await late_service.render_vendor_poster(actor, vendor["id"], size="A5")
        error = to_tracker_error(raised.value)
        assert isinstance(error, StaleWrite)
        assert error.status_code == 409
        await late.rollback()
        sizes = (await late.scalars(select(PosterRecord.size).where(PosterRecord.vendor_id == vendor["id"]))).all()
        assert sizes == ["A6"]
    finally:
        await late.close()
        await early.close()
        await db.write_engine.dispose()
        await db.read_engine.dispose()


async def test_two_re_downloads_at_once_are_both_counted(api, market, backend) -> None:
    """Each re-download adds one to the poster's count in the database. Counted in Python from the row each
    transaction had read, the second of two at once (PostgreSQL, several workers) wrote the same count."""
    if backend != "postgres":
        pytest.skip("SQLite writers take the write lock before their first read: the two cannot interleave")
    vendor = await register(api, market["id"], full_name="Lê Văn Tâm")
    assert (await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")).status_code == 200
    world = api.world
    db = create_database(world.settings, null_pool=True)
    actor = Actor(world.users["taskforce_np"], "taskforce_np", TASKFORCE, world.area_ids["20599"])
    first, second = db.write(), db.write()

    async def download_again(session) -> None:
        service = PosterService(session, load_directory())
        found, account, payload, _ = await service._poster_of(actor, vendor["id"], None, None)
        await service._record(actor, found, account, payload, "png", "A6", None)

    try:
        await download_again(first)  # counted, not yet committed
        other = asyncio.ensure_future(_and_commit(second, download_again(second)))
        await until_waiting_on_a_lock(db, other)  # the second waits for the first's row
        await first.commit()
        await other
        history = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
        assert [h["downloads"] for h in history] == [3]
    finally:
        await first.close()
        await second.close()
        await db.write_engine.dispose()
        await db.read_engine.dispose()


async def _and_commit(session, work) -> None:
    await work
    await session.commit()
