/** `floor_id` -> `floorId`, `x_m` -> `xM`: a snake_case column name as a camelCase property. */
export type CamelName<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelName<Tail>>}` : S;

/** A row type with its snake_case column names as camelCase properties, values unchanged. */
export type CamelRow<T> = { [K in keyof T as K extends string ? CamelName<K> : K]: T[K] };

const camelName = (column: string) => column.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * A row as pg returns it (snake_case columns) with camelCase property names, typed from the row:
 * repositories hand services camelCase objects without writing each mapping by hand.
 * @example camelRow({ floor_id: 1, x_m: 2.5 }) // { floorId: 1, xM: 2.5 }
 */
export function camelRow<T extends object>(row: T): CamelRow<T> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) out[camelName(column)] = value;
  return out as CamelRow<T>;
}

/** {@link camelRow} over every row of a result. @example camelRows((await pool.query<Row>(sql)).rows) */
export function camelRows<T extends object>(rows: readonly T[]): CamelRow<T>[] {
  return rows.map(camelRow);
}
