"""The first-party hazard pack as a whole: all nine plugins load through the public API with
their registers; a third-party plugin in the user folder loads, one asking for an API this
program lacks is refused with the reason; the pack survives losing any one folder."""

from __future__ import annotations

import json
import shutil

import pytest

from commandcentre.cli.main import main
from commandcentre.hazards import builtin_plugin_dir, load_hazards, load_plugins, user_plugin_dir
from commandcentre.hazards.names import FIRST_PARTY
from tests.core.test_plugin_registers import write_plugin

NINE = set(FIRST_PARTY)


def test_plugins_list_shows_all_nine_loaded_with_their_registers(capsys):
    assert main(["--json", "plugins", "list"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    hazards = {h for r in rows.values() if r["state"] == "loaded" for h in r["hazards"]}
    assert hazards == NINE
    assert rows["flood"]["registers"] == ["reservoirs", "river_sections", "waterlogging"]
    assert rows["geological"]["registers"] == ["points"]
    assert all(r["state"] == "loaded" and not r["reason"] for r in rows.values())


def test_third_party_plugins_in_the_user_folder(capsys):
    write_plugin(user_plugin_dir(), "county_extra")
    write_plugin(user_plugin_dir(), "too_new", api='["9.9"]')
    registry, report = load_hazards()
    states = {s.id: (s.state, s.reason) for s in report.plugins}
    assert states["county_extra"] == ("loaded", "") and registry.find("county_extra")
    state, reason = states["too_new"]
    assert state == "refused" and "9.9" in reason and "1.1" in reason
    assert registry.find("too_new") is None and NINE <= {h.id for h in registry.all()}


@pytest.mark.parametrize("gone", sorted(p.name for p in builtin_plugin_dir().iterdir()
                                        if (p / "manifest.toml").is_file()))
def test_losing_one_folder_leaves_the_others(tmp_path, gone):
    """Each plugin folder may be deleted: the others load exactly as before."""
    _full, before = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)
    folder = tmp_path / "plugins"
    shutil.copytree(builtin_plugin_dir(), folder,
                    ignore=shutil.ignore_patterns("__pycache__", gone))
    registry, report = load_plugins(dirs=[folder], entry_points=False)
    after = {s.id: (s.state, s.hazards, s.registers) for s in report.plugins}
    gone_id = next(s.id for s in before.plugins if s.source.endswith(f"/{gone}"))
    assert after == {s.id: (s.state, s.hazards, s.registers) for s in before.plugins
                     if s.id != gone_id}
    assert all(state == "loaded" for state, _h, _r in after.values())
    assert len({h.id for h in registry.all()}) == len(NINE) - 1
