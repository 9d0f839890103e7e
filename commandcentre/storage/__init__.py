"""Storage: the one SQLite file, its migrations, the audit trail and its verification.

All other code reaches SQLite through :class:`Store`; keeping it behind this package is what
lets a shared server database serve a multi-seat duty room later (PRODUCT.md §6).
"""

from .store import APPLICATION_ID, Store, Writer, new_id, pack_version, unpack_version

__all__ = ["APPLICATION_ID", "Store", "Writer", "new_id", "pack_version", "unpack_version"]
