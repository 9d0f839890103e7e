"""Drafts survive and stay whole."""

from __future__ import annotations

from commandcentre.duty.drafts import DraftStore


def test_save_load_clear(tmp_path):
    drafts = DraftStore(tmp_path / "cc.db")
    assert drafts.load("op") is None
    drafts.save("op", {"content": "正在记录的电话内容", "channel": "电话"})
    assert drafts.load("op") == {"content": "正在记录的电话内容", "channel": "电话"}
    assert (tmp_path / "cc.db.drafts").is_dir()
    drafts.save("op", {"content": "改了"})
    assert drafts.load("op") == {"content": "改了"}
    drafts.clear("op")
    assert drafts.load("op") is None
    drafts.clear("op")  # clearing twice is harmless


def test_users_do_not_share_drafts_and_names_are_made_safe(tmp_path):
    drafts = DraftStore(tmp_path / "cc.db")
    drafts.save("op", {"content": "a"})
    drafts.save("../evil", {"content": "b"})
    assert drafts.load("op") == {"content": "a"}
    assert drafts.load("../evil") == {"content": "b"}
    assert all(p.parent == drafts.folder for p in drafts.folder.iterdir())


def test_damaged_draft_is_set_aside(tmp_path):
    drafts = DraftStore(tmp_path / "cc.db")
    drafts.save("op", {"content": "a"})
    path = next(drafts.folder.glob("op.*.json"))
    path.write_text("{half a draft", encoding="utf-8")
    assert drafts.load("op") is None
    assert list(drafts.folder.glob("*.bad"))
