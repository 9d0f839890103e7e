"""Deterministic rank-and-file for the demo county's teams.

The dataset names each team's leader; the other members are made here from the team's
headcount with a random generator seeded by the team's name, so every build of the demo county
is identical. Radio ids follow the leader's PDT numbering block.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

# Common surnames, weighted roughly the way a county roster reads.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
            "薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥"
         "才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会"
         "思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌"
         "梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘秀娟英华"
         "慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月")


def person_name(rng: random.Random) -> str:
    """A plausible two- or three-character Chinese name."""
    given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


class NumberBook:
    """Hands out unique phone numbers, PDT ids and BeiDou card numbers."""

    def __init__(self, taken_pdt: set[str] | None = None):
        self._phone = 0
        self._card = 0
        self.pdt: set[str] = set(taken_pdt or ())

    def phone(self) -> str:
        # 158-0875-xxxx: one fictional block for all generated people.
        self._phone += 1
        return f"1580875{self._phone:04d}"

    def card(self) -> str:
        # BeiDou RDSS user addresses are up to seven digits.
        self._card += 1
        return f"04{2000 + self._card:05d}"

    def pdt_after(self, leader_pdt: str) -> Iterator[str]:
        """PDT ids in the leader's block: same prefix, rising last three digits."""
        prefix, start = leader_pdt[:-3], int(leader_pdt[-3:])
        n = start
        while True:
            n += 1
            candidate = f"{prefix}{n % 1000:03d}" if n < 1000 else f"{prefix[:-1]}9{n % 1000:03d}"
            if candidate not in self.pdt:
                self.pdt.add(candidate)
                yield candidate


def team_members(team: dict, book: NumberBook) -> list[dict]:
    """Members for ``team`` (leader first), ``headcount`` in all."""
    rng = random.Random(team["name"])
    leader = team["leader"]
    members = [{"name": leader["name"], "role": "队长", "phone": leader["phone"],
                "pdt_id": leader["pdt_id"], "beidou_card": book.card(), "party": 1,
                "militia": 0}]
    pdt = book.pdt_after(leader["pdt_id"])
    used = {leader["name"]}
    squads = max(1, team["headcount"] // 10)
    radio_share = 1.0 if team["level"] in ("县", "企业") else 0.4
    for i in range(1, team["headcount"]):
        name = person_name(rng)
        while name in used:
            name = person_name(rng)
        used.add(name)
        role = "副队长" if i == 1 else ("班长" if i <= 1 + squads else "队员")
        has_radio = role != "队员" or rng.random() < radio_share
        members.append({
            "name": name, "role": role, "phone": book.phone(),
            "pdt_id": next(pdt) if has_radio else None,
            "beidou_card": book.card() if role in ("副队长", "班长") else None,
            "party": 1 if rng.random() < 0.3 else 0,
            "militia": 1 if team["category"] == "军警" or rng.random() < 0.1 else 0,
        })
    return members
