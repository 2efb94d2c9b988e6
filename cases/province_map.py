"""A tile-grid map of China's provincial units: one square per unit, roughly where it lies."""

# (column, row) of each unit on an 8 × 8 grid; short names, as on most tile maps.
TILES = {
    "黑龙江": (7, 0),
    "内蒙古": (4, 1),
    "北京": (5, 1),
    "吉林": (7, 1),
    "新疆": (0, 2),
    "宁夏": (3, 2),
    "山西": (4, 2),
    "河北": (5, 2),
    "天津": (6, 2),
    "辽宁": (7, 2),
    "青海": (1, 3),
    "甘肃": (2, 3),
    "陕西": (3, 3),
    "河南": (4, 3),
    "山东": (5, 3),
    "西藏": (0, 4),
    "四川": (2, 4),
    "重庆": (3, 4),
    "湖北": (4, 4),
    "安徽": (5, 4),
    "江苏": (6, 4),
    "上海": (7, 4),
    "贵州": (3, 5),
    "湖南": (4, 5),
    "江西": (5, 5),
    "浙江": (6, 5),
    "云南": (2, 6),
    "广西": (3, 6),
    "广东": (4, 6),
    "福建": (5, 6),
    "台湾": (6, 6),
    "海南": (3, 7),
    "香港": (4, 7),
    "澳门": (5, 7),
}
# Eight 44-unit tiles fill a 375 px phone screen edge to edge: every tile stays a 44 px target.
TILE, GAP = 44, 2


def province_tiles(provinces):
    """Tiles for the map; `provinces` have a name, a case_count and the query string of their link.

    A region matches a tile when its name starts with the tile's short name (山东省 → 山东,
    广西壮族自治区 → 广西)."""
    by_short = {}
    for region in provinces:
        short = next((name for name in TILES if region.name.startswith(name)), None)
        if short:
            by_short[short] = region
    most = max((region.case_count for region in by_short.values()), default=0)
    tiles = []
    for short, (column, row) in TILES.items():
        region = by_short.get(short)
        count = region.case_count if region else 0
        tiles.append(
            {
                "name": short,
                "count": count,
                "query": region.query if region else None,
                "x": column * (TILE + GAP),
                "y": row * (TILE + GAP),
                # Shade 0–3: none, few, some, most.
                "shade": 0 if not count else 1 + round(2 * (count - 1) / max(most - 1, 1)),
            }
        )
    return tiles


MAP_WIDTH = 8 * (TILE + GAP) - GAP
MAP_HEIGHT = 8 * (TILE + GAP) - GAP
