import type { PipelineSpec } from '@sightline/flow';
import type { Camera, CameraRegions, CamerasChangedEvent, CreateCameraBody, DetectorList, UpdateCameraBody } from '@sightline/contracts';
import { HttpError } from '@sightline/server-kit';
import { defaultSpec, sourceTypeOf } from '../pipeline/default-spec.ts';
import { builtInDetectors, peopleDetectorProblem, type DetectorCatalogue } from '../pipeline/detector-catalogue.ts';
import type { CameraRepository } from '../repositories/camera.repository.ts';
import { checkVideoFile, type CameraSourcePolicy } from './camera-source-policy.ts';

/** The spec with its detector replaced (classes, score floor and the rest kept). */
function withDetector(spec: PipelineSpec, detector: string): PipelineSpec {
  return { ...spec, detect: { ...spec.detect, model: detector } };
}

/** The spec with its attribute heads replaced (none: the stage is left out). */
function withHeads(spec: PipelineSpec, heads: readonly string[]): PipelineSpec {
  const { attributes: _replaced, ...rest } = spec;
  return heads.length > 0 ? { ...rest, attributes: { heads: [...heads] } } : rest;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/** Zone and line names identify events, so each is unique within its camera; a line needs two different ends. */
function checkRegions(regions: CameraRegions | undefined): void {
  if (!regions) return;
  for (const [kind, names] of [['zone', regions.zones.map((z) => z.name)], ['line', regions.lines.map((l) => l.name)]] as const) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new HttpError(400, `two ${kind}s are named "${dup}"; give each ${kind} of a camera its own name`);
  }
  const flat = regions.lines.find((l) => l.from[0] === l.to[0] && l.from[1] === l.to[1]);
  if (flat) throw new HttpError(400, `line "${flat.name}" starts and ends at the same point; give it two different end points`);
}

/** Cameras over HTTP: checks input, stores camera + default pipeline spec, announces changes. */
export class CameraService {
  constructor(
    private readonly cameras: CameraRepository,
    private readonly announce: (event: CamerasChangedEvent) => void,
    private readonly sources: CameraSourcePolicy,
    /** Names of the deployed trained heads among `names` (none: only age and gender exist). */
    private readonly deployedHeads: (names: readonly string[]) => Promise<string[]> = async () => [],
    private readonly detectors: DetectorCatalogue = builtInDetectors,
  ) {}

  /** A camera's detector must be one this Scouter knows, can load now, and that finds people. */
  private checkDetector(detector: string | undefined): void {
    const problem = detector === undefined ? undefined : peopleDetectorProblem(this.detectors, detector);
    if (problem) throw new HttpError(400, problem);
  }

  /** Every detector cameras and flows may name, the default first, with why one cannot run here now. */
  listDetectors(): DetectorList['detectors'] {
    return this.detectors.models.map((name) => ({ name, classes: [...this.detectors.classes(name)], unavailable: this.detectors.unavailable(name) ?? null }));
  }

  /** Heads other than age and gender must be deployed trained heads: a 400 names the others. */
  private async checkHeads(heads: readonly string[] | undefined): Promise<void> {
    const trained = (heads ?? []).filter((h) => h !== 'age' && h !== 'gender');
    if (trained.length === 0) return;
    const deployed = await this.deployedHeads(trained);
    const missing = trained.filter((h) => !deployed.includes(h));
    if (missing.length) throw new HttpError(400, `attribute head${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} neither age, gender nor a deployed trained head (GET /heads lists them)`);
  }

  list(): Promise<Camera[]> {
    return this.cameras.list();
  }

  async get(id: number): Promise<Camera> {
    const camera = await this.cameras.get(id);
    if (!camera) throw new HttpError(404, `No camera with id ${id}; GET /cameras lists them`);
    return camera;
  }

  async create(body: CreateCameraBody): Promise<Camera> {
    const uri = await this.sources.check(body.uri);
    await checkVideoFile(uri, body.uri);
    const loop = body.loop ?? false;
    if (loop && sourceTypeOf(uri) !== 'video') throw new HttpError(400, 'loop applies to video files only; leave it out for rtsp:// and http(s):// streams');
    await this.checkHeads(body.attributes);
    this.checkDetector(body.detector);
    checkRegions(body.regions);
    const camera = { name: body.name.trim(), uri, fps: body.fps ?? 10, loop, enabled: body.enabled ?? true, ...(body.regions ? { regions: body.regions } : {}) };
    let id: number;
    try {
      id = await this.cameras.create(camera, defaultSpec(camera, body.attributes ?? [], body.detector));
    } catch (err) {
      if (isUniqueViolation(err)) throw new HttpError(409, `A camera named "${camera.name}" already exists; choose another name or remove that camera first`);
      throw err;
    }
    this.announce({ cameraId: id, change: 'added' });
    return this.get(id);
  }

  async update(id: number, body: UpdateCameraBody): Promise<Camera> {
    const current = await this.get(id);
    const uri = body.uri !== undefined ? await this.sources.check(body.uri) : current.uri;
    if (body.uri !== undefined && uri !== current.uri) await checkVideoFile(uri, body.uri);
    const loop = body.loop ?? current.loop;
    if (loop && sourceTypeOf(uri) !== 'video') throw new HttpError(400, 'loop applies to video files only; set loop to false for rtsp:// and http(s):// streams');
    await this.checkHeads(body.attributes);
    // Only a change of detector is checked: a camera keeps running what it ran when weights go missing later.
    if (body.detector !== current.detector) this.checkDetector(body.detector);
    checkRegions(body.regions);
    const name = body.name?.trim() ?? current.name;
    const next = { name, uri, fps: body.fps ?? current.fps, loop };
    let spec = body.attributes !== undefined || body.detector !== undefined ? ((await this.cameras.spec(id)) ?? defaultSpec(next)) : undefined;
    if (spec && body.attributes !== undefined) spec = withHeads(spec, body.attributes);
    if (spec && body.detector !== undefined) spec = withDetector(spec, body.detector);
    const patch = { name, uri, fps: next.fps, loop, ...(body.enabled !== undefined ? { enabled: body.enabled } : {}), ...(body.regions ? { regions: body.regions } : {}) };
    try {
      await this.cameras.update(id, patch, spec);
    } catch (err) {
      if (isUniqueViolation(err)) throw new HttpError(409, `A camera named "${name}" already exists; choose another name`);
      throw err;
    }
    this.announce({ cameraId: id, change: 'updated' });
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.cameras.remove(id))) throw new HttpError(404, `No camera with id ${id}; GET /cameras lists them`);
    this.announce({ cameraId: id, change: 'removed' });
  }
}
