import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPool, migrateUp, openDatabase } from '@sightline/db';
import { UsageError, type CliCommand } from '@sightline/cli';
import { FlowRejectedError, runVideo } from '../run-video.ts';

const usage = `Usage: sightline run --video <file> [--model <name> | --flow <file>] [--threads <n>]

  --video <file>   the video to run (any format ffmpeg reads)
  --model <name>   the detector: centernet (default), nanodet (after \`npx sightline models fetch
                   nanodet\`), or the name of a card in SCOUTER_DETECTOR_CARDS that finds people;
                   the tracker takes its score calibration
  --flow <file>    a flow (Scouter flow language) whose first pipeline runs on the video;
                   default: detect people with centernet, track with bytetrack, store in Postgres;
                   the flow may name the detectors of the cards in SCOUTER_DETECTOR_CARDS
  --threads <n>    inference threads (default 2)

Runs the whole pipeline on every frame (decode, detect, track, store tracks and observations)
and prints a summary: people counted, tracks, frames per second. Uses DATABASE_URL when set,
otherwise the embedded PostgreSQL under the data folder (started for the command).`;

/** `sightline run --video <file> [--model <name> | --flow <file>]`: the pipeline on one video, with a summary. */
export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Detect and track people in one video and store the tracks',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { video: { type: 'string' }, model: { type: 'string' }, flow: { type: 'string' }, threads: { type: 'string' } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (give the video with --video)`);
    if (!values.video) throw new UsageError('--video <file> is required');
    if (values.model !== undefined && values.flow !== undefined) throw new UsageError('--model and --flow do not go together: name the detector in the flow, detect(frame, model=...)');
    const threads = values.threads === undefined ? 2 : Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be a whole number from 1 to 64, got "${values.threads}"`);
    let flow: { text: string; fileName: string } | undefined;
    if (values.flow) {
      try {
        flow = { text: readFileSync(values.flow, 'utf8'), fileName: values.flow };
      } catch (err) {
        throw new UsageError(`cannot read the flow file "${values.flow}": ${(err as Error).message}`);
      }
    }

    const database = await openDatabase();
    const pool = createPool(database.url, { log: () => undefined });
    try {
      await migrateUp(pool);
      let last = 0;
      const summary = await runVideo({
        pool,
        video: values.video,
        inferenceThreads: threads,
        ...(process.env.SCOUTER_DETECTOR_CARDS ? { detectorCards: process.env.SCOUTER_DETECTOR_CARDS } : {}),
        ...(flow ? { flow } : {}),
        ...(values.model !== undefined ? { model: values.model } : {}),
        onProgress: (frames) => {
          if (process.stderr.isTTY && frames - last >= 25) {
            last = frames;
            process.stderr.write(`\r${frames} frames...`);
          }
        },
      }).catch((err: Error) => {
        if (err instanceof FlowRejectedError) throw new UsageError(flow ? `the flow has errors:\n${err.message}` : err.message);
        if ((err as { statusCode?: number }).statusCode === 400) throw new UsageError(err.message);
        throw err;
      });
      if (process.stderr.isTTY) process.stderr.write('\r');
      console.log(`Video:           ${values.video}`);
      console.log(`Pipeline:        ${summary.pipeline} (camera ${summary.cameraId}, "${summary.cameraName}")`);
      console.log(`Detector:        ${summary.detector}`);
      console.log(`Frames:          ${summary.frames} in ${summary.seconds.toFixed(1)} s`);
      console.log(`FPS:             ${summary.fps.toFixed(1)}${summary.detectMsP50 !== null ? ` (detector ${summary.detectMsP50.toFixed(0)} ms/frame median)` : ''}`);
      console.log(`People counted:  ${summary.peopleCounted}`);
      console.log(`Tracks:          ${summary.tracks}`);
      console.log(`Observations:    ${summary.observations} rows in PostgreSQL`);
      return 0;
    } finally {
      await pool.end();
      await database.embedded?.stop();
    }
  },
};
