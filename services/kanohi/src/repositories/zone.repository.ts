import type { CountLine, FloorXy, Zone } from '@sightline/contracts';
import { camelRows } from '@sightline/db';
import type pg from 'pg';

/** Zones (polygons) and counting lines drawn on a floor. */
export class ZoneRepository {
  constructor(private readonly pool: pg.Pool) {}

  async zones(floorId: number): Promise<Zone[]> {
    const { rows } = await this.pool.query<{ id: number; floor_id: number; name: string; kind: Zone['kind']; polygon_xy: FloorXy[] }>(
      'SELECT id, floor_id, name, kind, polygon_xy FROM zones WHERE floor_id = $1 ORDER BY id',
      [floorId],
    );
    return camelRows(rows);
  }

  /** Undefined when the floor already has a zone of that name. */
  async createZone(floorId: number, name: string, polygonXy: readonly FloorXy[], kind: Zone['kind'] = 'zone'): Promise<Zone | undefined> {
    const { rows } = await this.pool.query<{ id: number }>(
      'INSERT INTO zones (floor_id, name, polygon_xy, area, kind) VALUES ($1, $2, $3, $4::polygon, $5) ON CONFLICT (floor_id, name) DO NOTHING RETURNING id',
      [floorId, name, JSON.stringify(polygonXy), polygonText(polygonXy), kind],
    );
    return rows[0] && { id: rows[0].id, floorId, name, kind, polygonXy: polygonXy.map((p) => [p[0], p[1]]) };
  }

  /** Renames, redraws or re-kinds a zone; 'missing' when it is not on the floor, 'taken' when the new name is. */
  async updateZone(floorId: number, zoneId: number, change: { name?: string | undefined; kind?: Zone['kind'] | undefined; polygonXy?: readonly FloorXy[] | undefined }): Promise<Zone | 'missing' | 'taken'> {
    try {
      const { rowCount } = await this.pool.query(
        `UPDATE zones SET name = COALESCE($3, name), kind = COALESCE($4, kind), polygon_xy = COALESCE($5::jsonb, polygon_xy), area = COALESCE($6::polygon, area)
         WHERE floor_id = $1 AND id = $2`,
        [floorId, zoneId, change.name ?? null, change.kind ?? null, change.polygonXy ? JSON.stringify(change.polygonXy) : null, change.polygonXy ? polygonText(change.polygonXy) : null],
      );
      if (rowCount !== 1) return 'missing';
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return 'taken';
      throw err;
    }
    return (await this.zones(floorId)).find((z) => z.id === zoneId)!;
  }

  async removeZone(floorId: number, zoneId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM zones WHERE floor_id = $1 AND id = $2', [floorId, zoneId]);
    return rowCount === 1;
  }

  async lines(floorId: number): Promise<CountLine[]> {
    const { rows } = await this.pool.query<{ id: number; floor_id: number; name: string; start_x_m: number; start_y_m: number; end_x_m: number; end_y_m: number }>(
      'SELECT id, floor_id, name, start_x_m, start_y_m, end_x_m, end_y_m FROM count_lines WHERE floor_id = $1 ORDER BY id',
      [floorId],
    );
    return rows.map((r) => ({ id: r.id, floorId: r.floor_id, name: r.name, startXy: [r.start_x_m, r.start_y_m], endXy: [r.end_x_m, r.end_y_m] }));
  }

  async createLine(floorId: number, name: string, startXy: FloorXy, endXy: FloorXy): Promise<CountLine | undefined> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO count_lines (floor_id, name, start_x_m, start_y_m, end_x_m, end_y_m) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (floor_id, name) DO NOTHING RETURNING id`,
      [floorId, name, startXy[0], startXy[1], endXy[0], endXy[1]],
    );
    return rows[0] && { id: rows[0].id, floorId, name, startXy: [startXy[0], startXy[1]], endXy: [endXy[0], endXy[1]] };
  }

  /** Renames or moves a line; 'missing' when it is not on the floor, 'taken' when the new name is. */
  async updateLine(floorId: number, lineId: number, change: { name?: string | undefined; startXy?: FloorXy | undefined; endXy?: FloorXy | undefined }): Promise<CountLine | 'missing' | 'taken'> {
    try {
      const { rowCount } = await this.pool.query(
        `UPDATE count_lines SET name = COALESCE($3, name), start_x_m = COALESCE($4, start_x_m), start_y_m = COALESCE($5, start_y_m), end_x_m = COALESCE($6, end_x_m), end_y_m = COALESCE($7, end_y_m)
         WHERE floor_id = $1 AND id = $2`,
        [floorId, lineId, change.name ?? null, change.startXy?.[0] ?? null, change.startXy?.[1] ?? null, change.endXy?.[0] ?? null, change.endXy?.[1] ?? null],
      );
      if (rowCount !== 1) return 'missing';
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return 'taken';
      throw err;
    }
    return (await this.lines(floorId)).find((l) => l.id === lineId)!;
  }

  async removeLine(floorId: number, lineId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM count_lines WHERE floor_id = $1 AND id = $2', [floorId, lineId]);
    return rowCount === 1;
  }
}

/** A polygon as PostgreSQL's polygon text: ((x1,y1),(x2,y2),...). */
function polygonText(polygonXy: readonly FloorXy[]): string {
  return `(${polygonXy.map(([x, y]) => `(${x},${y})`).join(',')})`;
}
