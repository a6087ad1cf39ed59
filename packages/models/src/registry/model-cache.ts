// Converted models live in a cache folder (SIGHTLINE_MODEL_CACHE, default <repo>/.cache/models),
// made from the weights installed in node_modules at first use; nothing is downloaded.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

function cacheKey(card: ModelCard, modelJsonPath: string): string {
  const h = createHash('sha256');
  h.update(`converter ${CONVERTER_VERSION}\n`);
  h.update(JSON.stringify(card.outputs.map((o) => o.name)));
  h.update(readFileSync(modelJsonPath));
  return h.digest('hex').slice(0, 16);
}

const pending = new Map<string, Promise<string>>();

/**
 * The path of the ONNX file for a registered model, converting it on first use.
 * @example const onnxPath = await ensureOnnxModel('centernet');
 */
export async function ensureOnnxModel(id: string): Promise<string> {
  const card = modelCard(id);
  const modelJson = sourceModelPath(card);
  const file = join(modelCacheDir(), `${card.id}-${cacheKey(card, modelJson)}.onnx`);
  if (existsSync(file)) return file;
  let job = pending.get(file);
  if (!job) {
    job = (async () => {
      const source = card.source.builder === 'face-api-age-gender' ? buildFaceApiAgeGender(modelJson) : readTfjsGraphModel(modelJson);
      const converted = convertTfjsToOnnx(source, {
        outputs: card.outputs.map((o) => o.name),
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
