// CenterNet's sessions: one per input shape met (and the batched parts per shape), opened on first
// use and shared by every filter view of one loaded model.
import type { InferenceSession } from '../backend/backend.ts';
import type { BatchSessions } from './centernet-batch.ts';

/** A network input [height, width]. */
export type Shape = readonly [number, number];

/** The sessions of one loaded model, one per input shape, shared by every filter view of it. */
export class ShapeSessions {
  private readonly byShape = new Map<string, Promise<InferenceSession>>();
  private readonly batchByShape = new Map<string, Promise<BatchSessions>>();

  constructor(
    readonly base: { shape: Shape; session: InferenceSession },
    private readonly open: (shape: Shape) => Promise<InferenceSession>,
    private readonly openBatch: (shape: Shape) => Promise<BatchSessions>,
  ) {
    this.byShape.set(base.shape.join('x'), Promise.resolve(base.session));
  }

  get(shape: Shape): Promise<InferenceSession> {
    return openOnce(this.byShape, shape, this.open);
  }

  /** The sessions of batched passes at `shape`, opened on first use. */
  getBatch(shape: Shape): Promise<BatchSessions> {
    return openOnce(this.batchByShape, shape, this.openBatch);
  }

  async release(): Promise<void> {
    const all = [...this.byShape.values()];
    const batched = [...this.batchByShape.values()];
    this.byShape.clear();
    this.batchByShape.clear();
    for (const s of all) await (await s.catch(() => undefined))?.release();
    for (const b of batched) {
      const loaded = await b.catch(() => undefined);
      await loaded?.body.release();
      await loaded?.decode.release();
    }
  }
}

/** The entry of `shape` in `opened`, opening it on first use; a failed open is forgotten, so the next call tries again. */
function openOnce<T>(opened: Map<string, Promise<T>>, shape: Shape, open: (shape: Shape) => Promise<T>): Promise<T> {
  const key = shape.join('x');
  let entry = opened.get(key);
  if (!entry) {
    entry = open(shape);
    entry.catch(() => opened.delete(key));
    opened.set(key, entry);
  }
  return entry;
}
