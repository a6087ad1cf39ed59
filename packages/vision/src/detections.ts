/** Per-detection extra values (attributes, embeddings...), one entry per box. */
export type DetectionData = Readonly<Record<string, readonly unknown[]>>;

/** Plain-object form of one detection, for building {@link Detections} from rows. */
export interface DetectionRow {
  readonly xyxy: readonly [number, number, number, number];
  readonly confidence: number;
  readonly classId: number;
  readonly trackerId?: number;
}

/**
 * {@link Detections} as plain typed arrays and values: what crosses a worker thread boundary
 * (structured clone), with real confidences, classes and tracker ids.
 */
export interface DetectionsMessage {
  readonly xyxy: Float32Array;
  readonly confidence: Float32Array;
  readonly classId: Int32Array;
  readonly trackerId: Int32Array;
  readonly data: DetectionData;
}

/**
 * An immutable set of boxes in one frame, the value every vision tool takes and returns.
 * Boxes are `xyxy` in pixels (x1,y1 top-left; x2,y2 bottom-right), stored as typed arrays.
 * `trackerId` is -1 for boxes no tracker has claimed.
 * @example const d = Detections.fromRows([{ xyxy: [0, 0, 10, 20], confidence: 0.9, classId: 0 }]);
 */
export class Detections {
  readonly xyxy: Float32Array;
  readonly confidence: Float32Array;
  readonly classId: Int32Array;
  readonly trackerId: Int32Array;
  readonly data: DetectionData;

  constructor(fields: { xyxy: Float32Array; confidence: Float32Array; classId: Int32Array; trackerId?: Int32Array; data?: DetectionData }) {
    const n = fields.confidence.length;
    if (fields.xyxy.length !== n * 4) throw new RangeError(`Detections: xyxy holds ${fields.xyxy.length} values, expected ${n * 4} for ${n} boxes`);
    if (fields.classId.length !== n) throw new RangeError(`Detections: classId has ${fields.classId.length} entries, expected ${n}`);
    if (fields.trackerId && fields.trackerId.length !== n) throw new RangeError(`Detections: trackerId has ${fields.trackerId.length} entries, expected ${n}`);
    for (const [key, values] of Object.entries(fields.data ?? {})) {
      if (values.length !== n) throw new RangeError(`Detections: data.${key} has ${values.length} entries, expected ${n}`);
    }
    this.xyxy = fields.xyxy;
    this.confidence = fields.confidence;
    this.classId = fields.classId;
    this.trackerId = fields.trackerId ?? new Int32Array(n).fill(-1);
    this.data = fields.data ?? {};
  }

  /** No boxes. */
  static empty(): Detections {
    return new Detections({ xyxy: new Float32Array(0), confidence: new Float32Array(0), classId: new Int32Array(0) });
  }

  /** Builds detections from plain rows (tests, file readers). */
  static fromRows(rows: readonly DetectionRow[], data?: DetectionData): Detections {
    const n = rows.length;
    const xyxy = new Float32Array(n * 4);
    const confidence = new Float32Array(n);
    const classId = new Int32Array(n);
    const trackerId = new Int32Array(n);
    rows.forEach((row, i) => {
      xyxy.set(row.xyxy, i * 4);
      confidence[i] = row.confidence;
      classId[i] = row.classId;
      trackerId[i] = row.trackerId ?? -1;
    });
    return new Detections({ xyxy, confidence, classId, trackerId, ...(data ? { data } : {}) });
  }

  /**
   * Rebuilds detections sent as a {@link DetectionsMessage} (from another thread).
   * @example const d = Detections.fromMessage(reply.detections);
   */
  static fromMessage(message: DetectionsMessage): Detections {
    return new Detections({ xyxy: message.xyxy, confidence: message.confidence, classId: message.classId, trackerId: message.trackerId, data: message.data });
  }

