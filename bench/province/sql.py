"""The generator's set-based SQL: everything that follows from the people, one INSERT ... SELECT
each (bench_unit is the generator's table of each unit's department, office and admins)."""

from credits.intake.keys import KEY_SQL

# One declaration per person and year. Past years are mostly filed; the current year is spread
# over the workflow, so every reviewer has a deep queue. ``h`` is a stable per-row hash.
DECLARATIONS = (
    """
INSERT INTO credits_declaration (org_path, year, status, created_at, updated_at, submitted_at,
    subject, category, params, title, organiser, start_date, end_date, description,
    claimed_hours, computed_hours, basis, approved_hours, approved_reason, source, created_by_id,
    person_id, unit_id, has_department, person_name, assessment_result, natural_key)
SELECT d.*, 'not_applicable', """
    + KEY_SQL
    + """ FROM (
SELECT p.org_path, s.y AS year, s.status, s.at - interval '1 day', s.at + interval '6 days',
    CASE WHEN s.status = 'draft' THEN NULL ELSE s.at END,
    s.subject, CASE s.subject WHEN 'public' THEN 'public_course' ELSE 'training_activity' END
        AS category,
    CASE s.subject WHEN 'public' THEN jsonb_build_object('hours', 30)
        ELSE jsonb_build_object('hours', 60, 'organizer_level', 'provincial') END,
    CASE s.subject WHEN 'public' THEN s.y || '年度专业技术人员公需科目网络学习'
        ELSE s.y || '年度' || u.industry || '专业技术人员知识更新培训班' END AS title,
    CASE s.subject WHEN 'public' THEN '河南省专业技术人员公需科目学习平台'
        ELSE '河南省' || u.industry || '行业协会' END,
    make_date(s.y, 1, 1) + (s.h %% 300) AS start_date, make_date(s.y, 1, 1) + (s.h %% 300) + 2,
    '', s.hours, NULL::numeric, 'declared',
    CASE WHEN s.status IN ('filed', 'revoked') THEN s.hours END, '', 'self', p.user_id,
    p.id AS person_id, p.unit_id, b.dept_id IS NOT NULL, usr.name
FROM accounts_person p
JOIN accounts_user usr ON usr.id = p.user_id
JOIN bench_unit b ON b.unit_id = p.unit_id
JOIN orgtree_org u ON u.id = p.unit_id
CROSS JOIN LATERAL (
    SELECT y, h, subject, hours,
        make_timestamptz(y, 1, 10, 9, 0, 0, 'Asia/Shanghai')
            + make_interval(secs => (p.id * 48271 + y * 7) %% (CASE WHEN y = %(current)s
                THEN 320 ELSE 350 END * 86400)) AS at,
        CASE
            WHEN y < %(current)s THEN CASE
                WHEN h < 950 THEN 'filed' WHEN h < 965 THEN 'returned'
                WHEN h < 975 THEN 'rejected' WHEN h < 990 THEN 'revoked' ELSE 'withdrawn' END
            WHEN h < 300 THEN 'filed'
            WHEN h < 500 THEN CASE WHEN b.dept_id IS NULL THEN 'unit_approved'
                ELSE 'dept_approved' END
            WHEN h < 650 THEN 'unit_approved' WHEN h < 900 THEN 'submitted'
            WHEN h < 950 THEN 'draft' ELSE 'returned' END AS status
    FROM (
        SELECT y, ((p.id * 2654435761 + y * 40503) %% 1000)::int AS h,
            CASE WHEN (p.id + y) %% 2 = 0 THEN 'public' ELSE 'professional' END AS subject,
            CASE WHEN (p.id + y) %% 2 = 0 THEN 30 ELSE 60 END AS hours
        FROM generate_series(%(first)s, %(current)s) AS y
    ) AS years
) AS s
WHERE p.status = 'approved'
) AS d
"""
)

