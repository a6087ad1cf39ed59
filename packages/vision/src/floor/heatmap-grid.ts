/**
 * An occupancy grid over a floor: `accumulate` adds weighted points (metres) into cells of
 * `cellMeters`; points outside the floor are ignored. Row-major, row 0 at y = 0.
 * @example const g = new HeatmapGrid({ widthMeters: 10, heightMeters: 5, cellMeters: 0.5 }); g.accumulate([1.2, 3.4]);
 */
export class HeatmapGrid {
  readonly columns: number;
  readonly rows: number;
  readonly cellMeters: number;
  readonly values: Float64Array;

  constructor(options: { widthMeters: number; heightMeters: number; cellMeters: number }) {
    const { widthMeters, heightMeters, cellMeters } = options;
    if (!(cellMeters > 0) || !(widthMeters > 0) || !(heightMeters > 0)) throw new RangeError('heatmap grid sizes must be positive numbers of metres');
    this.cellMeters = cellMeters;
    this.columns = Math.ceil(widthMeters / cellMeters - 1e-9);
    this.rows = Math.ceil(heightMeters / cellMeters - 1e-9);
    if (this.columns * this.rows > 4_000_000) throw new RangeError(`a ${this.columns} x ${this.rows} grid is too large: use larger cells`);
    this.values = new Float64Array(this.columns * this.rows);
  }

  /** Cell index of a floor point, or -1 outside the grid. */
  cellIndex(xMeters: number, yMeters: number): number {
    const c = Math.floor(xMeters / this.cellMeters);
    const r = Math.floor(yMeters / this.cellMeters);
    return c < 0 || r < 0 || c >= this.columns || r >= this.rows ? -1 : r * this.columns + c;
  }

  /** Adds points given interleaved (x0, y0, x1, y1, ...), each with weight 1 or its own weight. */
  accumulate(floorXyMeters: ArrayLike<number>, weights?: ArrayLike<number>): this {
    for (let i = 0; i + 1 < floorXyMeters.length; i += 2) {
      const cell = this.cellIndex(floorXyMeters[i]!, floorXyMeters[i + 1]!);
      if (cell >= 0) this.values[cell] = this.values[cell]! + (weights ? weights[i / 2]! : 1);
    }
    return this;
  }

  /** Adds a value to one cell by its column and row (SQL aggregates arrive this way). */
  addCell(column: number, row: number, value: number): this {
    if (column >= 0 && row >= 0 && column < this.columns && row < this.rows) this.values[row * this.columns + column] = this.values[row * this.columns + column]! + value;
    return this;
  }

  max(): number {
    let m = 0;
    for (const v of this.values) if (v > m) m = v;
    return m;
  }

  total(): number {
    return this.values.reduce((s, v) => s + v, 0);
  }
}
