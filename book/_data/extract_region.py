#!/usr/bin/env python3
"""Cut the region of the book's map out of Natural Earth's country boundaries.

Run once, at development time, never during a book build:

    mkdir -p /tmp/mapwork && cd /tmp/mapwork
    npm init -y && npm install world-atlas@2.0.2
    python3 /path/to/book/_data/extract_region.py \\
        /tmp/mapwork/node_modules/world-atlas/countries-50m.json \\
        /path/to/book/_data/central-asia-50m.geojson

Input: the TopoJSON file ``countries-50m.json`` of the npm package world-atlas
2.0.2, which redistributes Natural Earth 4.1.0 "Admin 0 - Countries" at 1:50m.
Output: a GeoJSON FeatureCollection (RFC 7946) holding every country that reaches
into the clip box below, each cut to that box, with coordinates rounded to
0.01 degree (about a kilometre, far finer than the printed map can show).

Only the Python standard library is used. The TopoJSON is decoded here (delta-
and quantisation-decoding of the shared arcs), so topojson-client is not needed.
Neighbours share their arcs, so a border is drawn from the same points on both
sides and no gaps open between countries.

The clip box is larger than the map's window on every side, so the straight
edges that clipping creates lie outside the drawn area.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

# West, south, east, north, in degrees. The page shows a window inside this box.
CLIP_BOX = (31.0, 20.0, 93.0, 62.0)
DIGITS = 2

# Natural Earth names of the states that the course's fact base knows, mapped to the
# fact base's country ids (afcourse/facts/countries.yaml). The page uses these ids to
# colour countries from facts; tests/test_map_data.py checks each id exists.
AFCOURSE_IDS = {
    "Afghanistan": "afghanistan",
    "Armenia": "armenia",
    "Belarus": "belarus",
    "China": "china",
    "Egypt": "egypt",
    "India": "india",
    "Iran": "iran",
    "Iraq": "iraq",
    "Kazakhstan": "kazakhstan",
    "Kyrgyzstan": "kyrgyzstan",
    "Pakistan": "pakistan",
    "Qatar": "qatar",
    "Russia": "russia",
    "Sudan": "sudan",
    "Syria": "syria",
    "Tajikistan": "tajikistan",
    "Turkey": "turkey",
    "Turkmenistan": "turkmenistan",
    "Ukraine": "ukraine",
    "Uzbekistan": "uzbekistan",
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as lists of (lon, lat), undoing delta encoding and quantisation."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs) -> list[tuple[float, float]]:
    """Join a ring's arcs (a negative index means the arc reversed); the joints are shared."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip_ring(points, box):
    """Sutherland-Hodgman clipping of one ring to an axis-aligned box; returns an open ring."""
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda p, q: _at_x(p, q, west)),
        (lambda p: p[0] <= east, lambda p, q: _at_x(p, q, east)),
        (lambda p: p[1] >= south, lambda p, q: _at_y(p, q, south)),
        (lambda p: p[1] <= north, lambda p, q: _at_y(p, q, north)),
    )
    out = list(points[:-1] if points and points[0] == points[-1] else points)
    for inside, cross in edges:
        if not out:
            break
        source, out = out, []
        previous = source[-1]
        for current in source:
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
            previous = current
    return out


def _at_x(p, q, x):
    t = (x - p[0]) / (q[0] - p[0])
    return (x, p[1] + t * (q[1] - p[1]))


def _at_y(p, q, y):
    t = (y - p[1]) / (q[1] - p[1])
    return (p[0] + t * (q[0] - p[0]), y)


def signed_area(ring) -> float:
    """Shoelace area in square degrees; positive for a counter-clockwise ring."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def finish_ring(points, exterior: bool):
    """Round, drop repeated points, close, and orient as RFC 7946 asks (exterior CCW, holes CW)."""
    ring = []
    for x, y in points:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not ring or p != ring[-1]:
            ring.append(p)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        return None
    ring.append(list(ring[0]))
    area = signed_area(ring)
    if abs(area) < 1e-4:
        return None
    if (area > 0) != exterior:
        ring.reverse()
    return ring


def extract(topology: dict, box=CLIP_BOX) -> dict:
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if kind == "MultiPolygon" else [geometry["arcs"]]
        kept = []
        for polygon in polygons:
            rings = [clip_ring(ring_points(ring, arcs), box) for ring in polygon]
            exterior = finish_ring(rings[0], exterior=True) if rings[0] else None
            if exterior is None:
                continue
            holes = [h for h in (finish_ring(r, exterior=False) for r in rings[1:] if r) if h]
            kept.append([exterior, *holes])
        if not kept:
            continue
        name = geometry["properties"]["name"]
        features.append({
            "type": "Feature",
            "properties": {
                "name": name,
                "iso_n3": geometry.get("id"),
                "afcourse_id": AFCOURSE_IDS.get(name),
            },
            "geometry": {"type": "MultiPolygon", "coordinates": kept},
        })
    features.sort(key=lambda f: f["properties"]["name"])
    return {
        "type": "FeatureCollection",
        "bbox": list(box),
        "source": {
            "data": "Natural Earth 1:50m Admin 0 - Countries, version 4.1.0 (public domain)",
            "via": "npm package world-atlas 2.0.2, file countries-50m.json",
            "made_by": "book/_data/extract_region.py",
            "clip_box": list(box),
            "coordinate_digits": DIGITS,
        },
        "features": features,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    raw = source.read_bytes()
    collection = extract(json.loads(raw))
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n"
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    print(f"input sha256 {hashlib.sha256(raw).hexdigest()}")
    print(f"wrote {target}: {len(collection['features'])} countries, {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
