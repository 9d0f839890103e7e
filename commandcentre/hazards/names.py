"""Chinese names of the first-party hazard ids, for records whose plugin is not loaded
(the plugin may be disabled, or not shipped yet): a record must still read as Chinese."""

FIRST_PARTY = {
    "forest_fire": "森林草原火灾", "production_safety": "生产安全事故", "flood": "防汛抗旱",
    "geological_hazard": "地质灾害", "earthquake": "地震", "meteorological": "气象灾害",
    "hazardous_chemicals": "危险化学品", "urban_fire": "城市火灾", "road_traffic": "道路交通",
}


def hazard_name(registry, hazard_id: str) -> str:
    """The hazard's Chinese name: from its plugin if loaded, else the first-party table."""
    hazard = registry.find(hazard_id) if registry is not None else None
    if hazard is not None:
        return hazard.name_zh
    return FIRST_PARTY.get(hazard_id, hazard_id)
