"""Stock cards: the balance is the sum of the movements, never negative, and a refused movement
writes nothing; 调拨 is a pair of movements in one transaction."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commandcentre.accounts import Permission
from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.rosters import StockService
from commandcentre.storage.verify import verify_store
from tests.core import roster_support as _support
from tests.core.roster_support import ADMIN, OPERATOR

# Fixtures shared by the roster tests (roster_schema is autouse: see roster_support).
roster_schema = _support.roster_schema
rstore = _support.rstore


def _warehouses(store, suffix: str = "") -> tuple[str, str]:
    with store.write(ADMIN, Permission.REGISTER_WRITE) as w:
        a = w.insert("warehouse", {"name": "县库" + suffix, "level": "县", "reserve_type": "实物"})
        b = w.insert("warehouse", {"name": "乡库" + suffix, "level": "乡镇",
                                   "reserve_type": "实物"})
    return a, b


quantities = st.one_of(st.integers(1, 60).map(float), st.integers(1, 120).map(lambda n: n / 2))
operations = st.lists(st.tuples(st.sampled_from(["入库", "出库", "报损", "调拨"]),
                                st.integers(0, 1), quantities), max_size=25)

_RUN = {"n": 0}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_balance_is_always_the_sum_of_the_card_and_never_negative(rstore, ops):
    _RUN["n"] += 1
    stock = StockService(rstore)
    a, b = _warehouses(rstore, str(_RUN["n"]))
    first = stock.add_item(ADMIN, a, {"item": "帐篷", "unit": "顶"})
    second = stock.add_item(ADMIN, a, {"item": "棉被", "unit": "床"})
    items = [first, second]
    model = {first: 0.0, second: 0.0}
    for kind, which, q in ops:
        item = items[which]
        before = (rstore.scalar("SELECT count(*) FROM audit_log"),
                  rstore.scalar("SELECT count(*) FROM stock_movement"))
        if model[item] - (0 if kind == "入库" else q) < -1e-9:
            with pytest.raises(ValidationError, match="库存不足"):
                if kind == "调拨":
                    stock.transfer(ADMIN, item, b, q)
                else:
                    stock.move(ADMIN, item, kind, q)
            assert (rstore.scalar("SELECT count(*) FROM audit_log"),
                    rstore.scalar("SELECT count(*) FROM stock_movement")) == before
            continue
        if kind == "调拨":
            ids = stock.transfer(ADMIN, item, b, q)
            model[item] -= q
            model[ids["to_item_id"]] = model.get(ids["to_item_id"], 0.0) + q
            out, into = (rstore.get("stock_movement", ids[k]) for k in ("out_movement_id",
                                                                        "in_movement_id"))
            assert (out["kind"], out["quantity"], into["kind"], into["quantity"]) == (
                "调拨", -q, "调拨", q)
        else:
            stock.move(ADMIN, item, kind, q)
            model[item] += q if kind == "入库" else -q
    for item, expected in model.items():
        card = stock.card(item)
        assert stock.balance(item) == pytest.approx(expected)
        assert stock.balance(item) == pytest.approx(sum(m["quantity"] for m in card))
        assert all(m["balance"] >= -1e-9 for m in card)
    assert sum(model.values()) == pytest.approx(sum(stock.balance(i) for i in model))


def test_transfer_finds_or_makes_the_matching_line_and_verifies(rstore):
    stock = StockService(rstore)
    a, b = _warehouses(rstore)
    tent = stock.add_item(ADMIN, a, {"item": "帐篷", "spec": "12㎡", "unit": "顶",
                                     "batch": "2025-01"}, opening=100)
    one = stock.transfer(ADMIN, tent, b, 30)
    two = stock.transfer(ADMIN, tent, b, 10, note="支援乡镇")
    assert one["to_item_id"] == two["to_item_id"]
    target = stock.item(one["to_item_id"])
    assert (target["warehouse"], target["spec"], target["batch"], target["balance"]) == (
        "乡库", "12㎡", "2025-01", 40)
    assert stock.balance(tent) == 60
    assert [m["note"] for m in stock.card(tent)] == ["期初库存", "调拨：县库 → 乡库", "支援乡镇"]
    assert rstore.scalar("SELECT count(*) FROM stock_transfer") == 2
    assert verify_store(rstore.path).ok


def test_bad_movements_are_refused(rstore):
    stock = StockService(rstore)
    a, _ = _warehouses(rstore)
    tent = stock.add_item(ADMIN, a, {"item": "帐篷", "unit": "顶"}, opening=5)
    for kind, q, message in (("入库", 0, "大于零"), ("入库", -3, "大于零"),
                             ("入库", float("nan"), "数字"), ("调拨", 1, "调拨请用调拨功能"),
                             ("出库", 6, "库存不足：现有 5顶，需要 6顶")):
        with pytest.raises(ValidationError, match=message):
            stock.move(ADMIN, tent, kind, q)
    with pytest.raises(ValidationError, match="同一个仓库"):
        stock.transfer(ADMIN, tent, a, 1)
    with pytest.raises(PermissionDenied):
        stock.move(OPERATOR, tent, "出库", 1)
    assert stock.balance(tent) == 5


def test_alerts_below_minimum_and_expiring(rstore):
    from datetime import date

    stock = StockService(rstore)
    a, _ = _warehouses(rstore)
    water = stock.add_item(ADMIN, a, {"item": "饮用水", "unit": "箱", "min_quantity": 50,
                                      "expiry": date(2026, 4, 10)}, opening=40)
    stock.add_item(ADMIN, a, {"item": "空药箱", "unit": "个", "expiry": date(2026, 3, 1)})
    assert [r["id"] for r in stock.below_minimum()] == [water]
    soon = stock.expiring(30, date(2026, 3, 20))
    assert [(r["item"], r["days_left"]) for r in soon] == [("饮用水", 21)]  # empty lines skip
    assert stock.expiring(10, date(2026, 3, 20)) == []
