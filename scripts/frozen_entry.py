"""Entry script for the frozen (PyInstaller) build; see build.spec."""

from ui.entry import run

if __name__ == "__main__":
    run()
