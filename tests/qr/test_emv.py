from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qr import DataObject, MalformedPayloadError, PaymentInputError, append_crc, crc16, crc_hex, crc_matches
from qr.emv import decode, encode

# Known CRC-16/CCITT-FALSE check values.
CRC_VECTORS = [
    (b"123456789", 0x29B1),
    (b"", 0xFFFF),
    (b"A", 0xB915),
]


@pytest.mark.parametrize(("data", "expected"), CRC_VECTORS)
def test_crc_known_vectors(data: bytes, expected: int) -> None:
    assert crc16(data) == expected


def test_crc_hex_is_four_uppercase_digits() -> None:
    assert crc_hex("123456789") == "29B1"
    # A value below 0x1000 keeps its leading zero.
    low = next(str(i) for i in range(100000) if crc16(str(i).encode()) < 0x1000)
    assert len(crc_hex(low)) == 4
    assert crc_hex(low).startswith("0")


def test_crc_covers_its_own_id_and_length() -> None:
    body = "000201"
    payload = append_crc(body)
    assert payload[:-4] == body + "6304"
    assert payload[-4:] == crc_hex(body + "6304")
    assert crc_matches(payload)
    assert crc_matches(payload[:-4] + payload[-4:].lower())
    wrong = "0000" if payload[-4:] != "0000" else "1111"
    assert not crc_matches(body + "6304" + wrong)
    assert not crc_matches("0002016304")


def test_decode_opens_only_the_templates_named() -> None:
    text = "0002010104abcd261400021234045678"
    flat = decode(text)
    assert [(o.id, o.value, o.children) for o in flat] == [
        ("00", "01", ()),
        ("01", "abcd", ()),
        ("26", "00021234045678", ()),
    ]
    nested = decode(text, {"26": {}})
    assert nested[2].children == (DataObject("00", "12"), DataObject("34", "5678"))
    assert nested[2].child("34") == DataObject("34", "5678")
    assert nested[2].child("99") is None


def test_decode_nested_two_levels() -> None:
    inner = encode([DataObject("00", "970436"), DataObject("01", "123")])
    outer = encode([DataObject("00", "A000000727"), DataObject("01", inner)])
    (obj,) = decode(encode([DataObject("38", outer)]), {"38": {"01": {}}})
    beneficiary = obj.child("01")
    assert beneficiary is not None
    assert [c.value for c in beneficiary.children] == ["970436", "123"]


def test_template_constructor_encodes_children() -> None:
    obj = DataObject.template("62", [DataObject("08", "abc")])
    assert obj.value == "0803abc"
    assert encode([obj]) == "62070803abc"


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("0002010", "tlv_length", 6),  # three characters cannot make an object
        ("0A0201", "tlv_id", 0),
        ("00x201", "tlv_length", 0),
        ("000201" + "0105abc", "tlv_length", 6),  # declares 5, has 3
        ("000201" + "0100", "tlv_length", 6),  # zero length
    ],
)
def test_decode_errors_say_where(text: str, code: str, position: int) -> None:
    with pytest.raises(MalformedPayloadError) as info:
        decode(text)
    assert info.value.code == code
    assert f"position {position}" in info.value.en
    assert f"vị trí {position}" in info.value.vi
    assert info.value.tag is None


def test_decode_error_inside_a_template_names_the_template() -> None:
    with pytest.raises(MalformedPayloadError) as info:
        decode("38040005", {"38": {}})
    assert info.value.tag == "38"


@pytest.mark.parametrize("value", ["", "x" * 100])
def test_encode_refuses_lengths_outside_1_to_99(value: str) -> None:
    with pytest.raises(PaymentInputError) as info:
        encode([DataObject("08", value)], path="62")
    assert info.value.code == "value_length"
    assert info.value.tag == "62.08"


def test_encode_refuses_a_bad_id() -> None:
    with pytest.raises(PaymentInputError) as info:
        encode([DataObject("8", "x")])
    assert info.value.code == "field_id"


def test_encode_accepts_99_characters() -> None:
    assert encode([DataObject("99", "y" * 99)]) == "9999" + "y" * 99


ids = st.integers(min_value=0, max_value=99).map(lambda i: f"{i:02d}")
values = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=99)


@given(st.lists(st.tuples(ids, values), max_size=12))
def test_tlv_round_trip(pairs: list[tuple[str, str]]) -> None:
    objects = [DataObject(i, v) for i, v in pairs]
    assert decode(encode(objects)) == tuple(objects)


@given(st.lists(st.tuples(ids, values), min_size=1, max_size=4), ids)
def test_tlv_round_trip_through_a_template(pairs: list[tuple[str, str]], outer: str) -> None:
    children = [DataObject(i, v) for i, v in pairs]
    template = DataObject.template(outer, children)
    if len(template.value) > 99:
        with pytest.raises(PaymentInputError):
            encode([template])
        return
    (decoded,) = decode(encode([template]), {outer: {}})
    assert decoded.children == tuple(children)
