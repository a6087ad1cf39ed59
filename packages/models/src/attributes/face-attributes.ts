// Face attributes of people: the face inside each person box (BlazeFace on the head region),
// then age and gender from faceres on the face crop. Pre-processing runs on the native kernels.
import { getEngine, type Frame, type NativeEngine } from '@sightline/native';
import type { Detections } from '@sightline/vision';
import type { InferenceSession } from '../backend/backend.ts';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { BlazeFaceDetector } from './blazeface.detector.ts';
import { clipRect, cropFrame } from './frame-crop.ts';

/** What one face says about its person. */
export interface FaceAttributes {
  /** Face box in frame pixels. */
  faceXyxy: [number, number, number, number];
  faceScore: number;
  /** Expected age in years under faceres' age distribution. */
  ageYears: number;
  /** Probability the person is male (faceres' gender output). */
  maleProbability: number;
}

export interface FaceAttributeOptions {
  /** Faces below this BlazeFace score are ignored (default 0.6). */
  minFaceScore?: number;
  /** Share of the person box height searched for the face, from the top (default 0.5). */
  headShare?: number;
  threads?: number;
  engine?: NativeEngine;
}

const FACERES = 224;

export class FaceAttributeEstimator {
  private readonly input = new Float32Array(FACERES * FACERES * 3);

  private constructor(
    private readonly faces: BlazeFaceDetector,
    private readonly faceres: InferenceSession,
    private readonly engine: NativeEngine,
    private readonly minFaceScore: number,
    private readonly headShare: number,
  ) {}

  /** @example const attrs = await (await FaceAttributeEstimator.create()).estimate(frame, people); */
  static async create(options: FaceAttributeOptions = {}): Promise<FaceAttributeEstimator> {
    const engine = options.engine ?? getEngine();
    const threads = options.threads ? { threads: options.threads } : {};
    const faces = await BlazeFaceDetector.create({ ...threads, engine });
    const faceres = await onnxRuntimeCpu.createSession(await ensureOnnxModel('faceres'), threads);
    return new FaceAttributeEstimator(faces, faceres, engine, options.minFaceScore ?? 0.6, options.headShare ?? 0.5);
  }

  /** Age and gender of the face in one face crop (any size; stretched to 224x224, 0..255). */
  async describeFace(face: Frame): Promise<{ ageYears: number; maleProbability: number }> {
    this.engine.frameToTensorSync(face, { width: FACERES, height: FACERES, scale: 1, layout: 'nhwc', out: this.input });
    const out = await this.faceres.run({ [this.faceres.inputNames[0]!]: { type: 'float32', dims: [1, FACERES, FACERES, 3], data: this.input } }, ['gender_pred/Sigmoid', 'age_pred/Softmax']);
    const ages = out['age_pred/Softmax']!.data as Float32Array;
    let age = 0;
    for (let i = 0; i < ages.length; i++) age += i * ages[i]!;
    return { ageYears: age, maleProbability: (out['gender_pred/Sigmoid']!.data as Float32Array)[0]! };
  }

  /** One entry per person box: its face attributes, or null when no face was found. */
  async estimate(frame: Frame, people: Detections): Promise<(FaceAttributes | null)[]> {
    const result: (FaceAttributes | null)[] = [];
    for (let i = 0; i < people.length; i++) {
      const [x1, y1, x2, y2] = people.box(i);
      const head = clipRect([x1, y1, x2, y1 + (y2 - y1) * this.headShare], frame.width, frame.height);
      const found = head ? (await this.faces.detect(cropFrame(frame, head), this.minFaceScore))[0] : undefined;
      if (!head || !found) {
        result.push(null);
        continue;
      }
      const fx1 = found.xyxy[0] + head[0];
      const fy1 = found.xyxy[1] + head[1];
      const fx2 = found.xyxy[2] + head[0];
      const fy2 = found.xyxy[3] + head[1];
      // A square around the face, a little larger, as faceres saw faces in training.
      const side = Math.max(fx2 - fx1, fy2 - fy1) * 1.2;
      const cx = (fx1 + fx2) / 2;
      const cy = (fy1 + fy2) / 2;
      const crop = clipRect([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2], frame.width, frame.height);
      if (!crop) {
        result.push(null);
        continue;
      }
      const { ageYears, maleProbability } = await this.describeFace(cropFrame(frame, crop));
      result.push({ faceXyxy: [fx1, fy1, fx2, fy2], faceScore: found.score, ageYears, maleProbability });
    }
    return result;
  }

  async release(): Promise<void> {
    await Promise.all([this.faces.release(), this.faceres.release()]);
  }
}
