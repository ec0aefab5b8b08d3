"""Spreadsheet imports of the OCOP domain: producers, products with their certification, onboardings."""

from ocop.imports.producer_rows import ProducerImport

__all__ = ["ProducerImport"]
