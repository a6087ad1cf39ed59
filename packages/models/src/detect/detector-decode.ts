// Network outputs of the common detector heads -> candidate boxes in network-input pixels, each
// with its best class and score. Every layout check says what the card expected and what the model
// gave, so a card written for another head fails at load with a readable error.
import type { DetectorCard } from '../registry/detector-card.ts';

/** A network output: dims and values (float32). */
export interface OutputTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Candidates in network-input pixels, before NMS. */
export interface Candidates {
  xyxy: number[];
  scores: number[];
  classIds: number[];
}

export interface CandidateFilter {
  scoreThreshold: number;
  classIds?: ReadonlySet<number>;
}

const shapeText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

function mismatch(card: DetectorCard, output: OutputTensor, expected: string, hint: string): Error {
  return new Error(`detector ${card.name}: decode ${card.decode.format} expects ${output.name} of shape ${expected}, but the model gives ${shapeText(output.dims)}${hint ? `; ${hint}` : ''}`);
}

/** Rows x columns of a [1, rows, cols] output, or a clear error. */
function matrix(card: DetectorCard, output: OutputTensor, expected: string, hint: string): [number, number] {
  const d = output.dims;
  if (d.length !== 3 || d[0] !== 1) throw mismatch(card, output, expected, hint);
  return [d[1]!, d[2]!];
}

/** Cells of a stride's grid over the input, in the row-major order heads flatten them. */
function gridCells(card: DetectorCard, stride: number): { cols: number; rows: number } {
  const [h, w] = card.input.size;
  return { cols: Math.ceil(w / stride), rows: Math.ceil(h / stride) };
}

function push(out: Candidates, filter: CandidateFilter, classId: number, score: number, x1: number, y1: number, x2: number, y2: number): void {
  if (!(score >= filter.scoreThreshold) || (filter.classIds && !filter.classIds.has(classId))) return;
  if (!(x2 > x1 && y2 > y1)) return;
  out.xyxy.push(x1, y1, x2, y2);
  out.scores.push(score);
  out.classIds.push(classId);
}

/** Best class of a row of class values starting at `offset` with `step` between classes. */
function bestClass(data: Float32Array, offset: number, step: number, count: number, sigmoid: boolean): [number, number] {
  let best = 0;
  let value = -Infinity;
  for (let c = 0; c < count; c++) {
    const v = data[offset + c * step]!;
    if (v > value) {
      value = v;
      best = c;
    }
  }
  return [best, sigmoid ? 1 / (1 + Math.exp(-value)) : value];
}

