"""Spreadsheet imports of the vendor domain: vendors (with payment accounts) and markets."""

from vendors.imports.market_rows import MarketImport
from vendors.imports.vendor_rows import VendorImport

__all__ = ["MarketImport", "VendorImport"]
