// Bring your own detector: a model-card JSON beside a user's ONNX file says how to feed the network
// (input size, layout, colour order, normalisation, letterbox) and how to read its output (one of
// the common head layouts). Unknown keys are refused, so a misspelt setting is an error, not a
// silent default.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { COCO_LABELS } from './coco-labels.ts';

/**
 * Output layouts read by `decodeDetections` (N candidates, C classes):
 * - `yolox`: [1, N, 5 + C] raw grid output (YOLOX's export default): x, y offsets and log w, h per
 *   cell of each stride, objectness and class probabilities (sigmoid applied); score = obj * cls.
 *   With `decoded: true`, boxes are already centre x, y, w, h in input pixels.
 * - `yolov5`: [1, N, 5 + C]: centre x, y, w, h (input pixels), objectness, class probabilities.
 * - `yolov8`: [1, 4 + C, N] (channels first, no objectness): centre x, y, w, h, class probabilities.
 * - `rtdetr`: [1, Q, 4 + C]: centre x, y, w, h normalised to 0..1 of the input, class probabilities
 *   (or logits with `sigmoid: true`); a set predictor, so no NMS unless `nms: true`.
 * - `nanodet-gfl`: one output per stride, [1, H*W, C + 4 * (regMax + 1)] or separate class and box
 *   outputs: class probabilities and a General Focal Loss distribution over each box side.
 */
export const DECODE_FORMATS = ['yolox', 'yolov5', 'yolov8', 'rtdetr', 'nanodet-gfl'] as const;
export type DecodeFormat = (typeof DECODE_FORMATS)[number];

export interface DetectorInputCard {
  /** Input name; default the model's first input. */
  name?: string;
  /** [height, width] of the network input. */
  size: readonly [number, number];
  layout: 'nchw' | 'nhwc';
  /** Channel order the network was trained on. */
  colour: 'rgb' | 'bgr';
  /** value = (pixel 0..255 - mean) / std, per channel in the card's colour order (YOLOv5/v8: mean 0, std 255). */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Keep the aspect ratio and pad (centred); false stretches the frame to the input size. */
  letterbox: boolean;
  /** Raw 0..255 value of the padding (YOLO: 114). */
  pad: number;
}

export interface DetectorDecodeCard {
  format: DecodeFormat;
  /** Output names, in the order the format reads them; default the model's outputs in order. */
  outputs?: readonly string[];
  /** yolox (raw) and nanodet-gfl: feature strides, finest first. */
  strides?: readonly number[];
  /** yolox: boxes are already decoded to input pixels. */
  decoded?: boolean;
  /** rtdetr: class outputs are logits (apply a sigmoid). */
  sigmoid?: boolean;
  /** nanodet-gfl: bins per box side minus one (NanoDet: 7). */
  regMax?: number;
  /** Class-aware NMS on the decoded boxes (default: on, except rtdetr). */
  nms?: boolean;
}

/**
 * A feature map of the same pass for the appearance cue (`sightline detect --appearance`, Scouter's
 * `track(..., appearance='on')`): each box is ROI-aligned on it into a few horizontal bands. A
 * fine level of the network's feature pyramid (stride 8) suits people tens of pixels tall.
 */
export interface DetectorAppearanceCard {
  /** The model output holding the map (export it as a graph output). */
  output: string;
  /** Input pixels per map cell. */
  stride: number;
  /** The map's layout: [1, C, H, W] or [1, H, W, C]. */
  layout: 'nchw' | 'nhwc';
}

/** A user's detector: the ONNX file and how to run it. */
export interface DetectorCard {
  /** Model name: how flows, cameras and logs name it, and SIGHTLINE_BACKEND_<NAME> picks its engine. */
  name: string;
  /** The ONNX file (absolute after parsing; relative in the JSON to the card's folder). */
  model: string;
  description?: string;
  licence?: string;
  classes: readonly string[];
  input: DetectorInputCard;
  decode: DetectorDecodeCard;
  /** Defaults of the detector's filters. */
  scoreThreshold: number;
  iouThreshold: number;
  /** Score calibration for the tracker (see ModelCard.trackerScores). */
  trackerScores?: { readonly trackThresh: number; readonly newTrackThresh: number };
  /** A feature map the appearance cue pools; without it the detector gives boxes only. */
  appearance?: DetectorAppearanceCard;
}

