// MOTChallenge text files: one box per line, `frame,id,x,y,w,h,conf,x/class,y/visibility,z`.
// The same layout carries detections (id -1, conf = score), ground truth (conf 0/1 = ignore/consider,
// then class and visibility in MOT16+, world coordinates in MOT15) and tracker results.
//
// Coordinates: as in the MOTChallenge devkit, (x, y) is the top-left pixel of the box counted from 1
// (the image's first pixel is (1, 1)). `Detections` counts from 0, so the conversions below shift by
// one pixel: xyxy = [x - 1, y - 1, x - 1 + w, y - 1 + h]. IoU is unchanged by the shift, so metrics
// computed on either form agree.
import { readFile } from 'node:fs/promises';
import { Detections } from '../detections.ts';

/** One parsed MOTChallenge row (all ten columns; absent trailing columns read as -1, conf as 1). */
export interface MotRow {
  readonly frame: number;
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly conf: number;
  /** MOT15: world x (or -1). MOT16+ gt: class id (1 = pedestrian). */
  readonly xOrClass: number;
  /** MOT15: world y (or -1). MOT16+ gt: visibility ratio 0..1. */
  readonly yOrVisibility: number;
  readonly z: number;
}

/** A malformed MOTChallenge file: names the file and the 1-based line. */
export class MotFormatError extends Error {
  override readonly name = 'MotFormatError';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

const columnNames = ['frame', 'id', 'x', 'y', 'w', 'h', 'conf', 'x/class', 'y/visibility', 'z'] as const;

/**
 * Parses MOTChallenge text. Blank lines are skipped; every other line needs 6 to 10 numeric
 * comma-separated fields (spaces around commas allowed), a positive integer frame and an integer id.
 * @example parseMot('1,-1,10,20,30,40,0.9', 'det.txt')[0]?.conf === 0.9
 */
export function parseMot(text: string, file = '<text>'): MotRow[] {
  const rows: MotRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(',');
    const lineNo = i + 1;
    if (fields.length < 6 || fields.length > 10) {
      throw new MotFormatError(file, lineNo, `expected 6 to 10 comma-separated numbers (frame,id,x,y,w,h[,conf,x,y,z]), found ${fields.length} field(s) in "${clip(line)}"`);
    }
    const v = [1, 1, 1, 1, 1, 1, 1, -1, -1, -1];
    for (let c = 0; c < fields.length; c++) {
      const raw = fields[c]!.trim();
      const n = raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) throw new MotFormatError(file, lineNo, `column ${c + 1} (${columnNames[c]}) is not a number: "${clip(raw)}"`);
      v[c] = n;
    }
    const [frame, id, x, y, w, h, conf, a, b, z] = v as [number, number, number, number, number, number, number, number, number, number];
    if (!Number.isInteger(frame) || frame < 1) throw new MotFormatError(file, lineNo, `frame must be an integer >= 1 (frames count from 1), found ${frame}`);
    if (!Number.isInteger(id)) throw new MotFormatError(file, lineNo, `id must be an integer (-1 for detections), found ${id}`);
    if (w < 0 || h < 0) throw new MotFormatError(file, lineNo, `width and height must not be negative, found w=${w} h=${h}`);
    rows.push({ frame, id, x, y, w, h, conf, xOrClass: a, yOrVisibility: b, z });
  }
  return rows;
}

/** Reads and parses a MOTChallenge file; a missing or unreadable file is a {@link MotFormatError}. */
export async function readMotFile(path: string): Promise<MotRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found; check the path' : code === 'EISDIR' ? 'is a directory, expected a MOTChallenge .txt file' : `cannot be read (${code ?? String(err)})`;
    throw new MotFormatError(path, 0, why);
  }
  return parseMot(text, path);
}

/** Compact decimal form: at most 3 decimals, no trailing zeros (sub-millipixel is noise). */
function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/**
 * Writes rows as MOTChallenge text, one line per row, ten columns, sorted by frame then id.
 * @example formatMot([{ frame: 1, id: 3, x: 1, y: 1, w: 10, h: 20, conf: 1, xOrClass: -1, yOrVisibility: -1, z: -1 }])
 */
export function formatMot(rows: readonly MotRow[]): string {
  const sorted = [...rows].sort((p, q) => p.frame - q.frame || p.id - q.id);
  return sorted.map((r) => [r.frame, r.id, num(r.x), num(r.y), num(r.w), num(r.h), num(r.conf), num(r.xOrClass), num(r.yOrVisibility), num(r.z)].join(',') + '\n').join('');
}

/** Rows grouped by frame, frames in increasing order. */
export function groupMotByFrame(rows: readonly MotRow[]): Map<number, MotRow[]> {
  return groupMotRows(rows, (row) => row.frame);
}

/** Rows grouped by track id, each track's rows in frame order. */
export function groupMotByTrack(rows: readonly MotRow[]): Map<number, MotRow[]> {
  return groupMotRows(rows, (row) => row.id);
}

/** Rows grouped by `key`, in frame order within each group. */
function groupMotRows(rows: readonly MotRow[], key: (row: MotRow) => number): Map<number, MotRow[]> {
  const groups = new Map<number, MotRow[]>();
  for (const row of [...rows].sort((p, q) => p.frame - q.frame)) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * A row's box as 0-based xyxy: the one place the MOTChallenge 1-based shift is applied when reading
 * (see the file header); `detectionsToMotRows` undoes it when writing.
 * @example motRowXyxy(parseMot('1,-1,1,1,10,20')[0]!) // [0, 0, 10, 20]
 */
export function motRowXyxy(r: MotRow): [number, number, number, number] {
  return [r.x - 1, r.y - 1, r.x - 1 + r.w, r.y - 1 + r.h];
}

/**
 * One frame's rows as `Detections` (0-based xyxy; see the file header). `confidence` is the conf
 * column, `trackerId` the id column (-1 stays -1), `classId` the class column when it is a
 * non-negative integer, else `defaultClassId` (0: person in COCO numbering).
 * @example motRowsToDetections(parseMot('1,-1,1,1,10,20,0.9')).box(0) // [0, 0, 10, 20]
 */
export function motRowsToDetections(rows: readonly MotRow[], defaultClassId = 0): Detections {
  return Detections.fromRows(
    rows.map((r) => ({
      xyxy: motRowXyxy(r),
      confidence: r.conf,
      classId: Number.isInteger(r.xOrClass) && r.xOrClass >= 0 ? r.xOrClass : defaultClassId,
      trackerId: r.id,
    })),
  );
}

/**
 * One frame of `Detections` as MOTChallenge result rows (1-based x,y; id = trackerId; conf =
 * confidence; the last three columns -1).
 * @example formatMot(detectionsToMotRows(3, tracked))
 */
export function detectionsToMotRows(frame: number, detections: Detections): MotRow[] {
  const rows: MotRow[] = [];
  for (let i = 0; i < detections.length; i++) {
    const [x1, y1, x2, y2] = detections.box(i);
    rows.push({ frame, id: detections.trackerId[i]!, x: x1 + 1, y: y1 + 1, w: x2 - x1, h: y2 - y1, conf: detections.confidence[i]!, xOrClass: -1, yOrVisibility: -1, z: -1 });
  }
  return rows;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
