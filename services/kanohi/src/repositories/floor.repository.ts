import type { Floor } from '@sightline/contracts';
import type pg from 'pg';

interface FloorRow {
  id: number;
  name: string;
  width_m: number;
  height_m: number;
  meters_per_pixel: number | null;
  image_type: string | null;
  image_width_px: number | null;
  image_height_px: number | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, width_m, height_m, meters_per_pixel, image_type, image_width_px, image_height_px, created_at, updated_at';

function toFloor(row: FloorRow): Floor {
  return {
    id: row.id,
    name: row.name,
    widthM: row.width_m,
    heightM: row.height_m,
    metersPerPixel: row.meters_per_pixel,
    image: row.image_type ? { type: row.image_type, widthPx: row.image_width_px!, heightPx: row.image_height_px!, url: `/floors/${row.id}/image?v=${row.updated_at.getTime()}` } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Floors and their plan images. */
export class FloorRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<Floor[]> {
    const { rows } = await this.pool.query<FloorRow>(`SELECT ${COLUMNS} FROM floors ORDER BY id`);
    return rows.map(toFloor);
  }

  async get(id: number): Promise<Floor | undefined> {
    const { rows } = await this.pool.query<FloorRow>(`SELECT ${COLUMNS} FROM floors WHERE id = $1`, [id]);
    return rows[0] && toFloor(rows[0]);
  }

  /** Undefined when the name is taken. */
  async create(name: string, widthM: number, heightM: number): Promise<Floor | undefined> {
    const { rows } = await this.pool.query<FloorRow>(
      `INSERT INTO floors (name, width_m, height_m) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [name, widthM, heightM],
    );
    return rows[0] && toFloor(rows[0]);
  }

  async update(id: number, fields: { name?: string; widthM?: number; heightM?: number; metersPerPixel?: number | null }): Promise<Floor | undefined> {
    const { rows } = await this.pool.query<FloorRow>(
      `UPDATE floors SET name = COALESCE($2, name), width_m = COALESCE($3, width_m), height_m = COALESCE($4, height_m),
         meters_per_pixel = CASE WHEN $5::boolean THEN $6 ELSE meters_per_pixel END, updated_at = clock_timestamp()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, fields.name ?? null, fields.widthM ?? null, fields.heightM ?? null, fields.metersPerPixel !== undefined, fields.metersPerPixel ?? null],
    );
    return rows[0] && toFloor(rows[0]);
  }

  async setImage(id: number, image: { bytes: Buffer; type: string; widthPx: number; heightPx: number }, size: { widthM: number; heightM: number; metersPerPixel: number }): Promise<Floor | undefined> {
    const { rows } = await this.pool.query<FloorRow>(
      `UPDATE floors SET image = $2, image_type = $3, image_width_px = $4, image_height_px = $5, width_m = $6, height_m = $7,
         meters_per_pixel = $8, updated_at = clock_timestamp() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, image.bytes, image.type, image.widthPx, image.heightPx, size.widthM, size.heightM, size.metersPerPixel],
    );
    return rows[0] && toFloor(rows[0]);
  }

  async image(id: number): Promise<{ bytes: Buffer; type: string } | undefined> {
    const { rows } = await this.pool.query<{ image: Buffer; image_type: string }>('SELECT image, image_type FROM floors WHERE id = $1 AND image IS NOT NULL', [id]);
    return rows[0] && { bytes: rows[0].image, type: rows[0].image_type };
  }

  async remove(id: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM floors WHERE id = $1', [id]);
    return rowCount === 1;
  }
}
