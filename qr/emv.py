"""EMVCo merchant-presented QR: the ID-length-value data objects and the CRC.

A payload is a run of data objects, each a 2-digit id, a 2-digit length (01-99) and that many
characters of value. Some objects are templates whose value is itself a run of data objects; which
ones depends on the scheme, so the decoder takes a :data:`TemplateSpec` saying which ids to open.
Ids the spec does not name are kept as plain values, whatever they hold.

The CRC (ISO/IEC 13239, CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection,
no final XOR) covers the whole payload up to and including the ``6304`` that introduces it.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from qr.errors import MalformedPayloadError, PaymentInputError

CRC_ID = "63"
CRC_PREFIX = "6304"

# {id: spec of the template's own children}; an empty mapping opens the template without going deeper.
TemplateSpec: TypeAlias = Mapping[str, "TemplateSpec"]


@dataclass(frozen=True, slots=True)
class DataObject:
    """One data object. ``children`` holds the decoded content of a template, else it is empty."""

    id: str
    value: str
    children: tuple[DataObject, ...] = ()

    @classmethod
    def template(cls, id_: str, children: Iterable[DataObject]) -> DataObject:
        kids = tuple(children)
        return cls(id_, encode(kids), kids)

    def child(self, id_: str) -> DataObject | None:
        return next((c for c in self.children if c.id == id_), None)


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE of ``data`` (``b"123456789"`` gives 0x29B1)."""
    return binascii.crc_hqx(data, 0xFFFF)


def crc_hex(text: str) -> str:
    """The CRC of ``text`` (its UTF-8 bytes) as 4 uppercase hexadecimal digits."""
    return f"{crc16(text.encode('utf-8')):04X}"


def append_crc(body: str) -> str:
    """``body`` followed by the CRC data object computed over it."""
    head = body + CRC_PREFIX
    return head + crc_hex(head)


def crc_matches(payload: str) -> bool:
    """True when ``payload`` ends with a CRC object whose value matches (hex compared case-insensitively)."""
    if len(payload) < 8 or payload[-8:-4] != CRC_PREFIX:
        return False
    return payload[-4:].upper() == crc_hex(payload[:-4])


def encode(objects: Iterable[DataObject], *, path: str = "") -> str:
    """Serialise data objects in the order given. Values must be 1 to 99 characters long."""
    parts = []
    for obj in objects:
        tag = f"{path}.{obj.id}" if path else obj.id
        if len(obj.id) != 2 or not obj.id.isdigit() or not obj.id.isascii():
            raise PaymentInputError("field_id", tag)
        if not 1 <= len(obj.value) <= 99:
            raise PaymentInputError("value_length", tag, found=len(obj.value))
        parts.append(f"{obj.id}{len(obj.value):02d}{obj.value}")
    return "".join(parts)


def decode(text: str, templates: TemplateSpec | None = None, *, path: str = "") -> tuple[DataObject, ...]:
    """Split ``text`` into data objects, opening the templates named in ``templates``.

    Raises :class:`~qr.errors.MalformedPayloadError` (code ``tlv_id`` or ``tlv_length``, ``tag`` = the
    path of the template being read, or ``None`` at the root) when the run does not split exactly.
    """
    spec: TemplateSpec = templates or {}
    objects = []
    pos = 0
    end = len(text)
    while pos < end:
        if end - pos < 4:
            raise _length_error(path, pos, "còn thừa ký tự không đủ tạo thành một trường", "trailing characters")
        id_, length = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not (id_.isascii() and id_.isdigit()):
            raise MalformedPayloadError("tlv_id", path or None, position=pos)
        if not (length.isascii() and length.isdigit()):
            raise _length_error(path, pos, f'"{length}" không phải 2 chữ số', f'"{length}" is not two digits')
        size = int(length)
        if size == 0:
            raise _length_error(path, pos, f"trường {id_} có độ dài 00", f"field {id_} has length 00")
        if pos + 4 + size > end:
            raise _length_error(
                path,
                pos,
                f"trường {id_} khai báo {size} ký tự nhưng chỉ còn {end - pos - 4}",
                f"field {id_} declares {size} characters but only {end - pos - 4} remain",
            )
        value = text[pos + 4 : pos + 4 + size]
        child_path = f"{path}.{id_}" if path else id_
        children: tuple[DataObject, ...] = ()
        if id_ in spec:
            children = decode(value, spec[id_], path=child_path)
        objects.append(DataObject(id_, value, children))
        pos += 4 + size
    return tuple(objects)


def _length_error(path: str, pos: int, detail_vi: str, detail_en: str) -> MalformedPayloadError:
    return MalformedPayloadError("tlv_length", path or None, position=pos, detail_vi=detail_vi, detail_en=detail_en)
