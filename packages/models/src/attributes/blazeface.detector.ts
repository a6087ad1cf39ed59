// BlazeFace (back-camera, 256x256) face detector: 896 anchors on 16x16 (2 per cell) and 8x8
// (6 per cell) grids; each predicts a centre offset, a size and a score logit.
import { getEngine, type Frame, type NativeEngine } from '@sightline/native';
import type { InferenceSession } from '../backend/backend.ts';
import { createModelSession } from '../backend/select-backend.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';

export interface FaceBox {
  /** Frame pixels. */
  xyxy: [number, number, number, number];
  score: number;
}

const SIZE = 256;
const GRIDS = [
  { stride: 16, perCell: 2, scores: 'Identity', boxes: 'Identity_2' },
  { stride: 32, perCell: 6, scores: 'Identity_1', boxes: 'Identity_3' },
] as const;

export class BlazeFaceDetector {
  private readonly input = new Float32Array(SIZE * SIZE * 3);

  private constructor(private readonly session: InferenceSession, private readonly engine: NativeEngine) {}

  /** @example const faces = await (await BlazeFaceDetector.create()).detect(headCrop, 0.6); */
  static async create(options: { threads?: number; engine?: NativeEngine } = {}): Promise<BlazeFaceDetector> {
    const { session } = await createModelSession('blazeface', await ensureOnnxModel('blazeface'), options.threads ? { threads: options.threads } : {});
    return new BlazeFaceDetector(session, options.engine ?? getEngine());
  }

  /** Faces scoring at least `minScore`, best first, after NMS at IoU 0.3. */
  async detect(frame: Frame, minScore = 0.6): Promise<FaceBox[]> {
    // (v / 127.5 - 1): the -1..1 range BlazeFace was trained on; padding is black (-1).
    const t = this.engine.frameToTensorSync(frame, { width: SIZE, height: SIZE, letterbox: true, scale: 1 / 127.5, mean: [1, 1, 1], layout: 'nhwc', out: this.input });
    const out = await this.session.run({ [this.session.inputNames[0]!]: { type: 'float32', dims: [1, SIZE, SIZE, 3], data: this.input } });
    const xyxy: number[] = [];
    const scores: number[] = [];
    for (const g of GRIDS) {
      const logits = out[g.scores]!.data as Float32Array;
      const reg = out[g.boxes]!.data as Float32Array;
      const cells = SIZE / g.stride;
      for (let i = 0; i < logits.length; i++) {
        const score = 1 / (1 + Math.exp(-logits[i]!));
        if (score < minScore) continue;
        const cell = Math.floor(i / g.perCell);
        const ax = g.stride * ((cell % cells) + 0.5);
        const ay = g.stride * (Math.floor(cell / cells) + 0.5);
        const cx = ax + reg[i * 16]!;
        const cy = ay + reg[i * 16 + 1]!;
        const w = reg[i * 16 + 2]!;
        const h = reg[i * 16 + 3]!;
        xyxy.push((cx - w / 2 - t.offsetX) / t.scaleX, (cy - h / 2 - t.offsetY) / t.scaleY, (cx + w / 2 - t.offsetX) / t.scaleX, (cy + h / 2 - t.offsetY) / t.scaleY);
        scores.push(score);
      }
    }
    const boxes = Float32Array.from(xyxy);
    const keep = this.engine.nmsSync(boxes, Float32Array.from(scores), { iouThreshold: 0.3 });
    return Array.from(keep, (k) => ({ xyxy: [boxes[k * 4]!, boxes[k * 4 + 1]!, boxes[k * 4 + 2]!, boxes[k * 4 + 3]!], score: scores[k]! }));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