# The trail of each declaration, by the admins of its unit, department and HRSS office.
REVIEW_EVENTS = """
INSERT INTO credits_reviewevent (action, from_status, to_status, comment, created_at, actor_id,
    declaration_id)
SELECT e.action, e.from_status, e.to_status, e.comment, d.submitted_at + e.after, e.actor, d.id
FROM credits_declaration d
JOIN bench_unit b ON b.unit_id = d.unit_id
CROSS JOIN LATERAL (VALUES
    ('submit', 'draft', 'submitted', '', interval '0', d.created_by_id, d.status <> 'draft'),
    ('approve', 'submitted', 'unit_approved', '', interval '2 days', b.unit_admin,
        d.status IN ('unit_approved', 'dept_approved', 'filed', 'revoked')),
    ('approve', 'unit_approved', 'dept_approved', '', interval '4 days', b.dept_admin,
        d.has_department AND d.status IN ('dept_approved', 'filed', 'revoked')),
    ('approve', CASE WHEN d.has_department THEN 'dept_approved' ELSE 'unit_approved' END,
        'filed', '', interval '6 days', b.office_admin, d.status IN ('filed', 'revoked')),
    ('return', 'submitted', 'returned', '证明材料不清晰，请重新上传。', interval '2 days',
        b.unit_admin, d.status = 'returned'),
    ('reject', 'submitted', 'rejected', '不属于继续教育内容。', interval '2 days',
        b.unit_admin, d.status = 'rejected'),
    ('withdraw', 'submitted', 'withdrawn', '', interval '1 day', d.created_by_id,
        d.status = 'withdrawn'),
    ('revoke', 'filed', 'revoked', '抽查发现证明材料不实。', interval '40 days',
        b.office_admin, d.status = 'revoked')
) AS e(action, from_status, to_status, comment, after, actor, wanted)
WHERE e.wanted
"""

PERSON_YEARS = """
INSERT INTO credits_personyear (year, org_path, filed_public, filed_professional,
    full_professional, full_year, on_duty_months, required_total, required_public,
    required_professional, completed, updated_at, person_id)
SELECT d.year, d.org_path,
    CASE WHEN d.status = 'filed' AND d.subject = 'public' THEN d.approved_hours ELSE 0 END,
    CASE WHEN d.status = 'filed' AND d.subject = 'professional' THEN d.approved_hours ELSE 0 END,
    false, false, 12, 90, 30, 60, false, d.updated_at, d.person_id
FROM credits_declaration d
"""

# One person in three holds a certificate of the four past years, by their issuer's seal.
CERTIFICATES = """
WITH holders AS (
    SELECT p.id AS person_id, p.cert_no, p.unit_id, p.decided_at, usr.name, usr.id_number,
        unit.name AS unit_name, s.id AS seal_id, s.office_id, s.version, s.text AS seal_text,
        office.name AS office_name, b.unit_admin,
        (SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ',
            1 + ((p.id * 7 + i * 13 + (random() * 32)::int) %% 32)::int, 1), '')
         FROM generate_series(1, 20 + 0 * p.id) AS i) AS code
    FROM accounts_person p
    JOIN accounts_user usr ON usr.id = p.user_id
    JOIN orgtree_org unit ON unit.id = p.unit_id
    JOIN bench_unit b ON b.unit_id = p.unit_id
    JOIN certificates_seal s ON s.office_id = b.issuer_id AND s.status = 'approved'
    JOIN orgtree_org office ON office.id = s.office_id
    WHERE p.status = 'approved' AND p.id %% 3 = 0
), years AS (
    SELECT py.person_id, jsonb_agg(jsonb_build_object(
            'year', py.year, 'public', py.filed_public::text,
            'professional', py.filed_professional::text,
            'total', (py.filed_public + py.filed_professional)::text,
            'completed', py.completed) ORDER BY py.year) AS years
    FROM credits_personyear py
    WHERE py.year < %(current)s AND py.person_id %% 3 = 0
    GROUP BY py.person_id
), content AS (
    SELECT h.*, jsonb_build_object(
        'name', h.name,
        'id_masked', left(h.id_number, 3) || repeat('*', 11) || right(h.id_number, 4),
        'cert_no', h.cert_no, 'unit', h.unit_name,
        'first_year', %(first)s, 'last_year', %(current)s - 1,
        'years', y.years,
        'office', h.office_name,
        'seal', jsonb_build_object('id', h.seal_id, 'version', h.version, 'text', h.seal_text)
    ) AS data
    FROM holders h JOIN years y ON y.person_id = h.person_id
)
INSERT INTO certificates_certificateissue (code, first_year, last_year, snapshot, data_hash,
    status, render_status, render_error, pdf, preview, sha256, size, issued_at, rendered_at,
    office_id, person_id, requested_by_id, seal_id, revoke_reason)
SELECT c.code, %(first)s, %(current)s - 1,
    c.data || jsonb_build_object('code', c.code, 'issued_on', '2026-02-01',
        'issued_label', '2026年2月1日'),
    encode(sha256(convert_to(c.data::text, 'UTF8')), 'hex'), 'valid', 'ready', '', '', '', '', 0,
    timestamptz '2026-02-01 10:00+08' + make_interval(secs => c.person_id %% 86400),
    timestamptz '2026-02-01 10:00+08' + make_interval(secs => c.person_id %% 86400 + 1),
    c.office_id, c.person_id, c.unit_admin, c.seal_id, ''
FROM content c
"""

