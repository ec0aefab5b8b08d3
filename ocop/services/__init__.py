"""Services of the OCOP domain."""

from ocop.services.producers import ProducerService
from ocop.services.products import ProductFilters, ProductService

__all__ = ["ProducerService", "ProductFilters", "ProductService"]