function decodeYoloRows(card: DetectorCard, out: OutputTensor, filter: CandidateFilter, result: Candidates): void {
  const classes = card.classes.length;
  const format = card.decode.format;
  const other = format === 'yolox' ? 'yolov8 (or YOLOv11) heads are [1, 4 + classes, N]' : 'yolov8 heads are [1, 4 + classes, N]; check the card\'s classes';
  const [n, cols] = matrix(card, out, `[1, N, 5 + ${classes} classes] = [1, N, ${5 + classes}]`, other);
  if (cols !== 5 + classes) throw mismatch(card, out, `[1, N, ${5 + classes}] (5 + ${classes} classes)`, cols === 4 + classes ? 'no objectness column: is this an RT-DETR-style [1, Q, 4 + classes] output?' : other);
  const data = out.data;
  // Raw YOLOX output: offsets within each cell of each stride, log sizes.
  const strides = format === 'yolox' && !card.decode.decoded ? card.decode.strides ?? [] : [];
  const cells: { x: number; y: number; stride: number }[] = [];
  for (const stride of strides) {
    const { cols: gw, rows: gh } = gridCells(card, stride);
    for (let y = 0; y < gh; y++) for (let x = 0; x < gw; x++) cells.push({ x, y, stride });
  }
  if (strides.length && cells.length !== n) throw mismatch(card, out, `[1, ${cells.length}, ${cols}] (grid cells of strides ${strides.join(', ')} over ${card.input.size[1]}x${card.input.size[0]})`, 'check decode.strides and input.size, or set decoded: true if the boxes are already in pixels');
  for (let i = 0; i < n; i++) {
    const o = i * cols;
    const objectness = data[o + 4]!;
    if (!(objectness >= filter.scoreThreshold)) continue;
    const [cls, p] = bestClass(data, o + 5, 1, classes, false);
    let cx = data[o]!;
    let cy = data[o + 1]!;
    let w = data[o + 2]!;
    let h = data[o + 3]!;
    const cell = cells[i];
    if (cell) {
      cx = (cx + cell.x) * cell.stride;
      cy = (cy + cell.y) * cell.stride;
      w = Math.exp(w) * cell.stride;
      h = Math.exp(h) * cell.stride;
    }
    push(result, filter, cls, objectness * p, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
  }
}

function decodeYolov8(card: DetectorCard, out: OutputTensor, filter: CandidateFilter, result: Candidates): void {
  const classes = card.classes.length;
  const [rows, n] = matrix(card, out, `[1, ${4 + classes}, N] (4 + ${classes} classes)`, '');
  if (rows !== 4 + classes) {
    const hint = n === 4 + classes ? 'the model gives [1, N, 4 + classes] (transposed): is it an RT-DETR-style output?' : n === 5 + classes ? 'rows of 5 + classes: use decode.format yolov5 or yolox' : 'check the card\'s classes';
    throw mismatch(card, out, `[1, ${4 + classes}, N] (4 + ${classes} classes)`, hint);
  }
  const data = out.data;
  for (let i = 0; i < n; i++) {
    const [cls, score] = bestClass(data, 4 * n + i, n, classes, false);
    if (!(score >= filter.scoreThreshold)) continue;
    const cx = data[i]!;
    const cy = data[n + i]!;
    const w = data[2 * n + i]!;
    const h = data[3 * n + i]!;
    push(result, filter, cls, score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
  }
}

function decodeRtdetr(card: DetectorCard, outputs: readonly OutputTensor[], filter: CandidateFilter, result: Candidates): void {
  const classes = card.classes.length;
  const [h, w] = card.input.size;
  const sigmoid = card.decode.sigmoid === true;
  // One output [1, Q, 4 + C], or two: boxes [1, Q, 4] and class scores [1, Q, C].
  let boxes: Float32Array;
  let boxStride: number;
  let scores: Float32Array;
  let scoreOffset: number;
  let scoreStride: number;
  let q: number;
  if (outputs.length === 1) {
    const out = outputs[0]!;
    const [rows, cols] = matrix(card, out, `[1, Q, ${4 + classes}] (4 + ${classes} classes)`, '');
    if (cols !== 4 + classes) throw mismatch(card, out, `[1, Q, ${4 + classes}] (4 + ${classes} classes)`, rows === 4 + classes ? 'the model gives [1, 4 + classes, N]: use decode.format yolov8' : 'check the card\'s classes');
    ({ data: boxes } = out);
    scores = out.data;
    boxStride = cols;
    scoreOffset = 4;
    scoreStride = cols;
    q = rows;
  } else {
    const [b, s] = outputs as [OutputTensor, OutputTensor];
    const [qb, four] = matrix(card, b, '[1, Q, 4] (boxes)', '');
    const [qs, c] = matrix(card, s, `[1, Q, ${classes}] (class scores)`, '');
    if (four !== 4) throw mismatch(card, b, `[1, ${qb}, 4] (boxes)`, 'list the box output first in decode.outputs');
    if (c !== classes || qs !== qb) throw mismatch(card, s, `[1, ${qb}, ${classes}] (class scores)`, 'check the card\'s classes');
    boxes = b.data;
    scores = s.data;
    boxStride = 4;
    scoreOffset = 0;
    scoreStride = classes;
    q = qb;
  }
  for (let i = 0; i < q; i++) {
    const [cls, score] = bestClass(scores, i * scoreStride + scoreOffset, 1, classes, sigmoid);
    if (!(score >= filter.scoreThreshold)) continue;
    const o = i * boxStride;
    const cx = boxes[o]! * w;
    const cy = boxes[o + 1]! * h;
    const bw = boxes[o + 2]! * w;
    const bh = boxes[o + 3]! * h;
    push(result, filter, cls, score, cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2);
  }
}

// GFL (NanoDet): each side's distance from the cell centre is the expectation of a softmax over
// regMax + 1 bins, in stride units.
function decodeGfl(card: DetectorCard, outputs: readonly OutputTensor[], filter: CandidateFilter, result: Candidates): void {
  const classes = card.classes.length;
  const strides = card.decode.strides ?? [];
  const bins = (card.decode.regMax ?? 7) + 1;
  const paired = outputs.length === 2 * strides.length;
  if (!paired && outputs.length !== strides.length) throw new Error(`detector ${card.name}: decode nanodet-gfl with strides [${strides.join(', ')}] expects ${strides.length} outputs (classes and boxes together) or ${2 * strides.length} (class, box per stride); the model gives ${outputs.length}`);
  const prob = new Float64Array(bins);
  strides.forEach((stride, s) => {
    const { cols: gw, rows: gh } = gridCells(card, stride);
    const cls = paired ? outputs[2 * s]! : outputs[s]!;
    const reg = paired ? outputs[2 * s + 1]! : outputs[s]!;
    const clsWidth = paired ? classes : classes + 4 * bins;
    const [n, cc] = matrix(card, cls, `[1, ${gw * gh}, ${clsWidth}]`, '');
    const [nr, rc] = matrix(card, reg, `[1, ${gw * gh}, ${paired ? 4 * bins : clsWidth}]`, '');
    if (n !== gw * gh || cc !== clsWidth) throw mismatch(card, cls, `[1, ${gw * gh}, ${clsWidth}] (stride ${stride} over ${card.input.size[1]}x${card.input.size[0]}, ${classes} classes${paired ? '' : ` + 4 x ${bins} bins`})`, 'check decode.strides, decode.outputs order (class before box), classes and regMax');
    if (nr !== n || (paired && rc !== 4 * bins)) throw mismatch(card, reg, `[1, ${n}, ${4 * bins}] (4 sides x ${bins} bins, regMax ${bins - 1})`, 'check decode.regMax');
    const regOffset = paired ? 0 : classes;
    for (let i = 0; i < n; i++) {
      const [c, score] = bestClass(cls.data, i * cc, 1, classes, false);
      if (!(score >= filter.scoreThreshold) || (filter.classIds && !filter.classIds.has(c))) continue;
      const cx = ((i % gw) + 0.5) * stride;
      const cy = (Math.floor(i / gw) + 0.5) * stride;
      const d = [0, 0, 0, 0];
      for (let side = 0; side < 4; side++) {
        const o = i * rc + regOffset + side * bins;
        let max = -Infinity;
        for (let k = 0; k < bins; k++) max = Math.max(max, reg.data[o + k]!);
        let sum = 0;
        for (let k = 0; k < bins; k++) sum += prob[k] = Math.exp(reg.data[o + k]! - max);
        let e = 0;
        for (let k = 0; k < bins; k++) e += (prob[k]! / sum) * k;
        d[side] = e * stride;
      }
      push(result, filter, c, score, cx - d[0]!, cy - d[1]!, cx + d[2]!, cy + d[3]!);
    }
  });
}

/**
 * Candidate boxes (network-input pixels) of the card's head layout above the filter's score, with
 * their best class; throws a clear error when the outputs do not have the layout the card names.
 * @example const c = decodeCandidates(card, [{ name: 'output0', dims: [1, 84, 8400], data }], { scoreThreshold: 0.3 });
 */
export function decodeCandidates(card: DetectorCard, outputs: readonly OutputTensor[], filter: CandidateFilter): Candidates {
  const result: Candidates = { xyxy: [], scores: [], classIds: [] };
  const format = card.decode.format;
  const expectCount = (count: number | number[]): void => {
    const counts = Array.isArray(count) ? count : [count];
    if (!counts.includes(outputs.length)) throw new Error(`detector ${card.name}: decode ${format} reads ${counts.join(' or ')} output(s), but ${outputs.length} were given (${outputs.map((o) => o.name).join(', ')}); name them in decode.outputs`);
  };
  switch (format) {
    case 'yolox':
    case 'yolov5':
      expectCount(1);
      decodeYoloRows(card, outputs[0]!, filter, result);
      break;
    case 'yolov8':
      expectCount(1);
      decodeYolov8(card, outputs[0]!, filter, result);
      break;
    case 'rtdetr':
      expectCount([1, 2]);
      decodeRtdetr(card, outputs, filter, result);
      break;
    case 'nanodet-gfl':
      decodeGfl(card, outputs, filter, result);
      break;
  }
  return result;
}