const TOP_KEYS = ['name', 'model', 'description', 'licence', 'classes', 'input', 'decode', 'scoreThreshold', 'iouThreshold', 'trackerScores', 'appearance'];
const APPEARANCE_KEYS = ['output', 'stride', 'layout'];
const INPUT_KEYS = ['name', 'size', 'layout', 'colour', 'mean', 'std', 'letterbox', 'pad'];
const DECODE_KEYS = ['format', 'outputs', 'strides', 'decoded', 'sigmoid', 'regMax', 'nms'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTriple = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const inUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

function unknownKeys(where: string, value: Record<string, unknown>, allowed: string[], problems: string[]): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length) problems.push(`${where}unknown keys ${extra.join(', ')} (allowed: ${allowed.join(', ')})`);
}

/**
 * Checks a parsed card and resolves its model path against `baseDir`; throws one error listing every
 * problem, each saying what is expected.
 * @example const card = parseDetectorCard(JSON.parse(text), '/models'); card.model // '/models/yolox_s.onnx'
 */
export function parseDetectorCard(json: unknown, baseDir: string, source = 'detector card'): DetectorCard {
  if (!isObject(json)) throw new Error(`${source}: expected a JSON object with name, model, classes, input and decode`);
  const problems: string[] = [];
  unknownKeys('', json, TOP_KEYS, problems);
  if (typeof json.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(json.name)) problems.push('name must be a model name of letters, digits, ".", "_" or "-" (e.g. "yolox-s")');
  if (typeof json.model !== 'string' || !json.model) problems.push('model must name the ONNX file (relative to the card)');
  let classes: readonly string[] = [];
  if (json.classes === 'coco') classes = COCO_LABELS;
  else if (Array.isArray(json.classes) && json.classes.length > 0 && json.classes.every((c) => typeof c === 'string' && c)) classes = json.classes as string[];
  else problems.push('classes must be "coco" or a list of class names in the order of the model\'s class outputs');

  const input = json.input;
  if (!isObject(input)) problems.push('input must be an object: { size: [height, width], layout, colour, mean, std, letterbox, pad }');
  else {
    unknownKeys('input: ', input, INPUT_KEYS, problems);
    if (input.name !== undefined && typeof input.name !== 'string') problems.push('input.name must be a string');
    if (!(Array.isArray(input.size) && input.size.length === 2 && input.size.every((s) => Number.isInteger(s) && s >= 8 && s <= 4096))) problems.push('input.size must be [height, width], whole numbers 8..4096');
    if (input.layout !== 'nchw' && input.layout !== 'nhwc') problems.push('input.layout must be "nchw" or "nhwc"');
    if (input.colour !== 'rgb' && input.colour !== 'bgr') problems.push('input.colour must be "rgb" or "bgr"');
    if (!isTriple(input.mean)) problems.push('input.mean must be three numbers (0..255 units, e.g. [0, 0, 0])');
    if (!isTriple(input.std) || !input.std.every((s) => s !== 0)) problems.push('input.std must be three non-zero numbers (e.g. [255, 255, 255] for 0..1 input)');
    if (typeof input.letterbox !== 'boolean') problems.push('input.letterbox must be true (keep aspect, pad) or false (stretch)');
    if (input.pad !== undefined && !(typeof input.pad === 'number' && input.pad >= 0 && input.pad <= 255)) problems.push('input.pad must be a 0..255 pixel value');
  }

  const decode = json.decode;
  if (!isObject(decode)) problems.push(`decode must be an object with format one of ${DECODE_FORMATS.join(', ')}`);
  else {
    unknownKeys('decode: ', decode, DECODE_KEYS, problems);
    if (!(DECODE_FORMATS as readonly unknown[]).includes(decode.format)) problems.push(`decode.format must be one of ${DECODE_FORMATS.join(', ')}, got ${JSON.stringify(decode.format)}`);
    if (decode.outputs !== undefined && !(Array.isArray(decode.outputs) && decode.outputs.length > 0 && decode.outputs.every((o) => typeof o === 'string'))) problems.push('decode.outputs must list output names');
    if (decode.strides !== undefined && !(Array.isArray(decode.strides) && decode.strides.length > 0 && decode.strides.every((s) => Number.isInteger(s) && s > 0))) problems.push('decode.strides must list positive whole numbers, e.g. [8, 16, 32]');
    for (const k of ['decoded', 'sigmoid', 'nms'] as const) if (decode[k] !== undefined && typeof decode[k] !== 'boolean') problems.push(`decode.${k} must be true or false`);
    if (decode.regMax !== undefined && !(Number.isInteger(decode.regMax) && (decode.regMax as number) > 0)) problems.push('decode.regMax must be a positive whole number');
    const needsStrides = (decode.format === 'yolox' && decode.decoded !== true) || decode.format === 'nanodet-gfl';
    if (needsStrides && decode.strides === undefined) problems.push(`decode.strides is required for ${String(decode.format)}${decode.format === 'yolox' ? ' raw output (or set decoded: true)' : ''}, e.g. [8, 16, 32]`);
  }
  if (json.scoreThreshold !== undefined && !inUnit(json.scoreThreshold)) problems.push('scoreThreshold must be within 0..1');
  if (json.iouThreshold !== undefined && !(inUnit(json.iouThreshold) && json.iouThreshold > 0)) problems.push('iouThreshold must be within (0, 1]');
  const ts = json.trackerScores;
  if (ts !== undefined && !(isObject(ts) && inUnit(ts.trackThresh) && inUnit(ts.newTrackThresh) && Object.keys(ts).length === 2)) problems.push('trackerScores must be { trackThresh, newTrackThresh }, both within 0..1');
  const appearance = json.appearance;
  if (appearance !== undefined) {
    if (!isObject(appearance)) problems.push('appearance must be an object: { output, stride, layout }');
    else {
      unknownKeys('appearance: ', appearance, APPEARANCE_KEYS, problems);
      if (typeof appearance.output !== 'string' || !appearance.output) problems.push('appearance.output must name the model output that holds the feature map');
      if (!(Number.isInteger(appearance.stride) && (appearance.stride as number) > 0)) problems.push('appearance.stride must be the input pixels per map cell, a positive whole number (e.g. 8)');
      if (appearance.layout !== 'nchw' && appearance.layout !== 'nhwc') problems.push('appearance.layout must be "nchw" ([1, C, H, W]) or "nhwc" ([1, H, W, C])');
      if (isObject(decode) && Array.isArray(decode.outputs) && decode.outputs.includes(appearance.output)) problems.push('appearance.output must not be one of decode.outputs (the map is not a head output)');
    }
  }
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);

  const i = input as Record<string, unknown>;
  const d = decode as Record<string, unknown>;
  const model = json.model as string;
  return {
    name: json.name as string,
    model: isAbsolute(model) ? model : resolve(baseDir, model),
    ...(typeof json.description === 'string' ? { description: json.description } : {}),
    ...(typeof json.licence === 'string' ? { licence: json.licence } : {}),
    classes,
    input: {
      ...(typeof i.name === 'string' ? { name: i.name } : {}),
      size: i.size as [number, number],
      layout: i.layout as 'nchw' | 'nhwc',
      colour: i.colour as 'rgb' | 'bgr',
      mean: i.mean as [number, number, number],
      std: i.std as [number, number, number],
      letterbox: i.letterbox as boolean,
      pad: (i.pad as number | undefined) ?? 0,
    },
    decode: { ...(d as unknown as DetectorDecodeCard) },
    scoreThreshold: (json.scoreThreshold as number | undefined) ?? 0.3,
    iouThreshold: (json.iouThreshold as number | undefined) ?? 0.5,
    ...(ts ? { trackerScores: ts as { trackThresh: number; newTrackThresh: number } } : {}),
    ...(isObject(appearance) ? { appearance: { output: appearance.output as string, stride: appearance.stride as number, layout: appearance.layout as 'nchw' | 'nhwc' } } : {}),
  };
}

/**
 * Reads and checks a detector card file; its model path is resolved against the card's folder.
 * @example const card = readDetectorCard('models/yolox-s.card.json');
 */
export function readDetectorCard(path: string): DetectorCard {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read detector card ${path}: ${(err as Error).message}`);
  }
  return parseDetectorCard(json, dirname(resolve(path)), `detector card ${path}`);
}
