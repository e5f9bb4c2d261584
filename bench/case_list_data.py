"""N synthetic cases for the case-list benchmark, generated inside PostgreSQL (no row crosses Python).

The schema is built with the migrations and Beijing's reference data; then one ``INSERT … SELECT``
over ``generate_series`` writes the cases (a year of them, in communities across the city, led by
their street office, a district department or a city department), another their lead assignments and
co-units called in, with the secondary indexes dropped first and built after, as a bulk load does.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

TITLES = (
    "小区楼下噪音扰民",
    "道路破损需修补",
    "暖气不热",
    "垃圾清运不及时",
    "路灯不亮",
    "违章停车堵塞消防通道",
    "施工噪音夜间扰民",
    "小区门口占道经营",
    "供水水压不足",
    "共享单车乱停放",
    "树木遮挡采光",
    "餐馆油烟污染",
)
# State shares of a year's cases: most are closed.
STATES: tuple[str, ...] = ("closed",) * 85 + ("visited",) * 2 + ("reported",) * 4 + ("contacted",) * 3
STATES += ("signed",) * 3 + ("dispatched",) * 2 + ("received",) * 1

PREPARE = """
CREATE TEMP TABLE bench_places AS
SELECT row_number() OVER (ORDER BY d.code) AS n, d.code AS community, left(d.code, 9) AS street,
       left(d.code, 6) AS district, s.id AS street_unit
FROM divisions d JOIN units s ON s.division_code = left(d.code, 9) AND s.kind = 'street'
WHERE d.level = 'community';
CREATE TEMP TABLE bench_depts AS
SELECT division_code AS district, array_agg(id ORDER BY id) AS ids FROM units
WHERE kind = 'district_dept' GROUP BY division_code;
CREATE TEMP TABLE bench_leaves AS
SELECT row_number() OVER (ORDER BY c.id) AS n, c.id FROM categories c
WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = c.id);
"""

CASES = """
INSERT INTO cases (id, code, demand_type, urgency, channel, title, description, address, reply,
  category_id, division_code, district_code, street_code, community_code, confidential, state, version,
  lead_unit_id, complex_case, forced_assignment, received_at, updated_at, feedback_due, extended,
  warning, overdue, return_count, reopen_count, visit_attempts, created_by)
SELECT g, 'BL' || lpad(g::text, 14, '0'), 'complaint', 'ordinary', 'phone',
  t.title, '市民反映' || t.title || '，已持续一段时间，影响居民正常生活，希望有关部门尽快核实处理。',
  p.street || '街道' || (g % 97) || '号院', CASE WHEN st.state IN ('closed', 'visited', 'reported')
  THEN '经核实，已协调相关部门处理' || t.title || '问题，并向市民反馈。' END,
  l.id, p.community, p.district, p.street, p.community, false, st.state, 3,
  CASE WHEN st.state = 'received' THEN NULL
       WHEN r.lead < 0.75 OR dp.ids IS NULL THEN p.street_unit
       ELSE dp.ids[1 + (g % array_length(dp.ids, 1))] END,
  false, false, r.at, r.at + interval '3 days', r.at + interval '15 days', false, false, false, 0, 0, 0,
  'bench'
FROM generate_series(1, :n) AS g
CROSS JOIN LATERAL (SELECT random() + g * 0 AS lead,
  timestamptz '2026-12-01 00:00+08' - random() * interval '365 days' AS at,
  1 + floor(random() * :places)::int AS place, 1 + floor(random() * :leaves)::int AS leaf,
  1 + floor(random() * :titles)::int AS title, 1 + floor(random() * :states)::int AS state) AS r
JOIN bench_places p ON p.n = r.place
JOIN bench_leaves l ON l.n = r.leaf
JOIN (SELECT ordinality AS n, title FROM unnest(CAST(:title_list AS text[])) WITH ORDINALITY AS x(title))
  t ON t.n = r.title
JOIN (SELECT ordinality AS n, state FROM unnest(CAST(:state_list AS text[])) WITH ORDINALITY AS y(state))
  st ON st.n = r.state
LEFT JOIN bench_depts dp ON dp.district = p.district
"""

ASSIGNMENTS = """
INSERT INTO case_assignments (id, case_id, unit_id, role, status, assigned_at, case_received_at)
SELECT row_number() OVER (), id, unit_id, role, status, received_at, received_at FROM (
  SELECT id, lead_unit_id AS unit_id, 'lead' AS role, 'reported' AS status, received_at FROM cases
  WHERE lead_unit_id IS NOT NULL
  UNION ALL
  SELECT c.id, d.ids[1 + (c.id % array_length(d.ids, 1))], 'co', 'checked_in', c.received_at
  FROM cases c JOIN bench_depts d ON d.district = c.district_code
  WHERE c.id % 20 = 0 AND c.lead_unit_id IS NOT NULL
) AS a ON CONFLICT DO NOTHING
"""


def build(session: Session, n: int) -> None:
    """Write ``n`` cases and their assignments (the schema is migrated and seeded, and empty)."""
    tables = ["cases", "case_assignments"]
    indexes = session.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(:tables) AND indexname LIKE 'ix_%'"
        ),
        {"tables": tables},
    ).all()
    for name, _ in indexes:
        session.execute(text(f"DROP INDEX {name}"))
    for statement in PREPARE.split(";"):
        if statement.strip():
            session.execute(text(statement))
    places = session.execute(text("SELECT count(*) FROM bench_places")).scalar_one()
    leaves = session.execute(text("SELECT count(*) FROM bench_leaves")).scalar_one()
    session.execute(text("SET session_replication_role = replica"))
    session.execute(
        text(CASES),
        {
            "n": n,
            "places": places,
            "leaves": leaves,
            "titles": len(TITLES),
            "states": len(STATES),
            "title_list": list(TITLES),
            "state_list": list(STATES),
        },
    )
    session.execute(text(ASSIGNMENTS))
    session.execute(text("SET session_replication_role = DEFAULT"))
    session.execute(text("SET maintenance_work_mem = '512MB'"))
    for _, definition in indexes:
        session.execute(text(definition))
    session.commit()
