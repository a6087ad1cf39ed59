// Hawk's approved labels and frames, read through Hawk's API for training: GET /projects (the
// project by id or name, with its label schema), GET /projects/:id/videos, GET /videos/:id/export
// ?format=hawk (approved boxes with attribute values and track ids, tracks expanded by Hawk's own
// rules) and GET /videos/:id/frames/:index. Scouter never reads Hawk's tables or files.
import { join } from 'node:path';
import { HawkProject, HawkVideo, HawkXyxy, type HawkExportDocument, type HawkLabelSchema } from '@sightline/contracts';
import { dataDir } from '@sightline/db';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Where and as whom to read Hawk: SCOUTER_HAWK_URL and SCOUTER_HAWK_TOKEN (a read-only API token). */
export interface HawkApiAccess {
  readonly hawkUrl: string;
  readonly token: string;
}

/** Where training keeps the frames it fetched from Hawk (named by their content). */
export function hawkFramesDir(): string {
  return join(dataDir(), 'training', 'hawk-frames');
}

/**
 * The part of Hawk's export document (HawkExportDocument) training reads. The contract's attribute
 * values are a JSON-schema type list (Type.Unsafe) that TypeBox's Value cannot check, so they are
 * spelled here as the union they stand for.
 */
const ApprovedExport = Type.Object({
  frames: Type.Array(
    Type.Object({
      frame: Type.Integer({ minimum: 0 }),
      boxes: Type.Array(Type.Object({ label: Type.String(), xyxy: HawkXyxy, attributes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])), trackId: Type.Union([Type.String(), Type.Null()]) })),
    }),
  ),
});
// The two must describe the same document: this fails to compile when the contract moves away.
const sameShape: (doc: HawkExportDocument) => Static<typeof ApprovedExport> = (doc) => doc;
void sameShape;

export interface HawkProjectRef {
  id: number;
  name: string;
  labelSchema: HawkLabelSchema;
}

/** One approved box with its attribute values; `trackId` is its track (null for a lone box). */
export interface ApprovedBox {
  /** "video:frame:track@frame" for a track's box; "video:frame:n" for a lone box (its place on the frame in Hawk's export). */
  boxId: string;
  videoId: number;
  frame: number;
  label: string;
  xyxy: [number, number, number, number];
  attributes: Record<string, string | number | boolean>;
  /** "video:track", so tracks of two videos never share a group in the split. */
  trackId: string | null;
}

/** Hawk refused or could not answer what a training job needs (the message says what to fix). */
export class HawkApiError extends Error {
  override readonly name = 'HawkApiError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class HawkLabelsClient {
  constructor(private readonly access: HawkApiAccess) {}

  private async get(path: string): Promise<Response> {
    if (!this.access.token) throw new HawkApiError('no Hawk API token: set SCOUTER_HAWK_TOKEN (sightline train: --hawk-token) to a read-only Hawk API token of a user who may see the project');
    try {
      return await fetch(new URL(path, this.access.hawkUrl), { headers: { authorization: `Bearer ${this.access.token}` } });
    } catch (err) {
      throw new HawkApiError(`cannot reach Hawk at ${this.access.hawkUrl} for GET ${path} (${(err as Error).message}); SCOUTER_HAWK_URL must be Hawk's address as seen from this Scouter`);
    }
  }

  private async refused(res: Response, path: string): Promise<HawkApiError> {
    const detail = await res.json().then((b: { message?: string }) => b.message, () => undefined);
    const why = res.status === 401 ? 'the Hawk API token expired or was revoked (SCOUTER_HAWK_TOKEN)' : (detail ?? res.statusText);
    return new HawkApiError(`Hawk answered ${res.status} to GET ${path}: ${why}`, res.status);
  }

  /** The body of GET `path`, checked against its TypeBox contract; undefined for a status in `absent`. */
  private async json<T extends TSchema>(path: string, schema: T, absent: readonly number[] = []): Promise<Static<T> | undefined> {
    const res = await this.get(path);
    if (absent.includes(res.status)) return undefined;
    if (!res.ok) throw await this.refused(res, path);
    const body: unknown = await res.json();
    if (!Value.Check(schema, body)) throw new HawkApiError(`Hawk's answer to GET ${path} does not match its contract: ${[...Value.Errors(schema, body)].slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ')}`);
    return body;
  }

  /** The project with that id or name among those the token's user may see; undefined when none. */
  async project(ref: string | number): Promise<HawkProjectRef | undefined> {
    const projects = (await this.json('/projects', Type.Array(HawkProject)))!;
    const p = projects.find((x) => (typeof ref === 'number' ? x.id === ref : x.name === ref));
    return p && { id: p.id, name: p.name, labelSchema: p.labelSchema };
  }

  /** Videos of the project whose frames are extracted, by id. */
  async videos(projectId: number): Promise<{ id: number; frameCount: number }[]> {
    const videos = (await this.json(`/projects/${projectId}/videos`, Type.Array(HawkVideo)))!;
    return videos.filter((v) => v.status === 'ready').map((v) => ({ id: v.id, frameCount: v.frameCount })).sort((a, b) => a.id - b.id);
  }

  /** Every approved box of a video, frames in order; none when nothing is approved yet (Hawk's 409). */
  async approvedBoxes(videoId: number): Promise<ApprovedBox[]> {
    const doc = await this.json(`/videos/${videoId}/export?format=hawk`, ApprovedExport, [409]);
    if (!doc) return [];
    return doc.frames.flatMap((f) =>
      f.boxes.map((b, n) => ({ boxId: b.trackId === null ? `${videoId}:${f.frame}:${n}` : `${videoId}:${f.frame}:${b.trackId}@${f.frame}`, videoId, frame: f.frame, label: b.label, xyxy: [...b.xyxy] as ApprovedBox['xyxy'], attributes: b.attributes, trackId: b.trackId === null ? null : `${videoId}:${b.trackId}` })),
    );
  }

  /** The JPEG of one extracted frame (0-based); undefined when the video or the frame is gone. */
  async frameJpeg(videoId: number, frame: number): Promise<Uint8Array | undefined> {
    const path = `/videos/${videoId}/frames/${frame}`;
    const res = await this.get(path);
    if (res.status === 404) return undefined;
    if (!res.ok) throw await this.refused(res, path);
    return new Uint8Array(await res.arrayBuffer());
  }
}
