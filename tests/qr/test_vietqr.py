from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qr import (
    MAX_AMOUNT,
    AmountError,
    Bank,
    BankDirectory,
    CRCError,
    DataObject,
    DuplicateTagError,
    Initiation,
    InvalidValueError,
    MalformedPayloadError,
    MissingTagError,
    PayloadError,
    PaymentInputError,
    Service,
    UnknownBankError,
    VietQR,
    WrongGUIDError,
    append_crc,
    crc_hex,
    default_directory,
    encode,
    encode_tlv,
    parse,
    validate,
)
from qr.vietqr import fold_field

# Worked examples of the NAPAS specification (IBFT by QR, section 6.1; the same four appear in the
# VietQR "QR Format T&C" v1.0, 09/2021): the inputs, and the payload the specification prints.
NAPAS_EXAMPLES = [
    pytest.param(
        VietQR(bin="970403", account="9704031101234567", service=Service.CARD),
        "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52",
        id="6.1.2-static-card",
    ),
    pytest.param(
        VietQR(
            bin="970403",
            account="0011012345678",
            amount=180000,
            bill_number="NPS6869",
            purpose="thanh toan don hang",
        ),
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA53037045406180000"
        "5802VN62340107NPS68690819thanh toan don hang63042E2E",
        id="6.1.3-dynamic-account",
    ),
    pytest.param(
        VietQR(
            bin="970403",
            account="9704031101234567",
            service=Service.CARD,
            amount=180000,
            bill_number="NPS6869",
            purpose="thanh toan don hang",
        ),
        "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045406180000"
        "5802VN62340107NPS68690819thanh toan don hang6304A203",
        id="6.1.4-dynamic-card",
    ),
]

# Example 6.1.1 (static, to an account) as the specification prints it: the account "0011012345678" has
# 13 characters but its length field says 12, so the beneficiary template does not split; the CRC was
# computed over that text. The corrected payload is what every implementation (and ours) produces.
NAPAS_6_1_1_PRINTED = "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5"
NAPAS_6_1_1_CORRECTED = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F"

# Payloads published by independent implementations, with the inputs they were made from.
PUBLISHED = [
    pytest.param(  # subiz/vietqr README: 120.000 đ to VietinBank 0011001932418, "ủng hộ lũ lụt"
        VietQR(bin="970415", account="0011001932418", amount=120000, purpose="ủng hộ lũ lụt"),
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
        "62170813ung ho lu lut6304C15C",
        id="subiz-dynamic",
    ),
    pytest.param(  # subiz/vietqr tests: static, TPBank 0099999999
        VietQR(bin="970423", account="0099999999"),
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4",
        id="subiz-static",
    ),
    pytest.param(  # vietnam-qr-pay README: static, ACB 257678859
        VietQR(bin="970416", account="257678859"),
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F",
        id="vietnam-qr-pay-static",
    ),
    pytest.param(  # vietnam-qr-pay README: 10.000 đ, "Chuyen tien"
        VietQR(bin="970416", account="257678859", amount=10000, purpose="Chuyen tien"),
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN"
        "62150811Chuyen tien630453E6",
        id="vietnam-qr-pay-dynamic",
    ),
]


@pytest.mark.parametrize(("code", "payload"), NAPAS_EXAMPLES + PUBLISHED)
def test_encoder_reproduces_published_payloads(code: VietQR, payload: str) -> None:
    assert encode(code) == payload


@pytest.mark.parametrize(("code", "payload"), NAPAS_EXAMPLES + PUBLISHED)
def test_parser_reads_published_payloads(code: VietQR, payload: str) -> None:
    parsed = parse(payload)
    assert parsed.bank.bin == code.bin
    assert parsed.account == code.account
    assert parsed.service is code.service
    assert parsed.amount == code.amount
    assert parsed.initiation is (Initiation.DYNAMIC if code.amount else Initiation.STATIC)
    assert parsed.bill_number == code.bill_number
    assert parsed.purpose == (fold_field(code.purpose, 25) or None)
    assert parsed.other_tags == {}
    assert validate(payload) == []


