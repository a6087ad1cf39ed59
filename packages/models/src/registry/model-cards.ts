// Model cards: what each shipped network is, where its weights come from and how to feed it.
import { COCO_LABELS } from './coco-labels.ts';

export interface ModelOutputCard {
  name: string;
  shape: readonly number[];
  description: string;
}

export interface ModelCard {
  id: string;
  task: 'object-detection' | 'face-detection' | 'face-attributes' | 'face-emotion';
  description: string;
  /** npm package that ships the TFJS weights, and the model.json inside it. */
  source: { package: string; modelJson: string; upstream: string; builder?: 'face-api-age-gender' };
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
