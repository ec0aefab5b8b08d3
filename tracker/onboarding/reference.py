"""Fixed lists of onboarding: subjects, stages and their allowed changes, what to do next, check verdicts."""

from __future__ import annotations

from tracker.lib.i18n import Text

SUBJECT_KINDS: dict[str, Text] = {
    "product": Text("Sản phẩm OCOP", "OCOP product"),
    "producer": Text("Gian hàng của chủ thể OCOP", "OCOP producer's shop"),
    "vendor": Text("Tiểu thương bán hàng trực tuyến", "Market vendor selling online"),
}

STAGES: dict[str, Text] = {
    "planned": Text("Dự kiến", "Planned"),
    "account_created": Text("Đã tạo tài khoản", "Account created"),
    "shop_pending": Text("Gian hàng chờ duyệt", "Shop pending approval"),
    "shop_active": Text("Gian hàng hoạt động", "Shop active"),
    "listing_submitted": Text("Đã gửi sản phẩm", "Listing submitted"),
    "listing_live": Text("Sản phẩm đang bán", "Listing live"),
    "listing_rejected": Text("Sản phẩm bị từ chối", "Listing rejected"),
    "delisted": Text("Đã gỡ khỏi sàn", "Delisted"),
}
STAGE_ORDER = tuple(STAGES)

# Allowed stage changes. A rejected listing goes back to "submitted" once fixed; a live listing can be
# re-submitted after a change or taken down; a delisted one can be submitted again.
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"account_created"}),
    "account_created": frozenset({"shop_pending", "shop_active"}),
    "shop_pending": frozenset({"shop_active"}),
    "shop_active": frozenset({"listing_submitted"}),
    "listing_submitted": frozenset({"listing_live", "listing_rejected"}),
    "listing_rejected": frozenset({"listing_submitted"}),
    "listing_live": frozenset({"listing_submitted", "delisted"}),
    "delisted": frozenset({"listing_submitted"}),
}
LISTING_STAGES = frozenset({"listing_submitted", "listing_live", "listing_rejected", "delisted"})
# A producer's shop record ends when the shop is active: products are listed on their own records.
SHOP_STAGES = frozenset({"planned", "account_created", "shop_pending", "shop_active"})
LIVE = "listing_live"

NEXT_STEPS: dict[str, Text] = {
    "planned": Text("Tạo tài khoản người bán trên sàn.", "Create a seller account on the platform."),
    "account_created": Text("Đăng ký gian hàng và nộp hồ sơ.", "Register the shop and send its documents."),
    "shop_pending": Text("Chờ sàn duyệt gian hàng.", "Wait for the platform to approve the shop."),
    "shop_active": Text("Đăng sản phẩm lên gian hàng.", "List the product in the shop."),
    "listing_submitted": Text("Chờ sàn duyệt sản phẩm.", "Wait for the platform to approve the listing."),
    "listing_live": Text(
        "Sản phẩm đang bán: giữ thông tin, giá và tồn kho cập nhật.",
        "The listing is live: keep its details, price and stock up to date.",
    ),
    "listing_rejected": Text(
        "Sửa sản phẩm theo lý do bị từ chối rồi gửi lại.", "Fix the listing as the rejection says, then resubmit."
    ),
    "delisted": Text(
        "Sản phẩm đã gỡ khỏi sàn: gửi lại nếu muốn bán tiếp.", "The listing was taken down: resubmit to sell again."
    ),
}
SHOP_DONE = Text(
    "Gian hàng đã hoạt động: đăng từng sản phẩm trong hồ sơ của sản phẩm.",
    "The shop is active: list each product on the product's own record.",
)
BROKEN_STEP = Text(
    "Liên kết sản phẩm không còn hoạt động: tổ công nghệ số sẽ kiểm tra và đăng lại.",
    "The listing no longer works: the task force will check it and list it again.",
)
RESOLVE_STEP = Text(
    "Địa chỉ là link rút gọn: kiểm tra liên kết để lấy địa chỉ đầy đủ.",
    "The address is a short link: run a check to resolve the full address.",
)

VERDICTS: dict[str, Text] = {
    "ok": Text("Hoạt động", "Working"),
    "broken": Text("Hỏng: không còn sản phẩm", "Broken: the listing is gone"),
    "unreachable": Text("Không kết nối được", "Unreachable"),
    "inconclusive": Text("Chưa rõ (sàn chặn hoặc lỗi máy chủ)", "Inconclusive (blocked or server error)"),
}
