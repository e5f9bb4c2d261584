"""The synthetic Beijing year, generated in chunks of days with numpy: see ``zhili demo generate``.

Volume per day × district × category is the product of the district's population share, the
district's category mix, the category's season, the weekly cycle and public holidays (``profile``);
the day's count is drawn from a multinomial so that the year has exactly the requested number of
cases. On top, ``bursts`` plant short local surges (one street × one category, a few days) that are
recorded for the early-warning backtest. Each chunk is a ``Chunk`` of numpy columns; ``tables``
turns it into the store's Arrow table or into rows for ``zhili cases import``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from zhili.demo import profile
from zhili.demo.geography import SITES_PER_COMMUNITY, Geography, beijing
from zhili.demo.texts import MAX_KEYWORDS, PRAISE_TONE, TITLES, TONE_SHARE, TONES, vocabulary

CITY_UTC_OFFSET_US = 8 * 3600 * 1_000_000  # Asia/Shanghai has had no daylight saving since 1991
US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
BURST_CATEGORIES = ("120501", "120301", "120101", "020201", "010301", "020401", "020101", "1202", "030101")
CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class Burst:
    """A planted surge: extra cases of one category in one street over a few days."""

    street_code: str
    district_code: str
    category_code: str
    start: date
    end: date  # inclusive
    extra_cases: int

    def as_dict(self) -> dict[str, object]:
        return {
            "street_code": self.street_code,
            "district_code": self.district_code,
            "category_code": self.category_code,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "extra_cases": self.extra_cases,
        }


@dataclass
class Chunk:
    """Columns of generated cases (numpy arrays of one length)."""

    first_id: int
    day: NDArray[np.int32]  # days since 1970-01-01 (local date)
    received_us: NDArray[np.int64]  # UTC microseconds since the epoch
    hour: NDArray[np.int8]
    district: NDArray[np.int32]
    street: NDArray[np.int32]
    community: NDArray[np.int64]
    site: NDArray[np.int64]  # global site index
    category: NDArray[np.int32]
    keyword: NDArray[np.int64]  # index into vocabulary().keywords
    title: NDArray[np.int64]
    description: NDArray[np.int64]
    demand_type: NDArray[np.int8]
    channel: NDArray[np.int8]
    caller: NDArray[np.int64]
    lat: NDArray[np.float64]
    lng: NDArray[np.float64]
    steps: dict[str, NDArray[np.int64]] = field(default_factory=dict)  # step → UTC µs, -1 = not reached
    lead_unit_index: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    lead_unit_names: list[str] = field(default_factory=list)  # "" = answered by the hotline itself
    direct: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    overdue: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    solved: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # -1 unknown
    satisfaction: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    reopens: NDArray[np.int16] = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    returns: NDArray[np.int16] = field(default_factory=lambda: np.zeros(0, dtype=np.int16))

    def __len__(self) -> int:
        return len(self.day)


STEPS = ("dispatched", "signed", "contacted", "reported", "visited", "closed")


class YearGenerator:
    def __init__(self, cases: int, year: int, seed: int = 1, bursts: int | None = None) -> None:
        self.cases = cases
        self.year = year
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.geo: Geography = beijing()
        self.categories = profile.leaf_categories()
        self.days = profile.days_of(year)
        self.mix = profile.category_mix(self.geo.district_codes)  # [district, category]
        self.season = profile.seasonal(self.days)  # [day, category]
        self.day_factor = profile.day_factor(self.days)
        self.types = profile.type_shares()
        # [day, district, category] relative intensity, stored as per-day (district×category) rows.
        weight = self.geo.district_weight[:, None] * self.mix
        self.intensity = weight[None, :, :] * self.season[:, None, :] * self.day_factor[:, None, None]
        n_bursts = bursts if bursts is not None else max(4, min(40, round(cases / 50_000)))
        self.bursts = self._plan_bursts(n_bursts) if cases >= 10_000 else []
        extra = sum(b.extra_cases for b in self.bursts)
        base = max(cases - extra, 0)
        per_day = self.intensity.sum(axis=(1, 2))
        self.day_counts = self.rng.multinomial(base, per_day / per_day.sum())
        self.vocab = vocabulary()

    # -- bursts ---------------------------------------------------------------------------------------

    def _plan_bursts(self, count: int) -> list[Burst]:
        geo = self.geo
        cat_index = {c.code: i for i, c in enumerate(self.categories)}
        street_weight = np.zeros(len(geo.street_codes))
        np.add.at(street_weight, geo.community_street, np.diff(geo.community_cumweight, prepend=0.0))
        street_share = (
            street_weight
            / np.bincount(geo.community_district, weights=np.diff(geo.community_cumweight, prepend=0.0))[
                geo.street_district
            ]
        )
        total = self.intensity.sum()
        bursts: list[Burst] = []
        starts = np.sort(self.rng.choice(np.arange(35, len(self.days) - 14), size=count, replace=False))
        for start in starts:
            s = int(self.rng.choice(len(geo.street_codes), p=street_weight / street_weight.sum()))
            d = int(geo.street_district[s])
            code = str(self.rng.choice(BURST_CATEGORIES))
            leaves = [i for c, i in cat_index.items() if c.startswith(code)]
            c = leaves[0]
            length = int(self.rng.integers(3, 9))
            daily = self.cases * self.intensity[start, d, c] / total * street_share[s]
            extra = int(max(6.0, 4.0 * daily) * length)
            first = self.days[int(start)]
            bursts.append(
                Burst(
                    geo.street_codes[s],
                    geo.district_codes[d],
                    self.categories[c].code,
                    first,
                    first + timedelta(days=length - 1),
                    extra,
                )
            )
        return bursts

    def _burst_rows(self, day: int) -> tuple[list[int], list[int], list[int]]:
        """(street, category, count) lists of the bursts running on ``day``."""
        date_ = self.days[day]
        streets, cats, counts = [], [], []
        cat_index = {c.code: i for i, c in enumerate(self.categories)}
        street_index = {c: i for i, c in enumerate(self.geo.street_codes)}
        for b in self.bursts:
            if b.start <= date_ <= b.end:
                length = (b.end - b.start).days + 1
                position = (date_ - b.start).days
                shape = np.minimum(np.arange(1, length + 1), np.arange(length, 0, -1)).astype(float)
                # Whole cases per day that add up to ``extra_cases`` exactly.
                cumulative = np.round(np.cumsum(shape) / shape.sum() * b.extra_cases).astype(int)
                per_day = np.diff(cumulative, prepend=0)
                streets.append(street_index[b.street_code])
                cats.append(cat_index[b.category_code])
                counts.append(int(per_day[position]))
        return streets, cats, counts

    # -- chunks ---------------------------------------------------------------------------------------

    def chunks(self, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
        next_id = 1
        pending: list[int] = []
        pending_rows = 0
        for day in range(len(self.days)):
            pending.append(day)
            pending_rows += int(self.day_counts[day])
            if pending_rows >= chunk_rows or day == len(self.days) - 1:
                chunk = self._make(pending, next_id)
                next_id += len(chunk)
                pending, pending_rows = [], 0
                if len(chunk):
                    yield chunk

    def _cells(self, day: int) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
        """District and category of each of the day's base cases."""
        probabilities = self.intensity[day].ravel()
        counts = self.rng.multinomial(int(self.day_counts[day]), probabilities / probabilities.sum())
        cells = np.repeat(np.arange(len(probabilities)), counts)
        n_cat = len(self.categories)
        return (cells // n_cat).astype(np.int32), (cells % n_cat).astype(np.int32)

    def _make(self, days: list[int], first_id: int) -> Chunk:
        geo, rng = self.geo, self.rng
        parts_day, parts_district, parts_cat, parts_comm, parts_site = [], [], [], [], []
        for day in days:
            district, cat = self._cells(day)
            community = geo.pick_communities(rng, district)
            # Zipf-like choice of site: a few buildings account for many demands (recurring addresses).
            site = (rng.random(len(district)) ** 3 * SITES_PER_COMMUNITY).astype(np.int64)
            streets, cats, counts = self._burst_rows(day)
            for s, c, n in zip(streets, cats, counts, strict=True):
                members = np.flatnonzero(geo.community_street == s)[:3]
                b_comm = rng.choice(members, size=n)
                district = np.r_[district, np.full(n, geo.street_district[s], dtype=np.int32)]
                cat = np.r_[cat, np.full(n, c, dtype=np.int32)]
                community = np.r_[community, b_comm]
                site = np.r_[site, rng.integers(0, 4, size=n)]
            parts_day.append(np.full(len(district), day, dtype=np.int32))
            parts_district.append(district)
            parts_cat.append(cat)
            parts_comm.append(community)
            parts_site.append(site)
        day_idx = np.concatenate(parts_day)
        district = np.concatenate(parts_district)
        cat = np.concatenate(parts_cat)
        community = np.concatenate(parts_comm)
        site = community * SITES_PER_COMMUNITY + np.concatenate(parts_site)
        n = len(day_idx)
        epoch_day = (np.datetime64(self.days[0], "D").astype(np.int64) + day_idx).astype(np.int32)
        hour = rng.choice(24, size=n, p=profile.HOUR_WEIGHT / profile.HOUR_WEIGHT.sum()).astype(np.int8)
        local_us = epoch_day.astype(np.int64) * US_PER_DAY + hour.astype(np.int64) * US_PER_HOUR
        local_us += rng.integers(0, US_PER_HOUR, size=n)
        received = local_us - CITY_UTC_OFFSET_US
        order = np.argsort(received, kind="stable")
        received, hour, epoch_day = received[order], hour[order], epoch_day[order]
        district, cat, community, site = district[order], cat[order], community[order], site[order]

        kw = (rng.random(n) * self.vocab.keyword_count[cat]).astype(np.int64)
        keyword = cat.astype(np.int64) * MAX_KEYWORDS + kw
        title = keyword * len(TITLES) + rng.integers(0, len(TITLES), size=n)
        praise = np.array([c.code.startswith("1701") for c in self.categories])[cat]
        tone = np.where(
            praise,
            rng.choice(4, size=n, p=PRAISE_TONE),
            rng.choice(4, size=n, p=TONE_SHARE),
        )
        description = (keyword * len(TONES) + tone) * 5 + rng.integers(0, 5, size=n)
        cumulative = np.cumsum(self.types[cat], axis=1)
        demand_type = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(0, 5).astype(np.int8)
        channel = rng.choice(len(profile.CHANNELS), size=n, p=profile.CHANNEL_SHARE).astype(np.int8)
        # Callers: most call once, some call again about the same building.
        caller = site * 16 + np.minimum(rng.geometric(0.35, size=n), 15)
        jitter = rng.normal(0, 0.0002, size=(2, n))
        chunk = Chunk(
            first_id=first_id,
            day=epoch_day,
            received_us=received,
            hour=hour,
            district=district,
            street=geo.community_street[community],
            community=community,
            site=site,
            category=cat,
            keyword=keyword,
            title=title,
            description=description,
            demand_type=demand_type,
            channel=channel,
            caller=caller,
            lat=geo.site_lat[site] + jitter[0],
            lng=geo.site_lng[site] + jitter[1],
        )
        self._handle(chunk)
        return chunk

    # -- handling ------------------------------------------------------------------------------------

    def _handle(self, chunk: Chunk) -> None:
        rng, n = self.rng, len(chunk)
        minute = 60_000_000
        consultation = chunk.demand_type == 0
        chunk.direct = consultation & (rng.random(n) < 0.6)  # answered by the hotline operator
        unit_types = np.array([c.unit_type for c in self.categories])[chunk.category]
        enterprise = np.isin(unit_types, ["heating", "power", "water_supply", "gas", "drainage", "telecom"])
        dispatched = chunk.received_us + (rng.exponential(25, n) * minute).astype(np.int64)
        signed = dispatched + (rng.exponential(40, n) * minute).astype(np.int64)
        contacted = signed + (rng.exponential(300, n) * minute).astype(np.int64)
        work_days = rng.lognormal(np.log(2.2), 0.7, n) * np.where(enterprise, 0.3, 1.0)
        reported = contacted + (work_days * US_PER_DAY).astype(np.int64)
        visited = reported + (rng.exponential(18 * 60, n) * minute).astype(np.int64)
        closed = visited + (rng.exponential(120, n) * minute).astype(np.int64)
        direct_close = chunk.received_us + (rng.exponential(6, n) * minute).astype(np.int64)
        as_of = (np.datetime64(self.days[-1] + timedelta(days=1), "D").astype(np.int64)) * US_PER_DAY
        as_of -= CITY_UTC_OFFSET_US
        steps = {
            "dispatched": dispatched,
            "signed": signed,
            "contacted": contacted,
            "reported": reported,
            "visited": visited,
            "closed": closed,
        }
        for name, values in steps.items():
            values = np.where(chunk.direct, -1, values)
            if name == "closed":
                values = np.where(chunk.direct, direct_close, values)
            steps[name] = np.where(values > as_of, -1, values)
        # Once a step is not reached, no later one is.
        for earlier, later in itertools.pairwise(STEPS):
            steps[later] = np.where(
                steps[earlier] < 0, np.where(chunk.direct, steps[later], -1), steps[later]
            )
        chunk.steps = steps
        limit_days = np.where(enterprise, 1.0, 9.0)  # 7 working days ≈ 9 calendar days; enterprises 24 h
        elapsed = np.where(steps["reported"] >= 0, steps["reported"], as_of) - dispatched
        chunk.overdue = ~chunk.direct & (elapsed > limit_days * US_PER_DAY)
        p_solved = np.where(chunk.overdue, 0.55, 0.8)
        solved = rng.random(n) < p_solved
        reached = rng.random(n) < 0.95
        u = rng.random(n)
        satisfaction = np.where(
            solved,
            np.where(u < 0.86, 0, np.where(u < 0.97, 1, 2)),
            np.where(u < 0.15, 0, np.where(u < 0.5, 1, 2)),
        )
        visited_ok = (steps["visited"] >= 0) & reached
        chunk.solved = np.where(visited_ok, solved.astype(np.int8), -1).astype(np.int8)
        chunk.satisfaction = np.where(visited_ok, satisfaction, -1).astype(np.int8)
        chunk.reopens = (visited_ok & ~solved & (satisfaction == 2) & (rng.random(n) < 0.3)).astype(np.int16)
        chunk.returns = (~chunk.direct & (rng.random(n) < 0.05)).astype(np.int16)
        to_street = rng.random(n) < 0.7
        geo, n_cat = self.geo, len(self.categories)
        key = (chunk.street.astype(np.int64) * n_cat + chunk.category) * 2 + to_street
        key = np.where(chunk.direct, -1, key)
        uniques, inverse = np.unique(key, return_inverse=True)
        names = []
        for k in uniques.tolist():
            if k < 0:
                names.append("")
                continue
            s, rest = divmod(k, n_cat * 2)
            c, t = divmod(rest, 2)
            names.append(
                profile.lead_unit_codes(
                    geo.district_codes[geo.street_district[s]],
                    geo.street_codes[s],
                    self.categories[c].unit_type,
                    bool(t),
                )
            )
        chunk.lead_unit_index = inverse.astype(np.int32)
        chunk.lead_unit_names = names
