"""Hours rules (学时计算) of the 证书管理办法 (第六至第九条), as data and small functions.

The engine, the declaration form, the Excel templates and the JSON endpoint all use these names.
"""

from .engine import categories_for, category_schema, compute
from .table import CATEGORIES
from .types import Basis, Category, Computation, Param, RuleError, Subject

__all__ = [
    "CATEGORIES",
    "Basis",
    "Category",
    "Computation",
    "Param",
    "RuleError",
    "Subject",
    "categories_for",
    "category_schema",
    "compute",
]
