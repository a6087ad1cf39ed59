import type { CountLine, FloorXy, Zone } from '@sightline/contracts';
import type pg from 'pg';

/** Zones (polygons) and counting lines drawn on a floor. */
export class ZoneRepository {
  constructor(private readonly pool: pg.Pool) {}

  async zones(floorId: number): Promise<Zone[]> {
    const { rows } = await this.pool.query<{ id: number; floor_id: number; name: string; polygon_xy: FloorXy[] }>(
      'SELECT id, floor_id, name, polygon_xy FROM zones WHERE floor_id = $1 ORDER BY id',
      [floorId],
    );
    return rows.map((r) => ({ id: r.id, floorId: r.floor_id, name: r.name, polygonXy: r.polygon_xy }));
  }

  /** Undefined when the floor already has a zone of that name. */
  async createZone(floorId: number, name: string, polygonXy: readonly FloorXy[]): Promise<Zone | undefined> {
    const area = `(${polygonXy.map(([x, y]) => `(${x},${y})`).join(',')})`;
    const { rows } = await this.pool.query<{ id: number }>(
      'INSERT INTO zones (floor_id, name, polygon_xy, area) VALUES ($1, $2, $3, $4::polygon) ON CONFLICT (floor_id, name) DO NOTHING RETURNING id',
      [floorId, name, JSON.stringify(polygonXy), area],
    );
    return rows[0] && { id: rows[0].id, floorId, name, polygonXy: polygonXy.map((p) => [p[0], p[1]]) };
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

  async removeLine(floorId: number, lineId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM count_lines WHERE floor_id = $1 AND id = $2', [floorId, lineId]);
    return rowCount === 1;
  }
}
