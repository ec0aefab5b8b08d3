"""Services of the vendor domain."""

from vendors.services.markets import MarketService
from vendors.services.vendors import VendorFilters, VendorService

__all__ = ["MarketService", "VendorFilters", "VendorService"]
