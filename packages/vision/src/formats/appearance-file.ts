// Appearance embeddings as text, one detection a line: `frame,n,v1,...,vD`, the embedding of the
// n-th detection (from 1, in the order of the detections file) of a 1-based frame. `sightline detect
// --appearance` writes it beside the detections (raw, uncentred), `sightline track --appearance`
// reads it back for the tracker's appearance cue.
import { MotFormatError } from './mot.ts';

/**
 * The lines of one frame's embeddings (5 significant digits each).
 * @example formatAppearance(3, [Float32Array.of(0.5, -1.25)]) // '3,1,0.5,-1.25\n'
 */
export function formatAppearance(frame: number, embeddings: readonly ArrayLike<number>[]): string {
  let text = '';
  for (let n = 0; n < embeddings.length; n++) {
    const values = Array.from(embeddings[n]!, (v) => Number(v.toPrecision(5)));
    text += `${frame},${n + 1},${values.join(',')}\n`;
  }
  return text;
}

/**
 * Parses an appearance file into frame -> embeddings in detection order. Blank lines are skipped;
 * every other line needs a whole frame >= 1, the next detection number of that frame and as many
 * finite values as the first line.
 * @example parseAppearance('3,1,0.5,-1.25\n3,2,1,0').get(3) // [Float32Array [0.5, -1.25], Float32Array [1, 0]]
 */
export function parseAppearance(text: string, file = '<text>'): Map<number, Float32Array[]> {
  const out = new Map<number, Float32Array[]>();
  let length = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => Number(f.trim()));
    if (fields.length < 3 || fields.some((v) => !Number.isFinite(v))) throw new MotFormatError(file, i + 1, `expected frame,n,v1,...,vD (numbers), got "${line.slice(0, 80)}${line.length > 80 ? '...' : ''}"`);
    const [frame, n] = fields as [number, number];
    if (!Number.isInteger(frame) || frame < 1) throw new MotFormatError(file, i + 1, `frame must be a whole number >= 1, got ${frame}`);
    const list = out.get(frame) ?? [];
    if (n !== list.length + 1) throw new MotFormatError(file, i + 1, `frame ${frame}: expected detection ${list.length + 1}, got ${n} (lines of a frame number its detections 1, 2, ... in order)`);
    const values = Float32Array.from(fields.slice(2));
    if (length === 0) length = values.length;
    else if (values.length !== length) throw new MotFormatError(file, i + 1, `${values.length} values, but the first line has ${length}`);
    list.push(values);
    out.set(frame, list);
  }
  return out;
}
