"""Fixed lists of the vendor domain, with their Vietnamese and English labels."""

from __future__ import annotations

from tracker.lib.i18n import Text

MARKET_KINDS: dict[str, Text] = {
    "hang_1": Text("Chợ hạng 1", "Class 1 market"),
    "hang_2": Text("Chợ hạng 2", "Class 2 market"),
    "hang_3": Text("Chợ hạng 3", "Class 3 market"),
    "tam": Text("Chợ tạm", "Temporary market"),
    "dem": Text("Chợ đêm", "Night market"),
}

GOODS_CATEGORIES: dict[str, Text] = {
    "rau_cu_qua": Text("Rau củ quả", "Vegetables and fruit"),
    "thit": Text("Thịt", "Meat"),
    "thuy_hai_san": Text("Thủy hải sản", "Fish and seafood"),
    "gao_hang_kho": Text("Gạo và hàng khô", "Rice and dry goods"),
    "quan_ao_vai": Text("Quần áo và vải", "Clothes and fabric"),
    "an_uong": Text("Ăn uống", "Food and drink"),
    "tap_hoa": Text("Tạp hóa", "Groceries"),
    "hoa_cay_canh": Text("Hoa và cây cảnh", "Flowers and plants"),
    "khac": Text("Khác", "Other"),
}

VENDOR_STATUSES: dict[str, Text] = {
    "registered": Text("Đã đăng ký", "Registered"),
    "qr_issued": Text("Đã cấp mã QR", "QR issued"),
    "active": Text("Đang nhận chuyển khoản", "Taking cashless payments"),
    "paused": Text("Tạm dừng", "Paused"),
}

# Allowed cashless-status changes. ``active`` means the first cashless sale was confirmed.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    "registered": frozenset({"qr_issued", "active", "paused"}),
    "qr_issued": frozenset({"active", "paused"}),
    "active": frozenset({"paused"}),
    "paused": frozenset({"registered", "qr_issued", "active"}),
}