def test_napas_6_1_1_corrected_and_as_printed() -> None:
    code = VietQR(bin="970403", account="0011012345678")
    assert encode(code) == NAPAS_6_1_1_CORRECTED
    assert parse(NAPAS_6_1_1_CORRECTED).account == "0011012345678"
    # The printed example: its CRC is right, its beneficiary template is not.
    assert crc_hex(NAPAS_6_1_1_PRINTED[:-4]) == "F4E5"
    problems = validate(NAPAS_6_1_1_PRINTED)
    assert [(p.code, p.tag) for p in problems] == [("tlv_length", "38.01")]
    with pytest.raises(MalformedPayloadError):
        parse(NAPAS_6_1_1_PRINTED)


# ---------------------------------------------------------------------------------------------------------
# Payloads built by hand, to break one thing at a time


def beneficiary(
    bin_: str = "970436", account: str = "0011001234567", service: str = "QRIBFTTA", guid: str = "A000000727"
) -> str:
    inner = encode_tlv([DataObject("00", bin_), DataObject("01", account)])
    return encode_tlv([DataObject("00", guid), DataObject("01", inner), DataObject("02", service)])


def build(*pairs: tuple[str, str], crc: bool = True) -> str:
    body = encode_tlv([DataObject(i, v) for i, v in pairs])
    return append_crc(body) if crc else body


GOOD = [("00", "01"), ("01", "11"), ("38", beneficiary()), ("53", "704"), ("58", "VN")]


def good(**changes: str | None) -> str:
    """The GOOD payload with some root values replaced (None drops the object)."""
    pairs = []
    for id_, value in GOOD:
        new = changes.get(f"t{id_}", value)
        if new is not None:
            pairs.append((id_, new))
    for key, value in changes.items():
        if key[1:] not in dict(GOOD) and value is not None:
            pairs.append((key[1:], value))
    return build(*pairs)


def test_good_payload_parses() -> None:
    parsed = parse(good())
    assert parsed.bank.short_name == "Vietcombank"
    assert parsed.account == "0011001234567"
    assert parsed.service is Service.ACCOUNT
    assert parsed.initiation is Initiation.STATIC
    assert parsed.amount is None


