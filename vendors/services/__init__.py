"""Services of the vendor domain."""

from vendors.services.markets import MarketService
from vendors.services.registration import TakenValues, VendorDraft, check_registration, new_vendor_values
from vendors.services.vendor_reads import VendorFilters
from vendors.services.vendors import VendorService

__all__ = [
    "MarketService",
    "TakenValues",
    "VendorDraft",
    "VendorFilters",
    "VendorService",
    "check_registration",
    "new_vendor_values",
]