  /**
   * The detections as plain arrays for `postMessage`, and the buffers that may be listed as
   * transferred. Only pass `transfer` when this value is not used after sending: transferring
   * detaches these arrays here.
   * @example const { message, transfer } = detections.toMessage(); port.postMessage({ detections: message }, transfer);
   */
  toMessage(): { message: DetectionsMessage; transfer: ArrayBuffer[] } {
    const arrays: ArrayBufferView[] = [this.xyxy, this.confidence, this.classId, this.trackerId];
    // Typed arrays inside data columns (one embedding per box for the appearance cue) move too.
    for (const column of Object.values(this.data)) for (const v of column) if (ArrayBuffer.isView(v)) arrays.push(v);
    const transfer = new Set<ArrayBuffer>();
    for (const a of arrays) {
      // A view into a larger or shared buffer cannot be handed over whole.
      if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) transfer.add(a.buffer);
    }
    return { message: { xyxy: this.xyxy, confidence: this.confidence, classId: this.classId, trackerId: this.trackerId, data: this.data }, transfer: [...transfer] };
  }

  get length(): number {
    return this.confidence.length;
  }

  /** The box of detection `i` as [x1, y1, x2, y2]. */
  box(i: number): [number, number, number, number] {
    const o = i * 4;
    return [this.xyxy[o]!, this.xyxy[o + 1]!, this.xyxy[o + 2]!, this.xyxy[o + 3]!];
  }

  /** Plain rows, e.g. for JSON or SQL. */
  toRows(): DetectionRow[] {
    return Array.from({ length: this.length }, (_, i) => ({
      xyxy: this.box(i),
      confidence: this.confidence[i]!,
      classId: this.classId[i]!,
      trackerId: this.trackerId[i]!,
    }));
  }

  /** The detections at the given indices, in that order (data included). */
  select(indices: readonly number[]): Detections {
    const n = indices.length;
    const xyxy = new Float32Array(n * 4);
    const confidence = new Float32Array(n);
    const classId = new Int32Array(n);
    const trackerId = new Int32Array(n);
    indices.forEach((src, dst) => {
      xyxy.set(this.xyxy.subarray(src * 4, src * 4 + 4), dst * 4);
      confidence[dst] = this.confidence[src]!;
      classId[dst] = this.classId[src]!;
      trackerId[dst] = this.trackerId[src]!;
    });
    const data: Record<string, unknown[]> = {};
    for (const [key, values] of Object.entries(this.data)) data[key] = indices.map((i) => values[i]);
    return new Detections({ xyxy, confidence, classId, trackerId, data });
  }

  /** The detections for which `keep(i)` is true. */
  filter(keep: (i: number) => boolean): Detections {
    const indices: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) indices.push(i);
    return this.select(indices);
  }

  /** A copy with other tracker ids (same boxes). */
  withTrackerIds(trackerId: Int32Array): Detections {
    return new Detections({ xyxy: this.xyxy, confidence: this.confidence, classId: this.classId, trackerId, data: this.data });
  }

  /** A copy with one more (or a replaced) per-detection data column. */
  withData(key: string, values: readonly unknown[]): Detections {
    return new Detections({ xyxy: this.xyxy, confidence: this.confidence, classId: this.classId, trackerId: this.trackerId, data: { ...this.data, [key]: values } });
  }

  /** A copy without the data column `key` (the same value when it has none). */
  withoutData(key: string): Detections {
    if (!(key in this.data)) return this;
    const { [key]: _dropped, ...data } = this.data;
    return new Detections({ xyxy: this.xyxy, confidence: this.confidence, classId: this.classId, trackerId: this.trackerId, data });
  }

  /** Bottom-centre points [x, y, x, y, ...]: where a standing person touches the floor. */
  bottomCenters(): Float64Array {
    const out = new Float64Array(this.length * 2);
    for (let i = 0; i < this.length; i++) {
      const o = i * 4;
      out[i * 2] = (this.xyxy[o]! + this.xyxy[o + 2]!) / 2;
      out[i * 2 + 1] = this.xyxy[o + 3]!;
    }
    return out;
  }
}
