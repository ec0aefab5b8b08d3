"""VietQR transfer codes (NAPAS, QR Format T&C v1.0, 09/2021) on top of the EMVCo data objects.

Root objects written by :func:`encode`, in this order (ids ascending, the CRC last)::

    00 "01"                          payload format indicator
    01 "11" static | "12" dynamic    dynamic when there is an amount
    38 template                      00 GUID "A000000727"
                                     01 template: 00 6-digit BIN, 01 account or card number (<= 19)
                                     02 service "QRIBFTTA" (account) | "QRIBFTTC" (card)
    53 "704"                         currency (đồng)
    54 amount                        whole đồng, optional
    58 "VN"                          country
    59 merchant name (<= 25)         optional, ASCII, uppercase
    60 merchant city (<= 15)         optional, ASCII
    62 template (<= 99)              01 bill number, 03 store, 05 reference, 07 terminal, 08 purpose
                                     (<= 25 characters each)
    63 CRC
"""

from qr.vietqr._encode import encode, fold_field, normalize_account
from qr.vietqr._model import (
    ADDITIONAL_FIELDS,
    GUID,
    MAX_AMOUNT,
    Initiation,
    ParsedVietQR,
    Service,
    VietQR,
)
from qr.vietqr._read import parse, validate

__all__ = [
    "ADDITIONAL_FIELDS",
    "GUID",
    "MAX_AMOUNT",
    "Initiation",
    "ParsedVietQR",
    "Service",
    "VietQR",
    "encode",
    "fold_field",
    "normalize_account",
    "parse",
    "validate",
]
