"""Unit tests of listing and shop addresses: hosts, item ids, tracking parameters, short links."""

from __future__ import annotations

import pytest

from tracker.lib.exceptions import FieldProblem, ValidationFailed
from tracker.onboarding.checker import is_home_or_search
from tracker.onboarding.platforms import shipped
from tracker.onboarding.urls import ParsedUrl, Rules, ShapeError, compile_shape, parse_url, platform_of

RULES = {
    row["key"]: Rules(
        key=row["key"],
        name=row["name"],
        hosts=tuple(row["hosts"]),
        product_paths=tuple(row["product_paths"]),
        shop_paths=tuple(row["shop_paths"]),
        short_link_hosts=tuple(row["short_link_hosts"]),
        keep_params=tuple(row["keep_params"]),
    )
    for row in shipped()
}
ALL = list(RULES.values())


def product(key: str, url: str) -> ParsedUrl:
    return parse_url(RULES[key], url, kind="product", field_name="listing_url", others=ALL)


def problem(key: str, url: str, kind: str = "product") -> FieldProblem:
    with pytest.raises(ValidationFailed) as caught:
        parse_url(RULES[key], url, kind=kind, field_name=f"{kind}_url", others=ALL)  # type: ignore[arg-type]
    (found,) = caught.value.problems
    return found


def test_shipped_platforms() -> None:
    assert set(RULES) == {"shopee", "lazada", "tiki", "sendo", "tiktok_shop", "postmart", "voso"}


def test_shopee_item_id_is_the_same_in_both_shapes() -> None:
    a = product("shopee", "https://shopee.vn/Nuoc-mam-Cua-Dai-i.123456.7890123?sp_atk=abc&xptdk=def&utm_source=zalo")
    b = product("shopee", "https://m.shopee.vn/product/123456/7890123/")
    assert a.item_key == b.item_key == "123456.7890123"
    assert a.url == "https://shopee.vn/Nuoc-mam-Cua-Dai-i.123456.7890123"  # tracking parameters stripped
    assert b.url == "https://shopee.vn/product/123456/7890123"
    assert not a.needs_resolution


def test_www_variants_and_missing_scheme() -> None:
    assert product("shopee", "www.shopee.vn/x-i.1.2#reviews").url == "https://shopee.vn/x-i.1.2"
    assert product("lazada", "https://lazada.vn/products/banh-trang-i2290114477-s1234.html?spm=a2o4n").item_key == (
        "2290114477"
    )
    assert (
        product("lazada", "https://m.lazada.vn/products/banh-trang-i2290114477.html").url
        == "https://www.lazada.vn/products/banh-trang-i2290114477.html"
    )


def test_other_platform_shapes() -> None:
    tiki = product("tiki", "https://tiki.vn/nuoc-mam-p271845903.html?spid=271845904&utm_medium=x")
    assert (tiki.item_key, tiki.url) == ("271845903", "https://tiki.vn/nuoc-mam-p271845903.html?spid=271845904")
    assert product("voso", "https://voso.vn/banh-trang-p551203.html").item_key == "551203"
    assert product("postmart", "https://postmart.vn/p/khan-lua-80231.html").item_key == "80231"
    assert product("sendo", "https://www.sendo.vn/banh-trang-me-12345678.html").item_key == "12345678"
    assert product("sendo", "https://sendo.vn/shop/ba-tu/banh-trang-me-12345678.html").item_key == "12345678"
    assert product("tiktok_shop", "https://shop.tiktok.com/view/product/1729384756?region=VN&u=1").url == (
        "https://shop.tiktok.com/view/product/1729384756?region=VN"
    )


def test_short_links_need_resolution() -> None:
    parsed = product("shopee", "https://s.shopee.vn/AbCdEf123?share=1")
    assert parsed.kind == "short"
    assert parsed.needs_resolution
    assert parsed.item_key is None
    assert parsed.url == "https://s.shopee.vn/AbCdEf123"
    assert product("tiktok_shop", "https://vt.tiktok.com/ZSabc/").needs_resolution


def test_a_tiki_address_is_not_a_shopee_listing() -> None:
    found = problem("shopee", "https://tiki.vn/nuoc-mam-p271845903.html")
    assert (found.field, found.code, found.details["platform"]) == ("product_url", "wrong_platform", "tiki")
    assert "Tiki" in found.message.vi
    assert "Shopee" in found.message.en


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://shopee.vn/x-i.1.2", "not_https"),
        ("https://shopee.vn.evil.example/x-i.1.2", "wrong_host"),
        ("https://evilshopee.vn/x-i.1.2", "wrong_host"),
        ("https://shopee.vn/shop/123456", "not_a_product"),
        ("https://shopee.vn/search?keyword=nuoc+mam", "not_a_product"),
        ("https://shopee.vn/", "no_item_id"),
        ("https://user:pw@shopee.vn/x-i.1.2", "malformed"),
        ("https://shopee.vn:99999/x-i.1.2", "malformed"),
        ("", "required"),
    ],
)
def test_bad_listing_addresses(url: str, code: str) -> None:
    assert problem("shopee", url).code == code


def test_shop_addresses() -> None:
    shop = parse_url(RULES["shopee"], "https://shopee.vn/luamachau?utm_source=fb", kind="shop", field_name="shop_url")
    assert (shop.kind, shop.url, shop.item_key) == ("shop", "https://shopee.vn/luamachau", None)
    assert problem("shopee", "https://shopee.vn/x-i.1.2", kind="shop").code == "not_a_shop"
    assert problem("voso", "https://voso.vn/ba-tu", kind="shop").code == "not_a_shop"


def test_shapes() -> None:
    assert compile_shape("/p/<slug>-<itemid>.html").match("/p/a-b-c-42.html")["item"] == "42"  # type: ignore[index]
    for bad in ("p/<itemid>", "/<nope>", "/<itemid>/<itemid>"):
        with pytest.raises(ShapeError):
            compile_shape(bad)


def test_platform_of() -> None:
    found = platform_of(ALL, "https://vn.shp.ee/abc")
    assert found is not None
    assert found.key == "shopee"
    assert platform_of(ALL, "https://example.com/x") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://shopee.vn/", True),
        ("https://shopee.vn", True),
        ("https://shopee.vn/search?keyword=khan+lua", True),
        ("https://tiki.vn/search?q=nuoc+mam", True),
        ("https://www.lazada.vn/catalog/?q=banh", True),
        ("https://voso.vn/tim-kiem", True),
        ("https://shopee.vn/khan-lua-i.1.2", False),
        ("https://tiki.vn/nuoc-mam-p271845903.html?spid=1", False),
    ],
)
def test_home_and_search_pages(url: str, expected: bool) -> None:
    assert is_home_or_search(url) is expected
