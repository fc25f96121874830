"""The map page's boundary data and colouring: valid GeoJSON, the right countries, colours from the facts."""

import importlib.util
import json
import os
from pathlib import Path

import pytest

from conftest import ROOT

BOOK = ROOT / "book"
DATA = BOOK / "_data"
GEOJSON = DATA / "central-asia-50m.geojson"
PAGE = BOOK / "map.md"

EXPECTED = {"afghanistan", "pakistan", "iran", "turkmenistan", "uzbekistan", "tajikistan", "kyrgyzstan",
            "kazakhstan", "china", "india", "russia"}


@pytest.fixture(scope="module")
def region():
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def facts():
    import afcourse

    return afcourse.load_facts()


def _rings(feature):
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            yield index, ring


def _signed_area(ring):
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def test_file_is_small_and_says_where_it_comes_from(region):
    assert GEOJSON.stat().st_size < 300_000
    assert region["type"] == "FeatureCollection"
    source = json.dumps(region["source"])
    assert "Natural Earth" in source and "4.1.0" in source and "world-atlas 2.0.2" in source
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for needed in ("Natural Earth", "4.1.0", "world-atlas", "2.0.2", "public domain", "extract_region.py"):
        assert needed in readme


def test_every_polygon_is_valid(region):
    west, south, east, north = region["bbox"]
    assert -180 <= west < east <= 180 and -90 <= south < north <= 90
    for feature in region["features"]:
        name = feature["properties"]["name"]
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon"), name
        rings = list(_rings(feature))
        assert rings, name
        for index, ring in rings:
            assert len(ring) >= 4, name
            assert ring[0] == ring[-1], f"{name}: ring not closed"
            for point in ring:
                assert len(point) == 2, name
                lon, lat = point
                assert -180 <= lon <= 180 and -90 <= lat <= 90, f"{name}: {point}"
                assert west <= lon <= east and south <= lat <= north, f"{name}: {point} outside the bbox"
            area = _signed_area(ring)
            assert area != 0, name
            # RFC 7946: exterior rings counter-clockwise, holes clockwise
            assert (area > 0) == (index == 0), f"{name}: ring {index} wound the wrong way"


def test_expected_countries_are_present_and_known_to_the_facts(region, facts):
    ids = {f["properties"]["afcourse_id"] for f in region["features"]} - {None}
    assert EXPECTED <= ids
    assert ids <= set(facts.countries), ids - set(facts.countries)
    names = [f["properties"]["name"] for f in region["features"]]
    assert len(names) == len(set(names))


def test_no_fact_base_country_is_left_without_its_id(region, facts):
    by_name = {}
    for country in facts.countries.values():
        for name in (country.name, *country.aliases):
            by_name[name.lower()] = country.id
    for feature in region["features"]:
        props = feature["properties"]
        known = by_name.get(props["name"].lower())
        if known:
            assert props["afcourse_id"] == known, props


def _figures():
    spec = importlib.util.spec_from_file_location("chapterfigures", BOOK / "_ext" / "chapterfigures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def page(facts):
    """What the book's maps colour and mark (book/_ext/chapterfigures.py, used by map.md and chapters 1-2)."""
    figures = _figures()
    layers = figures.map_layers(facts, json.loads(GEOJSON.read_text(encoding="utf-8")))
    return {**layers, "PLACES": figures.PLACES, "windows": [(36.8, 90.0, 23.5, 58.5), figures.AFGHAN_WINDOW]}


def test_page_uses_the_shared_map(page):
    text = PAGE.read_text(encoding="utf-8")
    assert "chapterfigures.region_map(" in text
    for chapter in ("01-history.md", "02-interests.md"):
        assert "chapterfigures.region_map(" in (BOOK / "chapters" / chapter).read_text(encoding="utf-8"), chapter


def test_page_colours_exactly_the_csto_members_as_allies(page, facts):
    members = set(facts.facts["csto"].members)
    fill = page["fill_of"]
    coloured_csto = {key for key, cls in fill.items() if cls == "csto"}
    assert coloured_csto, "no country coloured as a CSTO member"
    assert coloured_csto <= members, coloured_csto - members
    shown = {key for key in fill if key in facts.countries}
    assert members & shown - {"russia"} == coloured_csto
    assert fill["russia"] == "russia" and fill["afghanistan"] == "afghanistan"
    assert {"kazakhstan", "kyrgyzstan", "tajikistan"} <= coloured_csto


def test_page_marks_only_places_the_sources_name(page, facts, seeds_dir):
    seeds = " ".join(p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt"))
    chapters = {p.stem.split("-", 1)[1]: p.read_text(encoding="utf-8") for p in (BOOK / "chapters").glob("0*.md")}
    for place, (lon, lat, _, named_in) in page["PLACES"].items():
        assert place in seeds, f"{place} is not named in the sources"
        for chapter in named_in:
            assert place in chapters[chapter], f"{place} is not named in chapter {chapter}"
        west, east, south, north = page["windows"][0]
        assert west < lon < east and south < lat < north, place
    # the hatched countries are those Aliyev names as hosts of Russian military bases
    tools = facts.facts["aliyev-russian-tools-of-influence"].statement
    for country in page["bases"]:
        assert facts.countries[country].name in tools
    assert page["northern_border"], "Afghanistan's border with Central Asia was not found"


def test_page_window_lies_inside_the_data(page, region):
    west, south, east, north = region["bbox"]
    for w, e, s, n in page["windows"]:
        assert west < w < e < east
        assert south < s < n < north


def test_extraction_is_reproducible(region):
    """With the world-atlas file at hand (WORLD_ATLAS_50M), the shipped file is regenerated byte for byte."""
    source = os.environ.get("WORLD_ATLAS_50M")
    if not source or not Path(source).is_file():
        pytest.skip("set WORLD_ATLAS_50M to world-atlas 2.0.2's countries-50m.json to check")
    spec = importlib.util.spec_from_file_location("extract_region", DATA / "extract_region.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    collection = module.extract(json.loads(Path(source).read_text(encoding="utf-8")))
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert text == GEOJSON.read_text(encoding="utf-8")


def test_clipping_keeps_rings_closed_and_inside_the_box():
    spec = importlib.util.spec_from_file_location("extract_region", DATA / "extract_region.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    square = [(0, 0), (0, 10), (10, 10), (10, 0), (0, 0)]  # clockwise, as Natural Earth winds them
    clipped = module.clip_ring(square, (2, -5, 20, 5))
    ring = module.finish_ring(clipped, exterior=True)
    assert ring[0] == ring[-1]
    assert all(2 <= x <= 10 and 0 <= y <= 5 for x, y in ring)
    assert module.signed_area(ring) == pytest.approx(40)
    assert module.clip_ring(square, (20, 20, 30, 30)) == []
