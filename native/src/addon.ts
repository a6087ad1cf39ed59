// Loads the compiled addon (native/build/sightline_native.node) and explains any failure.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FramePlan, NmsPlan, RoiPlan } from './plan.ts';

/** Must match kAbiVersion in cpp/addon.cc: a build from older sources is refused. */
export const ABI_VERSION = 2;

/** Where the addon runs a kernel: C++, CUDA, or the CUDA kernel bodies on the CPU (tests only). */
export const DEVICE = { cpu: 0, cuda: 1, cudaEmulated: 2 } as const;
export type Device = (typeof DEVICE)[keyof typeof DEVICE];

/** The flat API of cpp/addon.cc. `device` picks the kernel; `async` returns a Promise. */
export interface AddonBinding {
  abiVersion: number;
  cudaCompiled: boolean;
  frameToTensor(plan: FramePlan, device: Device, async: false): undefined;
  frameToTensor(plan: FramePlan, device: Device, async: true): Promise<undefined>;
  roiAlign(plan: RoiPlan, device: Device, async: false): undefined;
  roiAlign(plan: RoiPlan, device: Device, async: true): Promise<undefined>;
  nms(plan: NmsPlan, device: Device, async: false): Int32Array;
  nms(plan: NmsPlan, device: Device, async: true): Promise<Int32Array>;
  cudaDeviceCount(): number;
  cudaDescribe(): string;
  /** Sets the C++ worker thread count when given n > 0 (0 resets); returns the current count. */
  threads(n?: number): number;
}

export type AddonLoad = { ok: true; addon: AddonBinding; path: string } | { ok: false; error: Error; path: string };

const REBUILD = 'Rebuild it with `npm rebuild @sightline/native` (or `node native/scripts/build.mjs`; needs g++ and Node headers, nvcc optional)';

export const addonPath = (): string =>
  process.env.SIGHTLINE_NATIVE_ADDON ?? fileURLToPath(new URL('../build/sightline_native.node', import.meta.url));

let cached: AddonLoad | undefined;

/** Loads the addon once per process; never throws, the failure is returned with its fix. */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const path = addonPath();
  cached = tryLoad(path);
  return cached;
}

/** Says when the build on disk was made for another Node version (a common cause of load failures). */
function nodeMismatch(): string {
  try {
    const info = JSON.parse(readFileSync(new URL('../build/build-info.json', import.meta.url), 'utf8')) as { node?: string };
    if (info.node && info.node !== process.version) return ` It was built for Node ${info.node}, this is ${process.version}.`;
  } catch {
    // no build info: nothing to add
  }
  return '';
}

function tryLoad(path: string): AddonLoad {
  if (!existsSync(path)) {
    return { ok: false, path, error: new Error(`@sightline/native: the native addon is not built (${path} does not exist). ${REBUILD}.`) };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as AddonBinding;
    if (addon.abiVersion !== ABI_VERSION) {
      return {
        ok: false,
        path,
        error: new Error(`@sightline/native: ${path} was built from other sources (abi ${String(addon.abiVersion)}, expected ${ABI_VERSION}). ${REBUILD}.`),
      };
    }
    return { ok: true, addon, path };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, path, error: new Error(`@sightline/native: failed to load ${path}: ${reason}.${nodeMismatch()} ${REBUILD}.`) };
  }
}
