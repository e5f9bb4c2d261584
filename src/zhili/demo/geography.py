"""Where synthetic Beijing demands come from: real districts, streets and communities, weighted by
population, each community with a fixed set of sites (buildings) that recurring demands return to.

District weights are the resident populations of the Seventh National Census (2020), read from the
census figures the divisions package ships for ``zhili init`` (``divisions/data/beijing/population.csv``).
Inside a district, communities get a log-normal weight (some estates are much larger than others).
Division geometry ships only for districts, so streets get a random anchor inside their district's
polygon, communities one near their street, and sites one near their community: the points are
synthetic but always inside the right district, and the H3 cells of one community cluster together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import h3
import numpy as np
import shapely
from numpy.typing import NDArray

from zhili.divisions.models import DivisionLevel
from zhili.divisions.shipped import read_population, read_shipped

# A district the shipped census lacks weighs as much as a middling one.
FALLBACK_RESIDENTS = 500_000
# Core districts (城六区) have more property and noise demands, outer ones more rural ones.
CORE_DISTRICTS = frozenset({"110101", "110102", "110105", "110106", "110107", "110108"})
SITES_PER_COMMUNITY = 32
STREET_SPREAD_DEG = 0.03
COMMUNITY_SPREAD_DEG = 0.008
SITE_SPREAD_DEG = 0.002


@dataclass(frozen=True)
class Geography:
    district_codes: list[str]
    district_names: list[str]
    district_weight: NDArray[np.float64]  # share of population, sums to 1
    street_codes: list[str]
    street_names: list[str]
    street_district: NDArray[np.int32]  # index into district_codes
    community_codes: list[str]
    community_names: list[str]
    community_street: NDArray[np.int32]  # index into street_codes
    community_district: NDArray[np.int32]
    # Communities sorted by district; per district a cumulative weight range for vectorised sampling.
    community_cumweight: NDArray[np.float64]
    district_weight_start: NDArray[np.float64]
    district_weight_total: NDArray[np.float64]
    site_lat: NDArray[np.float64]  # [community * SITES_PER_COMMUNITY + site]
    site_lng: NDArray[np.float64]
    site_h3: NDArray[np.int64]

    def pick_communities(self, rng: np.random.Generator, districts: NDArray[np.int32]) -> NDArray[np.int64]:
        """One community per row, weighted inside the row's district."""
        u = rng.random(len(districts))
        target = self.district_weight_start[districts] + u * self.district_weight_total[districts]
        picked = np.searchsorted(self.community_cumweight, target, side="right")
        return np.minimum(picked, len(self.community_codes) - 1).astype(np.int64)


def _points_in(
    polygon: shapely.Geometry,
    centre: NDArray[np.float64],
    spread: float,
    rng: np.random.Generator,
    count: int,
) -> NDArray[np.float64]:
    """``count`` points near ``centre`` (lng, lat) and inside ``polygon``, by rejection."""
    points = np.empty((count, 2))
    filled = 0
    scale = spread
    for _ in range(200):
        candidates = centre + rng.normal(0, scale, size=(max(count * 2, 16), 2))
        inside = candidates[shapely.contains_xy(polygon, candidates[:, 0], candidates[:, 1])]
        take = min(len(inside), count - filled)
        points[filled : filled + take] = inside[:take]
        filled += take
        if filled == count:
            return points
        scale *= 0.7
    points[filled:] = centre  # pragma: no cover - only for degenerate polygons
    return points


@cache
def beijing(seed: int = 2025, h3_resolution: int = 10) -> Geography:
    city = read_shipped()
    rng = np.random.default_rng(seed)
    districts = [r for r in city.rows if r.level == DivisionLevel.district]
    district_index = {r.code: i for i, r in enumerate(districts)}
    streets = [r for r in city.rows if r.level == DivisionLevel.street and r.parent_code in district_index]
    street_index = {r.code: i for i, r in enumerate(streets)}
    communities = sorted(
        (r for r in city.rows if r.level == DivisionLevel.community and r.parent_code in street_index),
        key=lambda r: (district_index[str(r.parent_code)[:6]], r.code),
    )
    census = {row.code: row.residents for row in read_population()}
    population = np.array([census.get(r.code, FALLBACK_RESIDENTS) for r in districts], dtype=np.float64)
    street_district = np.array([district_index[str(r.parent_code)] for r in streets], dtype=np.int32)
    community_street = np.array([street_index[str(r.parent_code)] for r in communities], dtype=np.int32)
    community_district = street_district[community_street]

    weights = rng.lognormal(0.0, 0.6, size=len(communities))
    cumweight = np.cumsum(weights)
    starts = np.zeros(len(districts))
    totals = np.zeros(len(districts))
    for d in range(len(districts)):
        members = np.flatnonzero(community_district == d)
        starts[d] = cumweight[members[0]] - weights[members[0]]
        totals[d] = weights[members].sum()

    polygons = {
        code: shapely.from_geojson(json.dumps(json.loads(b.geometry_json)))
        for code, b in city.boundaries.items()
    }
    centres = {code: np.array([b.center_lng, b.center_lat]) for code, b in city.boundaries.items()}
    site_points = np.empty((len(communities) * SITES_PER_COMMUNITY, 2))
    for d, district in enumerate(districts):
        polygon = polygons[district.code]
        shapely.prepare(polygon)
        street_ids = np.flatnonzero(street_district == d)
        anchors = _points_in(polygon, centres[district.code], 0.12, rng, len(street_ids))
        for anchor, s in zip(anchors, street_ids, strict=True):
            members = np.flatnonzero(community_street == s)
            spots = _points_in(polygon, anchor, STREET_SPREAD_DEG, rng, len(members))
            for spot, c in zip(spots, members, strict=True):
                sites = _points_in(
                    polygon, spot, COMMUNITY_SPREAD_DEG / 4 + SITE_SPREAD_DEG, rng, SITES_PER_COMMUNITY
                )
                site_points[c * SITES_PER_COMMUNITY : (c + 1) * SITES_PER_COMMUNITY] = sites
    site_h3 = np.array(
        [h3.str_to_int(h3.latlng_to_cell(lat, lng, h3_resolution)) for lng, lat in site_points],
        dtype=np.int64,
    )
    return Geography(
        district_codes=[r.code for r in districts],
        district_names=[r.name for r in districts],
        district_weight=population / population.sum(),
        street_codes=[r.code for r in streets],
        street_names=[r.name for r in streets],
        street_district=street_district,
        community_codes=[r.code for r in communities],
        community_names=[r.name.removesuffix("居委会").removesuffix("村委会") for r in communities],
        community_street=community_street,
        community_district=community_district,
        community_cumweight=cumweight,
        district_weight_start=starts,
        district_weight_total=totals,
        site_lat=site_points[:, 1],
        site_lng=site_points[:, 0],
        site_h3=site_h3,
    )
