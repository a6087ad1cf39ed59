/**
 * Any attribute of a track (face age and gender, or a trained head such as upper_colour) as one
 * smoothed value per track, for filters and break-downs. Per-frame values flicker (a head may say
 * "dark" on one frame and "light" on the next), so a track is counted under the value most of its
 * floor samples carry (ties: the larger summed confidence, then the smaller value); a track whose
 * samples all carry numbers gets their mean, rounded to a whole number (age 31.4 -> "31").
 * The whole track is read, not only the query's window, so a track keeps one value whatever
 * window looks at it.
 */

/** A `name=value` filter of the statistics endpoints. */
export interface AttributeFilter {
  name: string;
  value: string;
}

/** `upper_colour=light` -> { name: 'upper_colour', value: 'light' }; undefined when absent. */
export function parseAttributeFilter(text: string | undefined): AttributeFilter | undefined {
  if (!text) return undefined;
  const at = text.indexOf('=');
  return { name: text.slice(0, at), value: text.slice(at + 1) };
}

/** `attr:upper_colour` -> 'upper_colour'; undefined for the fixed group-bys. */
export function attributeGroup(groupBy: string | undefined): string | undefined {
  return groupBy?.startsWith('attr:') ? groupBy.slice('attr:'.length) : undefined;
}

/**
 * A CTE `name AS (...)` with one row (track_id, value) per track of floor `floorParam` seen in
 * [fromParam - 1 minute, toParam), its smoothed value of the attribute named by `keyParam`.
 * Tracks without a value of that attribute have no row.
 */
export function smoothedCte(name: string, params: { floor: string; from: string; to: string; key: string }): string {
  const { floor, from, to, key } = params;
  return `${name}_votes AS (
  SELECT p.track_id, a.v #>> '{}' AS value, jsonb_typeof(a.v) = 'number' AS numeric, count(*) AS n,
         sum(CASE WHEN jsonb_typeof(p.attributes->(${key}::text)->'confidence') = 'number' THEN (p.attributes->(${key}::text)->>'confidence')::float8 ELSE 1 END) AS weight
  FROM floor_points p
  CROSS JOIN LATERAL (SELECT COALESCE(p.attributes->(${key}::text)->'value', p.attributes->(${key}::text)) AS v) a
  WHERE p.track_id IN (SELECT DISTINCT track_id FROM floor_points WHERE floor_id = ${floor} AND observed_at >= ${from}::timestamptz - interval '1 minute' AND observed_at < ${to}::timestamptz)
    AND jsonb_typeof(a.v) IN ('string', 'number', 'boolean')
  GROUP BY 1, 2, 3
), ${name} AS (
  SELECT DISTINCT ON (track_id) track_id,
         CASE WHEN bool_and(numeric) OVER w THEN round(sum(CASE WHEN numeric THEN value::numeric * n END) OVER w / sum(n) OVER w)::text ELSE value END AS value
  FROM ${name}_votes WINDOW w AS (PARTITION BY track_id)
  ORDER BY track_id, n DESC, weight DESC, value
)`;
}

/** The SQL condition "this sample's track has the filtered smoothed value" against a smoothedCte. */
export function smoothedMatch(cte: string, trackColumn: string, valueParam: string): string {
  return `${trackColumn} IN (SELECT track_id FROM ${cte} WHERE lower(value) = lower(${valueParam}::text))`;
}
