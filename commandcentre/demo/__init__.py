"""The demo county (演示县): a fictional county written for this product.

``build_demo(path)`` creates a new store holding the county in
``resources/demo/county.json``: townships and villages, departments with duty phones, accounts
for every role, a duty rota around today, teams with their members and radio ids, experts,
warehouses with stock, shelters, equipment, radio channels, two past incidents and one drill.
Everything is written through the audited writer, so ``verify`` passes on a fresh demo store.
"""

from .builder import DEMO_PASSWORD, build_demo, load_dataset

__all__ = ["DEMO_PASSWORD", "build_demo", "load_dataset"]