ERROR_CASES = [
    ("", "empty", None, MalformedPayloadError),
    ("   ", "empty", None, MalformedPayloadError),
    (good(t62="0803cà phê"[:7]), "bad_character", "62.08", MalformedPayloadError),
    (append_crc("0A0201"), "tlv_id", None, MalformedPayloadError),
    (append_crc("000201" + "5805VN"), "tlv_length", None, MalformedPayloadError),
    (good()[:-8], "crc_missing", "63", CRCError),
    (good()[:-1] + ("0" if good()[-1] != "0" else "1"), "crc_mismatch", "63", CRCError),
    (build(*GOOD, ("58", "VN")), "duplicate_tag", "58", DuplicateTagError),
    (good(t00=None), "missing_tag", "00", MissingTagError),
    (good(t38=None), "missing_tag", "38", MissingTagError),
    (good(t53=None), "missing_tag", "53", MissingTagError),
    (good(t58=None), "missing_tag", "58", MissingTagError),
    (
        good(t38=encode_tlv([DataObject("01", "0006970436"), DataObject("02", "QRIBFTTA")])),
        "missing_tag",
        "38.00",
        MissingTagError,
    ),
    (
        good(t38=encode_tlv([DataObject("00", "A000000727"), DataObject("02", "QRIBFTTA")])),
        "missing_tag",
        "38.01",
        MissingTagError,
    ),
    (
        good(t38=encode_tlv([DataObject("00", "A000000727"), DataObject("01", "0006970436")])),
        "missing_tag",
        "38.02",
        MissingTagError,
    ),
    (
        good(
            t38=encode_tlv([DataObject("00", "A000000727"), DataObject("01", "0103123"), DataObject("02", "QRIBFTTA")])
        ),
        "missing_tag",
        "38.01.00",
        MissingTagError,
    ),
    (
        good(
            t38=encode_tlv(
                [DataObject("00", "A000000727"), DataObject("01", "0006970436"), DataObject("02", "QRIBFTTA")]
            )
        ),
        "missing_tag",
        "38.01.01",
        MissingTagError,
    ),
    (good(t00="02"), "payload_format", "00", InvalidValueError),
    (good(t01="13"), "initiation_method", "01", InvalidValueError),
    (good(t38=beneficiary(guid="A000000775")), "guid", "38.00", WrongGUIDError),
    (good(t38=beneficiary(bin_="97043")), "bin_format", "38.01.00", InvalidValueError),
    (good(t38=beneficiary(bin_="999999")), "unknown_bin", "38.01.00", UnknownBankError),
    (good(t38=beneficiary(account="0011-0012")), "account_format", "38.01.01", InvalidValueError),
    (
        good(t38=beneficiary(account="0011001234567", service="QRIBFTTC")),
        "card_format",
        "38.01.01",
        InvalidValueError,
    ),
    (good(t38=beneficiary(service="QRPUSH")), "service_code", "38.02", InvalidValueError),
    (good(t53="840"), "currency", "53", InvalidValueError),
    (good(t58="TH"), "country", "58", InvalidValueError),
    (good(t54="12.50"), "amount_not_numeric", "54", AmountError),
    (good(t54="50k"), "amount_not_numeric", "54", AmountError),
    (good(t54="0"), "amount_out_of_range", "54", AmountError),
    (good(t54="500000000"), "amount_out_of_range", "54", AmountError),
    (good(t59="X" * 26), "field_too_long", "59", InvalidValueError),
    (good(t60="Y" * 16), "field_too_long", "60", InvalidValueError),
    (good(t62="0826" + "z" * 26), "field_too_long", "62.08", InvalidValueError),
    (good(t62="0805abc"), "tlv_length", "62", MalformedPayloadError),
]


@pytest.mark.parametrize(("payload", "code", "tag", "error"), ERROR_CASES)
def test_every_parse_error(payload: str, code: str, tag: str | None, error: type[PayloadError]) -> None:
    with pytest.raises(error) as info:
        parse(payload)
    assert info.value.code == code
    assert info.value.tag == tag
    assert info.value.vi
    assert info.value.en
    assert info.value.vi != info.value.en
    assert str(info.value) == f"{info.value.vi} / {info.value.en}"
    assert info.value.message("en-US") == info.value.en
    assert info.value.message("vi") == info.value.vi
    assert code in [p.code for p in validate(payload)]


def test_messages_are_vietnamese_first_and_specific() -> None:
    with pytest.raises(CRCError) as info:
        parse(good()[:-4] + "0000")
    expected = crc_hex(good()[:-4])
    assert info.value.vi == f"Mã kiểm tra CRC sai: mã ghi 0000, tính được {expected}."
    assert info.value.en == f"Bad CRC: the payload says 0000, the computed value is {expected}."
    assert str(info.value).startswith("Mã kiểm tra CRC sai")


def test_validate_lists_every_problem() -> None:
    payload = good(t38=beneficiary(bin_="999999"), t53="840", t58="TH", t54="abc", t59="N" * 30)
    problems = validate(payload)
    assert [(p.code, p.tag) for p in problems] == [
        ("unknown_bin", "38.01.00"),
        ("currency", "53"),
        ("country", "58"),
        ("amount_not_numeric", "54"),
        ("field_too_long", "59"),
    ]
    assert all(p.vi and p.en for p in problems)
    with pytest.raises(UnknownBankError):
        parse(payload)


