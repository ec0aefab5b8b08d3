"""Spreadsheet imports of the OCOP domain: producers, products with their certification, onboardings."""

from ocop.imports.onboarding_rows import OnboardingImport
from ocop.imports.producer_rows import ProducerImport
from ocop.imports.product_rows import ProductImport

__all__ = ["OnboardingImport", "ProducerImport", "ProductImport"]
