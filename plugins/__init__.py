"""First-party hazard plugins, one folder each, using only the public plugin API.

The plugin API (manifest, ``register(api)``, the ``HazardApi`` facade) arrives with the
incidents issue; until then this package holds no plugins.
"""
