"""The PySide6 desktop interface. Imports the core; nothing imports ``ui`` but its entry point."""

import os

# qasync picks the first Qt binding it finds; make sure it is ours.
os.environ.setdefault("QT_API", "pyside6")
