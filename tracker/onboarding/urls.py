"""Listing and shop addresses on e-commerce platforms: validation, item ids and canonical forms.

A platform is data: its host names, its short-link hosts and the shapes of its product and shop paths.
A shape is a path with placeholders, alternatives separated by `` | ``::

    /<slug>-i.<shopid>.<itemid> | /product/<shopid>/<itemid>

``<itemid>``, ``<shopid>`` and ``<skuid>`` are runs of digits; ``<slug>`` and ``<name>`` one path segment;
``<region>`` two letters; ``<rest>`` anything. A trailing ``/`` is optional and letters match in any case.
A host also accepts its ``www.`` and ``m.`` variants.

An item is identified on its platform by ``<shopid>.<itemid>`` when the shape has a shop id (Shopee),
else by ``<itemid>``; the SKU (Lazada's ``-s<skuid>``) is not part of it. The canonical address keeps the
platform's host, the path and only the query parameters the platform needs (``spid`` on Tiki): tracking
parameters (utm_*, spm, fbclid, ...) and the fragment are dropped. A short link (``s.shopee.vn/...``)
cannot be read without following it: it is accepted and marked as needing resolution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from tracker.lib.exceptions import FieldProblem, ValidationFailed
from tracker.lib.i18n import Text

PLACEHOLDERS: dict[str, str] = {
    "itemid": r"(?P<item>\d+)",
    "shopid": r"(?P<shop>\d+)",
    "skuid": r"(?P<sku>\d+)",
    "slug": r"[^/]+?",
    "name": r"[^/]+",
    "region": r"[A-Za-z]{2}",
    "rest": r".+",
}
_PLACEHOLDER = re.compile(r"<([A-Za-z]+)>")
_HOST = re.compile(
    r"^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$"
)
MAX_URL = 2000

Kind = Literal["product", "shop"]


class ShapeError(ValueError):
    """A path shape that cannot be used."""


def compile_shape(shape: str) -> re.Pattern[str]:
    shape = shape.strip()
    if not shape.startswith("/"):
        raise ShapeError(f"a shape is a path starting with '/': {shape!r}")
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(shape):
        parts.append(re.escape(shape[position : match.start()]))
        name = match.group(1).lower()
        if name not in PLACEHOLDERS:
            raise ShapeError(f"unknown placeholder <{match.group(1)}> in {shape!r}")
        parts.append(PLACEHOLDERS[name])
        position = match.end()
    parts.append(re.escape(shape[position:]))
    body = "".join(parts)
    if body.endswith("/") and body != "/":
        body = body[:-1]
    try:
        return re.compile(f"^{body}/?$", re.IGNORECASE)
    except re.error as exc:
        raise ShapeError(f"{shape!r}: {exc}") from None


def split_shapes(text: str | Iterable[str]) -> tuple[str, ...]:
    items = text.split("|") if isinstance(text, str) else list(text)
    return tuple(s.strip() for s in items if s.strip())


def host_variants(host: str) -> set[str]:
    base = host.lower()
    for prefix in ("www.", "m."):
        if base.startswith(prefix):
            base = base[len(prefix) :]
            break
    return {base, f"www.{base}", f"m.{base}"}


def valid_host(host: str) -> bool:
    return bool(_HOST.match(host))


@dataclass(frozen=True)
class Rules:
    """What a platform's addresses look like."""

    key: str
    name: str
    hosts: tuple[str, ...]
    product_paths: tuple[str, ...]
    shop_paths: tuple[str, ...] = ()
    short_link_hosts: tuple[str, ...] = ()
    keep_params: tuple[str, ...] = ()
    _patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict, compare=False, repr=False)

    def patterns(self, kind: Kind) -> tuple[re.Pattern[str], ...]:
        if kind not in self._patterns:
            shapes = self.product_paths if kind == "product" else self.shop_paths
            self._patterns[kind] = tuple(compile_shape(s) for s in shapes)
        return self._patterns[kind]

    def canonical_host(self, host: str) -> str | None:
        """The registered host that ``host`` is (or a www./m. variant of), else None."""
        for registered in self.hosts:
            if host == registered or host in host_variants(registered):
                return registered
        return None

    def is_short_link(self, host: str) -> bool:
        return any(host == h or host in host_variants(h) for h in self.short_link_hosts)

    def owns(self, host: str) -> bool:
        return self.canonical_host(host) is not None or self.is_short_link(host)


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    kind: Literal["product", "shop", "short"]
    url: str
    item_key: str | None
    needs_resolution: bool


def _fail(field_name: str, message: Text, code: str, **details: object) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field_name, message, code, dict(details))])


