// Hawk's extracted frames, read through Hawk's API (GET /videos/:id/frames: up to 64 JPEGs back to
// back, their byte lengths in X-Frame-Lengths) with a pre-labeling job's frames token. The next batch
// is asked for while the caller decodes this one, so the network hides behind the detector.

/** Where and as whom to read one video's frames. */
export interface HawkFrameSource {
  /** Hawk's base URL, e.g. http://127.0.0.1:3001 (SCOUTER_HAWK_URL). */
  readonly hawkUrl: string;
  readonly token: string;
  readonly videoId: number;
}

/** Hawk's largest batch (the route's `count` maximum). */
const BATCH = 64;

/**
 * The JPEG bytes of frames `from` .. `from + count - 1` (0-based indices), in order.
 * @example for await (const jpeg of fetchHawkFrames({ hawkUrl, token, videoId: 3 }, 0, 100)) decode(jpeg);
 */
export async function* fetchHawkFrames(source: HawkFrameSource, from: number, count: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  let done = 0;
  let next: Promise<Uint8Array[]> | undefined = fetchBatch(source, from, Math.min(BATCH, count), signal);
  while (next) {
    const frames: Uint8Array[] = await next;
    done += frames.length;
    next = done < count ? fetchBatch(source, from + done, Math.min(BATCH, count - done), signal) : undefined;
    // A batch asked for ahead and then not wanted must not surface as an unhandled rejection.
    next?.catch(() => undefined);
    yield* frames;
  }
}

async function fetchBatch(source: HawkFrameSource, from: number, count: number, signal?: AbortSignal): Promise<Uint8Array[]> {
  const url = new URL(`/videos/${source.videoId}/frames?from=${from}&count=${count}`, source.hawkUrl);
  const what = `frames ${from + 1}..${from + count} of video ${source.videoId} from Hawk at ${source.hawkUrl}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${source.token}` }, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new Error(`cannot read ${what} (${(err as Error).message}); SCOUTER_HAWK_URL must be Hawk's address as seen from this Scouter`);
  }
  if (!res.ok) {
    const detail = await res.json().then((b: { message?: string }) => b.message, () => undefined);
    const why = res.status === 401 ? "the job's frames token expired or was revoked; ask for the pre-labeling again" : (detail ?? res.statusText);
    throw new Error(`cannot read ${what}: Hawk answered ${res.status}: ${why}`);
  }
  const lengths = (res.headers.get('x-frame-lengths') ?? '').split(',').filter(Boolean).map(Number);
  const body = new Uint8Array(await res.arrayBuffer());
  if (lengths.length === 0 || lengths.reduce((a, b) => a + b, 0) !== body.length) throw new Error(`cannot read ${what}: the answer's X-Frame-Lengths do not add up to its ${body.length} bytes`);
  let offset = 0;
  return lengths.map((n) => body.subarray(offset, (offset += n)));
}