def test_validate_reports_crc_and_fields_together() -> None:
    payload = good(t53="840")
    broken = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    assert [p.code for p in validate(broken)] == ["crc_mismatch", "currency"]


def test_lowercase_crc_is_accepted() -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567", amount=50000))
    assert payload[-4:].upper() == payload[-4:]
    lower = payload[:-4] + payload[-4:].lower()
    assert parse(lower).amount == 50000


def test_surrounding_whitespace_is_ignored() -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567"))
    assert parse(f"  {payload}\n").payload == payload


def test_tags_in_any_order() -> None:
    shuffled = build(
        ("58", "VN"),
        ("62", "0805hello"),
        ("38", beneficiary()),
        ("54", "20000"),
        ("53", "704"),
        ("01", "12"),
        ("00", "01"),
    )
    parsed = parse(shuffled)
    assert (parsed.amount, parsed.purpose, parsed.initiation) == (20000, "hello", Initiation.DYNAMIC)
    # Re-encoding puts them in the usual order; the content is the same.
    assert parse(encode(parsed.to_vietqr())).amount == 20000


def test_unknown_tags_are_kept() -> None:
    ben = beneficiary() + "0303abc"
    payload = build(
        *GOOD[:2], ("38", ben), ("52", "5812"), *GOOD[3:], ("62", "0506REF1230805hello0903AME"), ("80", "046")
    )
    parsed = parse(payload)
    assert parsed.other_tags == {"52": "5812", "80": "046", "38.03": "abc", "62.09": "AME"}
    assert (parsed.reference_label, parsed.purpose) == ("REF123", "hello")
    again = encode(parsed.to_vietqr())
    assert "52045812" in again
    assert "8003046" in again
    assert parse(again).other_tags == {"52": "5812", "80": "046"}


def test_card_and_account_services() -> None:
    card = encode(VietQR(bin="970436", account="9704 3611 0123 4567", service=Service.CARD))
    assert "0208QRIBFTTC" in card
    assert parse(card).is_card
    assert parse(card).account == "9704361101234567"
    account = encode(VietQR(bin="970436", account="0011 0012-3456.7"))
    assert "0208QRIBFTTA" in account
    assert not parse(account).is_card
    # Wallet accounts held at a bank have letters (MoMo's start with PSP).
    assert parse(encode(VietQR(bin="970454", account="PSP123456789000000"))).account == "PSP123456789000000"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (VietQR(bin="970436", account="0011001234567", service=Service.CARD), "card_format"),
        (VietQR(bin="970436", account="9" * 20, service=Service.CARD), "card_format"),
        (VietQR(bin="970436", account="1" * 20), "account_format"),
        (VietQR(bin="970436", account=""), "account_format"),
        (VietQR(bin="970436", account="0011/0012"), "account_format"),
        (VietQR(bin="97043", account="0011001234567"), "bin_format"),
        (VietQR(bin="999999", account="0011001234567"), "unknown_bin"),
        (VietQR(bin="970436", account="1", extra=(DataObject("54", "1"),)), "reserved_tag"),
        (
            VietQR(bin="970436", account="1", extra=(DataObject("80", "1"), DataObject("80", "2"))),
            "duplicate_tag",
        ),
    ],
)
def test_encoder_refuses_bad_input(code: VietQR, error: str) -> None:
    with pytest.raises(PaymentInputError) as info:
        encode(code)
    assert info.value.code == error


@pytest.mark.parametrize("amount", [1, 50_000, MAX_AMOUNT - 1])
def test_amounts_within_limits(amount: int) -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567", amount=amount))
    assert f"54{len(str(amount)):02d}{amount}" in payload
    assert "010212" in payload
    assert parse(payload).amount == amount


@pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT, 10**12])
def test_amounts_out_of_range_refused(amount: int) -> None:
    with pytest.raises(PaymentInputError) as info:
        encode(VietQR(bin="970436", account="0011001234567", amount=amount))
    assert info.value.code == "amount_out_of_range"
    assert "500.000.000" in info.value.vi


