"""First-party hazard plugins, one folder each, using only the public plugin API
(``commandcentre.hazards``): a ``manifest.toml`` and a ``register(api)`` function. The loader
finds them by path; nothing imports this package directly.
"""
