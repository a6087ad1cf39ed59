// Converted models live in a cache folder (SIGHTLINE_MODEL_CACHE, default <repo>/.cache/models),
// made from the weights installed in node_modules at first use; nothing is downloaded.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CENTERNET_BATCH_CUT, CENTERNET_FEATURES, centernetDecodeForInput, centernetForInput } from '../convert/centernet-input.ts';
import { buildFaceApiAgeGender } from '../convert/face-api-age-gender.ts';
import { readTfjsGraphModel } from '../convert/tfjs-model.ts';
import { CONVERTER_VERSION, convertTfjsToOnnx } from '../convert/tfjs-to-onnx.ts';
import { modelCard, type ModelCard, type ModelFetch } from './model-cards.ts';
import { fetchedPackageDir } from './model-fetch.ts';

/** A model whose weights must be fetched first (`sightline models fetch <id>`). */
export class MissingWeightsError extends Error {
  override readonly name = 'MissingWeightsError';
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/** The folder converted models are written to. */
export function modelCacheDir(): string {
  return resolve(process.env.SIGHTLINE_MODEL_CACHE ?? join(repoRoot, '.cache', 'models'));
}

/** The installed folder of an npm package, found the way Node does (walking up node_modules). */
export function packageDir(name: string): string {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`npm package ${name} is not installed; it ships the model weights (run npm ci at the repository root)`);
  }
}

/** The model.json of a card's source package. */
export function sourceModelPath(card: ModelCard): string {
  if (card.source.fetch) {
    const fetched = join(fetchedPackageDir(modelCacheDir(), card as ModelCard & { source: { fetch: ModelFetch } }), card.source.modelJson);
    if (!existsSync(fetched)) throw new MissingWeightsError(`${card.id}'s weights are not here: run \`npx sightline models fetch ${card.id}\` (downloads ${card.source.package}@${card.source.fetch.version} from the npm registry and keeps its ${card.id} files)`);
    return fetched;
  }
  const path = join(packageDir(card.source.package), card.source.modelJson);
  if (!existsSync(path)) throw new Error(`${card.source.package} has no ${card.source.modelJson}; reinstall the package (npm ci)`);
  return path;
}

/**
 * Why a model cannot load yet (its fetched weights are absent, with the command that fetches
 * them), or undefined when its weights are here: tests and benchmarks skip with this message.
 * @example test('nanodet', { skip: weightsMissing('nanodet') }, ...)
 */
export function weightsMissing(id: string): string | undefined {
  try {
    sourceModelPath(modelCard(id));
    return undefined;
  } catch (err) {
    if (err instanceof MissingWeightsError) return err.message;
    throw err;
  }
}

function cacheKey(card: ModelCard, modelJsonPath: string): string {
  const h = createHash('sha256');
  h.update(`converter ${CONVERTER_VERSION}\n`);
  h.update(JSON.stringify(card.outputs.map((o) => o.name)));
  h.update(readFileSync(modelJsonPath));
  return h.digest('hex').slice(0, 16);
}

const pending = new Map<string, Promise<string>>();

export interface EnsureModelOptions {
  /** [height, width] of the network input when not the card's (CenterNet models only; multiples of 32). */
  readonly inputSize?: readonly [number, number];
  /**
   * A part of CenterNet for batched passes (convert/centernet-input.ts): 'batch-body', the network
   * with a free batch dimension up to the batch cut values and the shared feature map;
   * 'batch-decode', the decode tail for one frame from its slice of those values.
   */
  readonly part?: 'batch-body' | 'batch-decode';
}

function sameSize(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * The path of the ONNX file for a registered model, converting it on first use.
 * @example const onnxPath = await ensureOnnxModel('centernet', { inputSize: [384, 512] });
 */
export async function ensureOnnxModel(id: string, options: EnsureModelOptions = {}): Promise<string> {
  const card = modelCard(id);
  const modelJson = sourceModelPath(card);
  const size = options.inputSize && !sameSize(options.inputSize, card.input.size) ? options.inputSize : undefined;
  if (size && card.input.name !== 'tower_0/images') throw new Error(`model "${id}" runs at its card's input size only; the input size can be chosen for CenterNet models`);
  if (options.part && card.input.name !== 'tower_0/images') throw new Error(`model "${id}" has no ${options.part} part; batched parts exist for CenterNet models`);
  const suffix = `${size ? `-${size[1]}x${size[0]}` : ''}${options.part ? `-${options.part}` : ''}`;
  const file = join(modelCacheDir(), `${card.id}${suffix}-${cacheKey(card, modelJson)}.onnx`);
  if (existsSync(file)) return file;
  let job = pending.get(file);
  if (!job) {
    job = (async () => {
      const read = card.source.builder === 'face-api-age-gender' ? buildFaceApiAgeGender(modelJson) : readTfjsGraphModel(modelJson);
      const hw = size ?? card.input.size;
      const source =
        options.part === 'batch-body' ? centernetForInput(read, hw, { batch: 'dynamic' }) : options.part === 'batch-decode' ? centernetDecodeForInput(read, hw) : size ? centernetForInput(read, size) : read;
      const outputs = options.part === 'batch-body' ? [...CENTERNET_BATCH_CUT, CENTERNET_FEATURES] : card.outputs.map((o) => o.name);
      const converted = convertTfjsToOnnx(source, {
        outputs,
        metadata: { model: card.id, package: card.source.package, licence: card.licence },
      });
      mkdirSync(dirname(file), { recursive: true });
      // Write then rename, so a parallel process never reads half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, converted.onnx);
      renameSync(tmp, file);
      return file;
    })();
    pending.set(file, job);
  }
  return job;
}