@pytest.mark.parametrize("amount", [True, 1.5, "5000"])
def test_non_integer_amounts_refused(amount: object) -> None:
    with pytest.raises(PaymentInputError) as info:
        encode(VietQR(bin="970436", account="0011001234567", amount=amount))  # type: ignore[arg-type]
    assert info.value.code == "amount_not_numeric"


def test_text_is_folded_and_cut() -> None:
    payload = encode(
        VietQR(
            bin="970436",
            account="0011001234567",
            merchant_name="Nguyễn Thị Hoà - Quầy rau sạch Đồng Tháp",
            merchant_city="Thành phố Hồ Chí Minh",
            purpose="Thanh toán tiền rau quầy Đ12 chợ Nam Phước",
        )
    )
    parsed = parse(payload)
    assert parsed.merchant_name == "NGUYEN THI HOA - QUAY RAU"
    assert len(parsed.merchant_name) == 25
    assert parsed.merchant_city == "Thanh pho Ho Ch"
    assert parsed.purpose == "Thanh toan tien rau quay"  # 25th character was a space, dropped
    assert payload.isascii()


def test_text_that_folds_to_nothing_is_left_out() -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567", purpose="越南", merchant_name="  "))
    parsed = parse(payload)
    assert parsed.purpose is None
    assert parsed.merchant_name is None
    assert payload == encode(VietQR(bin="970436", account="0011001234567"))


def test_additional_data_over_99_is_refused_not_truncated() -> None:
    fields = {"bill_number": "B" * 25, "store_label": "S" * 25, "reference_label": "R" * 25}
    fits = encode(VietQR(bin="970436", account="1", **fields, purpose="ok"))
    assert parse(fits).purpose == "ok"
    with pytest.raises(PaymentInputError) as info:
        encode(VietQR(bin="970436", account="1", **fields, terminal_label="T" * 25))
    assert info.value.code == "template_too_long"
    assert info.value.tag == "62"
    assert "116" in info.value.en


def test_a_directory_can_be_given() -> None:
    directory = BankDirectory([Bank("123456", "TST", "Test", "Ngân hàng thử")])
    payload = encode(VietQR(bin="123456", account="42"), directory=directory)
    assert parse(payload, directory=directory).bank.short_name == "Test"
    with pytest.raises(UnknownBankError):
        parse(payload)


vietnamese = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐ 0123456789",
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    bank=st.sampled_from(sorted(b.bin for b in default_directory())),
    account=st.text(alphabet="0123456789", min_size=1, max_size=19),
    amount=st.none() | st.integers(min_value=1, max_value=MAX_AMOUNT - 1),
    purpose=st.none() | vietnamese,
    name=st.none() | vietnamese,
)
def test_encode_parse_round_trip(
    bank: str, account: str, amount: int | None, purpose: str | None, name: str | None
) -> None:
    code = VietQR(bin=bank, account=account, amount=amount, purpose=purpose, merchant_name=name)
    payload = encode(code)
    parsed = parse(payload)
    assert (parsed.bin, parsed.account, parsed.amount) == (bank, account, amount)
    assert parsed.purpose == (fold_field(purpose, 25) or None)
    assert parsed.merchant_name == (fold_field(name, 25, upper=True) or None)
    assert encode(parsed.to_vietqr()) == payload


def test_random_corruptions_are_reported_not_crashed() -> None:
    rng = random.Random(7)
    payload = encode(VietQR(bin="970436", account="0011001234567", amount=50000, purpose="rau"))
    for _ in range(300):
        chars = list(payload)
        chars[rng.randrange(len(chars))] = rng.choice("0123456789ABCZ .")
        broken = "".join(chars)
        problems = validate(broken)
        if broken != payload:
            assert problems, broken
            with pytest.raises(PayloadError):
                parse(broken)