def _split(raw: str, field_name: str) -> tuple[str, str, str, str]:
    """(scheme, host[:port], path, query) of an address typed by a person (``https://`` may be left out)."""
    text = (raw or "").strip()
    if not text:
        raise _fail(field_name, Text("Chưa nhập địa chỉ.", "The address is missing."), "required")
    if len(text) > MAX_URL:
        raise _fail(
            field_name, Text(f"Địa chỉ dài quá {MAX_URL} ký tự.", f"Longer than {MAX_URL} characters."), "too_long"
        )
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _fail(
            field_name, Text("Địa chỉ không đúng định dạng.", "The address is not well formed."), "malformed"
        ) from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or any(c.isspace() for c in text):
        raise _fail(field_name, Text("Địa chỉ không đúng định dạng.", "The address is not well formed."), "malformed")
    return parts.scheme.lower(), f"{host}:{port}" if port else host, parts.path or "/", parts.query


def _describe(rules: Rules, kind: Kind) -> str:
    shapes = rules.product_paths if kind == "product" else rules.shop_paths
    return " | ".join(f"https://{rules.hosts[0]}{s}" for s in shapes)


def parse_url(rules: Rules, raw: str, *, kind: Kind, field_name: str, others: Sequence[Rules] = ()) -> ParsedUrl:
    """Checks that ``raw`` is a product (or shop) address of this platform; raises naming ``field_name``."""
    scheme, host, path, query = _split(raw, field_name)
    if scheme != "https":
        raise _fail(
            field_name,
            Text("Địa chỉ phải bắt đầu bằng https://.", "The address must start with https://."),
            "not_https",
        )
    if rules.is_short_link(host):
        return ParsedUrl(kind="short", url=f"https://{host}{path}", item_key=None, needs_resolution=True)
    canonical_host = rules.canonical_host(host)
    if canonical_host is None:
        owner = next((o for o in others if o.key != rules.key and o.owns(host)), None)
        if owner is not None:
            raise _fail(
                field_name,
                Text(
                    f"Đây là địa chỉ trên {owner.name}, không phải {rules.name}.",
                    f"This is an address on {owner.name}, not {rules.name}.",
                ),
                "wrong_platform",
                platform=owner.key,
            )
        raise _fail(
            field_name,
            Text(
                f"Địa chỉ không thuộc {rules.name} ({', '.join(rules.hosts)}).",
                f"The address is not on {rules.name} ({', '.join(rules.hosts)}).",
            ),
            "wrong_host",
        )
    other_kind: Kind = "shop" if kind == "product" else "product"
    # Shop shapes are loose (Shopee's "/<name>"): a product page is never taken for a shop.
    is_product_page = kind == "shop" and any(p.match(path) for p in rules.patterns("product"))
    for pattern in () if is_product_page else rules.patterns(kind):
        match = pattern.match(path)
        if match:
            groups = match.groupdict()
            item_key = None
            if kind == "product":
                item_key = f"{groups['shop']}.{groups['item']}" if groups.get("shop") else groups.get("item")
            kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k in rules.keep_params]
            clean_path = path if path == "/" else path.rstrip("/")
            url = f"https://{canonical_host}{clean_path}" + (f"?{urlencode(kept)}" if kept else "")
            return ParsedUrl(kind=kind, url=url, item_key=item_key, needs_resolution=False)
    if any(p.match(path) for p in rules.patterns(other_kind)):
        message = (
            Text("Đây là trang gian hàng, không phải trang sản phẩm.", "This is a shop page, not a product page.")
            if kind == "product"
            else Text("Đây là trang sản phẩm, không phải trang gian hàng.", "This is a product page, not a shop page.")
        )
        raise _fail(field_name, message, f"not_a_{kind}")
    if kind == "product":
        message = Text(
            f"Không tìm thấy mã sản phẩm trong địa chỉ. Địa chỉ sản phẩm {rules.name} có dạng: "
            f"{_describe(rules, kind)}",
            f"No item id found in the address. {rules.name} product addresses look like: {_describe(rules, kind)}",
        )
        raise _fail(field_name, message, "no_item_id")
    raise _fail(
        field_name,
        Text(
            f"Không nhận ra trang gian hàng {rules.name}. Dạng: {_describe(rules, kind)}",
            f"Not a {rules.name} shop page. Shapes: {_describe(rules, kind)}",
        ),
        "not_a_shop",
    )


def platform_of(rules: Sequence[Rules], raw: str) -> Rules | None:
    """The platform whose host (or short-link host) the address is on, if any."""
    try:
        _, host, _, _ = _split(raw, "url")
    except ValidationFailed:
        return None
    return next((r for r in rules if r.owns(host)), None)