# What the admins did, as the audit log records it: approvals of registrations, issued
# certificates, and one batch filing per unit and past year.
AUDIT = """
INSERT INTO portal_auditlog (created_at, action, target, org_path, detail, ip, actor_id)
SELECT p.decided_at, 'person.approve', 'person:' || p.id, p.org_path, '{}'::jsonb,
    '10.0.0.1', p.decided_by_id
FROM accounts_person p WHERE p.status = 'approved'
UNION ALL
SELECT i.issued_at, 'certificate.issue', 'certificate:' || i.id, p.org_path,
    jsonb_build_object('person', p.id, 'years', i.first_year || '-' || i.last_year),
    '10.0.0.2', i.requested_by_id
FROM certificates_certificateissue i JOIN accounts_person p ON p.id = i.person_id
UNION ALL
SELECT make_timestamptz(y, 12, 20, 15, 0, 0, 'Asia/Shanghai'), 'declaration.batch_approve',
    'org:' || b.unit_id, u.path, jsonb_build_object('count', 20, 'comment', ''), '10.0.0.3',
    b.office_admin
FROM bench_unit b JOIN orgtree_org u ON u.id = b.unit_id
CROSS JOIN generate_series(%(first)s, %(current)s - 1) AS y
"""

# The statistics table (credits.services.statistics.statistics_rows, set-based): per unit, year
# and title level, the approved people, those with a declaration, those 合格 and their filed
# hours; per unit, year, filing month, subject, category and source, the filed declarations.
UNIT_YEAR_STATS = """
INSERT INTO credits_unityearstat (unit_id, org_path, year, title_level, industry, people,
    declared, completed, certified, filed_public, filed_professional, refreshed_at)
SELECT p.unit_id, u.path, y.year, p.title_level, u.industry, count(*), count(d.person_id),
    count(*) FILTER (WHERE py.completed), count(c.person_id),
    coalesce(sum(py.filed_public), 0), coalesce(sum(py.filed_professional), 0), now()
FROM accounts_person p
JOIN orgtree_org u ON u.id = p.unit_id
CROSS JOIN generate_series(%(first)s, %(current)s) AS y(year)
LEFT JOIN credits_personyear py ON py.person_id = p.id AND py.year = y.year
LEFT JOIN (
    SELECT DISTINCT person_id, year FROM credits_declaration
    WHERE status NOT IN ('draft', 'withdrawn')
) d ON d.person_id = p.id AND d.year = y.year
LEFT JOIN (
    SELECT DISTINCT i.person_id, covered.year FROM certificates_certificateissue i
    CROSS JOIN LATERAL generate_series(i.first_year::int, i.last_year::int) AS covered(year)
    WHERE i.status = 'valid'
) c ON c.person_id = p.id AND c.year = y.year
WHERE p.status = 'approved'
GROUP BY p.unit_id, u.path, y.year, p.title_level, u.industry
"""
UNIT_YEAR_FILED = """
INSERT INTO credits_unityearfiled (unit_id, org_path, year, filed_year, month, subject,
    category, source, count, hours)
SELECT p.unit_id, u.path, d.year,
    extract(year FROM d.updated_at AT TIME ZONE 'Asia/Shanghai'),
    extract(month FROM d.updated_at AT TIME ZONE 'Asia/Shanghai'),
    d.subject, d.category, d.source, count(*), sum(coalesce(d.approved_hours, d.claimed_hours))
FROM credits_declaration d
JOIN accounts_person p ON p.id = d.person_id AND p.status = 'approved'
JOIN orgtree_org u ON u.id = p.unit_id
WHERE d.status = 'filed'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""

DERIVED = (
    ("declarations / 学时申报", DECLARATIONS),
    ("review events / 审核记录", REVIEW_EVENTS),
    ("person-years / 年度汇总", PERSON_YEARS),
    ("certificate issues / 证书", CERTIFICATES),
    ("statistics / 统计表", UNIT_YEAR_STATS),
    ("statistics by category / 备案统计", UNIT_YEAR_FILED),
    ("audit rows / 审计日志", AUDIT),
)
