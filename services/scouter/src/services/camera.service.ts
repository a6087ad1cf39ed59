import type { PipelineSpec } from '@sightline/flow';
import type { Camera, CamerasChangedEvent, CreateCameraBody, UpdateCameraBody } from '@sightline/contracts';
import { HttpError } from '../lib/http-error.ts';
import { defaultSpec, sourceTypeOf } from '../pipeline/default-spec.ts';
import type { CameraRepository } from '../repositories/camera.repository.ts';
import { normaliseCameraUri } from './camera-uri.ts';

/** The spec with its attribute heads replaced (none: the stage is left out). */
function withHeads(spec: PipelineSpec, heads: readonly string[]): PipelineSpec {
  const { attributes: _replaced, ...rest } = spec;
  return heads.length > 0 ? { ...rest, attributes: { heads: [...heads] } } : rest;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/** Cameras over HTTP: checks input, stores camera + default pipeline spec, announces changes. */
export class CameraService {
  constructor(
    private readonly cameras: CameraRepository,
    private readonly announce: (event: CamerasChangedEvent) => void,
    /** Names of the deployed trained heads among `names` (none: only age and gender exist). */
    private readonly deployedHeads: (names: readonly string[]) => Promise<string[]> = async () => [],
  ) {}

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
    const uri = normaliseCameraUri(body.uri);
    const loop = body.loop ?? false;
    if (loop && sourceTypeOf(uri) !== 'video') throw new HttpError(400, 'loop applies to video files only; leave it out for rtsp:// and http(s):// streams');
    await this.checkHeads(body.attributes);
    const camera = { name: body.name.trim(), uri, fps: body.fps ?? 10, loop, enabled: body.enabled ?? true };
    let id: number;
    try {
      id = await this.cameras.create(camera, defaultSpec(camera, body.attributes ?? []));
    } catch (err) {
      if (isUniqueViolation(err)) throw new HttpError(409, `A camera named "${camera.name}" already exists; choose another name or remove that camera first`);
      throw err;
    }
    this.announce({ cameraId: id, change: 'added' });
    return this.get(id);
  }

  async update(id: number, body: UpdateCameraBody): Promise<Camera> {
    const current = await this.get(id);
    const uri = body.uri !== undefined ? normaliseCameraUri(body.uri) : current.uri;
    const loop = body.loop ?? current.loop;
    if (loop && sourceTypeOf(uri) !== 'video') throw new HttpError(400, 'loop applies to video files only; set loop to false for rtsp:// and http(s):// streams');
    await this.checkHeads(body.attributes);
    const next = { name: current.name, uri, fps: body.fps ?? current.fps, loop };
    const spec = body.attributes !== undefined ? withHeads((await this.cameras.spec(id)) ?? defaultSpec(next), body.attributes) : undefined;
    await this.cameras.update(id, { uri, fps: next.fps, loop, ...(body.enabled !== undefined ? { enabled: body.enabled } : {}) }, spec);
    this.announce({ cameraId: id, change: 'updated' });
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.cameras.remove(id))) throw new HttpError(404, `No camera with id ${id}; GET /cameras lists them`);
    this.announce({ cameraId: id, change: 'removed' });
  }
}
