"""Services of the vendor domain."""

from vendors.services.markets import MarketService
from vendors.services.vendor_reads import VendorFilters
from vendors.services.vendors import VendorService

__all__ = ["MarketService", "VendorFilters", "VendorService"]
