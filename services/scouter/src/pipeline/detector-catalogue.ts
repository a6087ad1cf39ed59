// The detectors this Scouter can run: the registry's CenterNet plus each detector card named in
// SCOUTER_DETECTOR_CARDS (a user's ONNX model; packages/models README). Flows and cameras name a
// detector by model name; the inference thread loads it by registry id or card path.
import { COCO_LABELS, modelCard, readDetectorCard, REGISTERED_DETECTORS, weightsMissing, type DetectorCard } from '@sightline/models';

/** Registry detectors every Scouter has (nanodet needs its weights fetched first). */
export const REGISTRY_DETECTORS: readonly string[] = REGISTERED_DETECTORS;

export interface DetectorCatalogue {
  /** Model names flows and cameras may use, the default first. */
  readonly models: readonly string[];
  /** What the inference thread loads for a model name: a registry id or a card's path. */
  source(model: string): string | undefined;
  /** Class names by class index of a model. */
  classes(model: string): readonly string[];
  /** The model's score calibration for ByteTrack, when known. */
  trackerScores(model: string): { trackThresh: number; newTrackThresh: number } | undefined;
  /** Why a model cannot load on this machine now (registry weights not fetched, with the command), or undefined. */
  unavailable(model: string): string | undefined;
}

/**
 * The catalogue from a comma-separated list of card paths (the setting's value); a card that does
 * not parse, or a name taken twice, is an error at boot naming the file.
 * @example detectorCatalogue('/models/yolox-s.card.json').models // ['centernet', 'yolox-s']
 */
export function detectorCatalogue(cardPaths: string): DetectorCatalogue {
  const cards = new Map<string, { path: string; card: DetectorCard }>();
  for (const path of cardPaths.split(',').map((p) => p.trim()).filter(Boolean)) {
    const card = readDetectorCard(path);
    if (REGISTRY_DETECTORS.includes(card.name) || cards.has(card.name)) {
      throw new Error(`SCOUTER_DETECTOR_CARDS: detector name "${card.name}" of ${path} is already taken${cards.has(card.name) ? ` by ${cards.get(card.name)!.path}` : ' by a built-in model'}; give the card another name`);
    }
    cards.set(card.name, { path, card });
  }
  return {
    models: [...REGISTRY_DETECTORS, ...cards.keys()],
    source: (model) => (REGISTRY_DETECTORS.includes(model) ? model : cards.get(model)?.path),
    classes: (model) => cards.get(model)?.card.classes ?? COCO_LABELS,
    trackerScores: (model) => cards.get(model)?.card.trackerScores ?? (REGISTRY_DETECTORS.includes(model) ? modelCard(model).trackerScores : undefined),
    unavailable: (model) => (REGISTRY_DETECTORS.includes(model) ? weightsMissing(model) : undefined),
  };
}

/**
 * Why `model` cannot be the detector of a people pipeline (a camera's, `sightline run`'s default):
 * unknown here, not loadable now, or without a "person" class; undefined when it can.
 */
export function peopleDetectorProblem(detectors: DetectorCatalogue, model: string): string | undefined {
  if (!detectors.models.includes(model)) return `detector "${model}" is not one of ${detectors.models.join(', ')} (SCOUTER_DETECTOR_CARDS adds your own)`;
  const why = detectors.unavailable(model);
  if (why) return `detector "${model}" cannot run here yet: ${why}`;
  const classes = detectors.classes(model);
  if (!classes.includes('person')) return `detector "${model}" has no "person" class (it detects ${classes.join(', ')}); write a flow with detect(frame, model='${model}', classes=[...]) for its classes`;
  return undefined;
}

/** The catalogue without user cards. */
export const builtInDetectors: DetectorCatalogue = detectorCatalogue('');
