"""The core stays Qt-free: checked by import-linter and by importing every core module in a
fresh interpreter with Qt made unimportable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def test_import_linter_contract():
    exe = shutil.which("lint-imports", path=os.path.dirname(sys.executable)) or shutil.which(
        "lint-imports")
    assert exe, "import-linter is part of the test extras"
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_core_module_imports_with_qt_blocked():
    code = textwrap.dedent("""
        import importlib, pkgutil, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                root = name.split(".")[0]
                if root in ("PySide6", "shiboken6", "pyqtgraph", "qasync", "ui", "plugins"):
                    raise ImportError("blocked in the core: " + name)
                return None

        sys.meta_path.insert(0, Block())
        import commandcentre
        names = [m.name for m in pkgutil.walk_packages(commandcentre.__path__, "commandcentre.")]
        for name in names:
            importlib.import_module(name)
        print(len(names))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                             "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 20


def test_cli_commands_run_without_qt(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from commandcentre.cli.main import main
        code = main(["demo", "--db", {str(tmp_path / 'd.db')!r}])
        assert code == 0, code
        assert not any(m.split(".")[0] in ("PySide6", "shiboken6") for m in sys.modules)
    """)
    env = {**os.environ, "COMMANDCENTRE_LOG_DIR": str(tmp_path)}
    env.pop("DISPLAY", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr
