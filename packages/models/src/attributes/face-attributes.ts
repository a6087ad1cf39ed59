// Face attributes of people: the face inside each person box (BlazeFace on the head region),
// then age and gender (face-api's AgeGenderNet, or faceres) on the face crop. Pre-processing runs on the native kernels.
import { getEngine, type Frame, type NativeEngine } from '@sightline/native';
import type { Detections } from '@sightline/vision';
import type { InferenceSession } from '../backend/backend.ts';
import { createModelSession } from '../backend/select-backend.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { BlazeFaceDetector } from './blazeface.detector.ts';
import { clipRect, cropFrame } from './frame-crop.ts';

/** What one face says about its person. */
export interface FaceAttributes {
  /** Face box in frame pixels. */
  faceXyxy: [number, number, number, number];
  faceScore: number;
  /** Age in years (AgeGenderNet's regression, or the mean of faceres' age distribution). */
  ageYears: number;
  /** Probability the person is male. */
  maleProbability: number;
}

export interface FaceAttributeOptions {
  /** Faces below this BlazeFace score are ignored (default 0.6). */
  minFaceScore?: number;
  /** Share of the person box height searched for the face, from the top (default 0.5). */
  headShare?: number;
  /** Age/gender network: face-api's AgeGenderNet (default) or human's faceres. */
  model?: 'age-gender' | 'faceres';
  threads?: number;
  engine?: NativeEngine;
}

const SIZES = { faceres: 224, 'age-gender': 112 } as const;

export class FaceAttributeEstimator {
  private readonly input: Float32Array;

  private constructor(
    private readonly faces: BlazeFaceDetector,
    private readonly model: 'age-gender' | 'faceres',
    private readonly network: InferenceSession,
    private readonly engine: NativeEngine,
    private readonly minFaceScore: number,
    private readonly headShare: number,
  ) {
    this.input = new Float32Array(SIZES[model] * SIZES[model] * 3);
  }

  /** @example const attrs = await (await FaceAttributeEstimator.create()).estimate(frame, people); */
  static async create(options: FaceAttributeOptions = {}): Promise<FaceAttributeEstimator> {
    const engine = options.engine ?? getEngine();
    const threads = options.threads ? { threads: options.threads } : {};
    const faces = await BlazeFaceDetector.create({ ...threads, engine });
    const model = options.model ?? 'age-gender';
    const { session: network } = await createModelSession(model, await ensureOnnxModel(model), threads);
    return new FaceAttributeEstimator(faces, model, network, engine, options.minFaceScore ?? 0.6, options.headShare ?? 0.5);
  }

  /** Age and gender of the face in one face crop (any size; letterboxed to the network, 0..255). */
  async describeFace(face: Frame): Promise<{ ageYears: number; maleProbability: number }> {
    const size = SIZES[this.model];
    this.engine.frameToTensorSync(face, { width: size, height: size, letterbox: true, scale: 1, layout: 'nhwc', out: this.input });
    const feeds = { [this.network.inputNames[0]!]: { type: 'float32' as const, dims: [1, size, size, 3], data: this.input } };
    if (this.model === 'age-gender') {
      const out = await this.network.run(feeds, ['age', 'gender']);
      return { ageYears: (out['age']!.data as Float32Array)[0]!, maleProbability: (out['gender']!.data as Float32Array)[0]! };
    }
    const out = await this.network.run(feeds, ['gender_pred/Sigmoid', 'age_pred/Softmax']);
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
      // A square around the face, a little larger: both networks were trained on loose face crops.
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
    await Promise.all([this.faces.release(), this.network.release()]);
  }
}
