-- PostgreSQL's floor for the push-down (docs/scale.md, "PostgreSQL 15's floor on this machine"):
-- the plainest passes over the fresh tables that `Benchmarks/peers/pushdown_bench.py --units 1000000`
-- loads (bench_exposures_u1000000, bench_events_u1000000; no ANALYZE), then the join form of the
-- aggregation (t0 per unit by GROUP BY, hash-joined to the events, GROUP BY unit), which returns the
-- same per-arm sums as `touchstone sql --dialect postgres … --metric purchase --metric purchase:sum
-- --metric session:count --window 14d`. Not what Touchstone generates (see "Plans that stay linear
-- on fresh tables" for why); kept to reproduce the measurement:
--   psql -X URL -f Benchmarks/peers/pushdown_floor.sql
\timing on
SELECT count(*) FROM bench_events_u1000000;
SELECT count(*) FROM bench_events_u1000000 WHERE event IN ('purchase', 'session');
SELECT count(*) FROM (SELECT unit_id COLLATE "C", count(*) FROM bench_events_u1000000 GROUP BY 1) s;
SELECT count(*) FROM (SELECT unit_id COLLATE "C", min("timestamp") FROM bench_exposures_u1000000
                      WHERE experiment = 'onboarding_channels' GROUP BY 1) s;
SET work_mem = '256MB';
SELECT count(*) FROM (SELECT unit_id COLLATE "C", count(*) FROM bench_events_u1000000 GROUP BY 1) s;
WITH x AS (
  SELECT CAST(unit_id AS TEXT) COLLATE "C" AS u, MIN("timestamp") AS t0,
         MIN(CAST(variant AS TEXT) COLLATE "C") AS v, MAX(CAST(variant AS TEXT) COLLATE "C") AS lv
  FROM bench_exposures_u1000000 WHERE experiment = 'onboarding_channels' GROUP BY 1
),
ev AS (
  SELECT MIN(x.v) AS v, MIN(x.lv) AS lv,
    MAX(CASE WHEN e.event = 'purchase' THEN 1 ELSE 0 END) AS y0,
    SUM(CASE WHEN e.event = 'purchase' THEN CAST(COALESCE(e.value,0) AS DOUBLE PRECISION) ELSE 0 END) AS y1,
    SUM(CASE WHEN e.event = 'session' THEN 1 ELSE 0 END) AS y2
  FROM bench_events_u1000000 e JOIN x ON CAST(e.unit_id AS TEXT) COLLATE "C" = x.u
  WHERE e.event IN ('purchase','session') AND e."timestamp" - x.t0 >= 0 AND e."timestamp" - x.t0 < 1209600
  GROUP BY x.u
),
au AS (SELECT v, COUNT(*) AS units FROM x WHERE v = lv GROUP BY v),
asum AS (SELECT v, SUM(CAST(y0 AS NUMERIC)) s0, SUM(CAST(y0 AS NUMERIC)*y0) q0, SUM(y1) s1, SUM(y1*y1) q1, SUM(CAST(y2 AS NUMERIC)) s2, SUM(CAST(y2 AS NUMERIC)*y2) q2 FROM ev WHERE v = lv GROUP BY v)
SELECT au.v, au.units, asum.s0, asum.q0, asum.s1, asum.q1, asum.s2, asum.q2 FROM au LEFT JOIN asum ON asum.v = au.v ORDER BY 1;
