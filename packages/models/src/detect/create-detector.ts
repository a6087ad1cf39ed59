// One way to name a detector everywhere (CLI, Scouter cameras and flows): a registry id
// ('centernet') or the path of a detector card JSON (a user's ONNX model, see detector-card.ts).
import type { Backend } from '../backend/backend.ts';
import type { BackendChoice } from '../backend/select-backend.ts';
import { readDetectorCard, type DetectorCard } from '../registry/detector-card.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { MODEL_CARDS } from '../registry/model-cards.ts';
import { CenterNetDetector } from './centernet.detector.ts';
import type { DetectorFilters, ObjectDetector } from './object-detector.ts';
import { OnnxDetector } from './onnx.detector.ts';

/** Registry detectors (object-detection cards that either decode in their graph or say how to decode). */
export const REGISTERED_DETECTORS: readonly string[] = MODEL_CARDS.filter((c) => c.task === 'object-detection' && (c.detector || c.outputs.length === 1)).map((c) => c.id);

/** Whether a model name is a detector card path rather than a registry id. */
export function isDetectorCardPath(model: string): boolean {
  return model.toLowerCase().endsWith('.json');
}

export interface CreateDetectorOptions extends DetectorFilters {
  threads?: number;
  backend?: Backend;
  backendChoice?: BackendChoice;
  /** CenterNet's network input [height, width] or 'source' (see CenterNetOptions.inputSize); other detectors run at their card's. */
  inputSize?: readonly [number, number] | 'source';
}

/**
 * A registry detector by id, or a card-described ONNX detector by the card's path.
 * @example const d = await createDetector('models/yolox-s.card.json', { classIds: [0] });
 */
export async function createDetector(model: string, options: CreateDetectorOptions = {}): Promise<ObjectDetector> {
  const common = {
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.backendChoice ? { backendChoice: options.backendChoice } : {}),
    ...(options.scoreThreshold !== undefined ? { scoreThreshold: options.scoreThreshold } : {}),
    ...(options.classIds ? { classIds: options.classIds } : {}),
  };
  if (isDetectorCardPath(model)) return OnnxDetector.create(model, common);
  if (model === 'centernet') return CenterNetDetector.create({ ...common, model: 'centernet', ...(options.inputSize ? { inputSize: options.inputSize } : {}) });
  const registered = MODEL_CARDS.find((c) => c.id === model && c.detector);
  if (registered?.detector) {
    // A registry model decoded outside its graph: converted into the cache, then run as a card.
    const onnx = await ensureOnnxModel(model);
    const card: DetectorCard = {
      name: registered.id,
      model: onnx,
      classes: registered.classes ?? [],
      ...registered.detector,
      decode: { ...registered.detector.decode, outputs: registered.outputs.map((o) => o.name).filter((name) => name !== registered.detector?.appearance?.output) },
      ...(registered.trackerScores ? { trackerScores: registered.trackerScores } : {}),
    };
    return OnnxDetector.create(card, common);
  }
  throw new Error(`unknown detector "${model}": use one of ${REGISTERED_DETECTORS.join(', ')} or the path of a detector card (.json)`);
}

/**
 * The tracker score calibration of a detector named as createDetector takes it (undefined: none).
 * @example detectorTrackerScores('centernet') // { trackThresh: 0.35, newTrackThresh: 0.5 }
 */
export function detectorTrackerScores(model: string): { trackThresh: number; newTrackThresh: number } | undefined {
  if (isDetectorCardPath(model)) return readDetectorCard(model).trackerScores;
  return MODEL_CARDS.find((c) => c.id === model)?.trackerScores;
}
