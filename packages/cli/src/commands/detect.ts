import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { decodeVideoFrames, probeVideoStream } from '@sightline/media';
import { centernetInputFor, createDetector, detectTiled, detectTiledWithMap, embedFrameBoxes, isDetectorCardPath, REGISTERED_DETECTORS } from '@sightline/models';
import { CameraMotionEstimator, detectionsToMotRows, formatAppearance, formatCameraMotion, formatMot } from '@sightline/vision';
import { UsageError, type CliCommand } from '../command.ts';

const usage = `Usage: sightline detect --video <file|url> --out <det.txt> [--model centernet|nanodet|card.json] [--every N]
                        [--score S] [--classes person,car,...|all] [--tiles] [--motion <motion.txt>]
                        [--appearance <appearance.txt>]

  --video    video file or stream URL (anything ffmpeg reads)
  --out      MOTChallenge detections: frame,-1,x,y,w,h,score,-1,-1,-1 (1-based frame and pixels)
  --model    detector: ${REGISTERED_DETECTORS.join(', ')} (default centernet; nanodet after
             "sightline models fetch nanodet"), or the path of a
             detector card (.json) naming your ONNX model, its input and its output decode
             (packages/models/README.md: YOLOX, YOLOv5/v8, RT-DETR, NanoDet heads)
  --every    run on every N-th frame only (default 1); frame numbers stay those of the video
  --score    minimum score kept (default 0.3, or the card's scoreThreshold)
  --classes  class names to keep (default person; COCO names for centernet, the card's classes
             for a card), or all
  --tiles    also run on overlapping square tiles of wide frames and merge (finds smaller
             people; one more network pass per tile)
  --motion   also estimate the camera's motion between the processed frames (corners outside the
             detected boxes, optical flow, RANSAC; about 3 ms a 480x360 frame) and write it,
             one line a frame: frame,a,b,tx,c,d,ty; give it to \`sightline track --motion\`
  --appearance  also write each detection's appearance embedding, pooled from the detector's own
             feature map of the same pass (3 horizontal bands of the box x the map's channels:
             CenterNet's shared map, NanoDet's stride-8 map, or the map a card's "appearance"
             names; the boxes are those of a run without it), one line a detection:
             frame,n,v1,...,vK (n: the detection's place in its frame in --out, from 1; K = 384 for
             CenterNet and NanoDet); give it to \`sightline track --appearance\`. With --tiles
             every merged box pools the whole frame's map

The file is written when the whole video is done; a failed run leaves an existing --out untouched.`;

function parseClasses(value: string, labels: readonly string[], model: string): number[] | undefined {
  if (value === 'all') return undefined;
  return value.split(',').map((name) => {
    const id = labels.indexOf(name.trim());
    if (id < 0) throw new UsageError(`unknown class "${name.trim()}" in --classes; ${model} has ${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', ...' : ''} (or use all)`);
    return id;
  });
}

/** `sightline detect`: runs a detector over a video and writes MOTChallenge detections. */
export const detectCommand: CliCommand = {
  name: 'detect',
  summary: 'Detect people (or other COCO classes) in a video, write MOTChallenge detections',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        video: { type: 'string' },
        out: { type: 'string' },
        model: { type: 'string', default: 'centernet' },
        every: { type: 'string', default: '1' },
        score: { type: 'string' },
        classes: { type: 'string', default: 'person' },
        tiles: { type: 'boolean', default: false },
        motion: { type: 'string' },
        appearance: { type: 'string' },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.video) throw new UsageError('--video <file|url> is required');
    if (!values.out) throw new UsageError('--out <det.txt> is required');
    if (!REGISTERED_DETECTORS.includes(values.model) && !isDetectorCardPath(values.model)) throw new UsageError(`--model must be one of ${REGISTERED_DETECTORS.join(', ')} or a detector card (.json), got "${values.model}"`);
    const every = Number(values.every);
    if (!Number.isInteger(every) || every < 1) throw new UsageError(`--every must be a whole number >= 1, got "${values.every}"`);
    const score = values.score === undefined ? undefined : Number(values.score);
    if (score !== undefined && !(score >= 0 && score <= 1)) throw new UsageError(`--score must be a number within 0..1, got "${values.score}"`);

    const info = await probeVideoStream(values.video);
    // The video's size is known: CenterNet loads the network at its shape up front (tiles are square: 512x512).
    const inputSize = values.tiles ? undefined : centernetInputFor([info.width, info.height]);
    const network = await createDetector(values.model, { ...(score === undefined ? {} : { scoreThreshold: score }), ...(inputSize ? { inputSize } : {}) });
    let classIds: number[] | undefined;
    try {
      classIds = parseClasses(values.classes, network.classes, network.name);
    } catch (err) {
      await network.release();
      throw err;
    }
    const detector = classIds ? network.withFilters({ classIds }) : network;
    if (values.appearance !== undefined && !detector.hasAppearanceMap) {
      await detector.release();
      throw new UsageError(`--appearance pools the detector's own feature map; ${detector.name} names none (use --model centernet or nanodet, or give the card an "appearance" output)`);
    }
    const tmp = `${values.out}.${process.pid}.partial`;
    const file = createWriteStream(tmp);
    const motion = values.motion === undefined ? undefined : { path: values.motion, tmp: `${values.motion}.${process.pid}.partial`, estimator: new CameraMotionEstimator(), text: [] as string[] };
    const appearance = values.appearance === undefined ? undefined : { path: values.appearance, tmp: `${values.appearance}.${process.pid}.partial` };
    const appearanceFile = appearance && createWriteStream(appearance.tmp);
    let frames = 0;
    let boxes = 0;
    const started = performance.now();
    try {
      const decoded = decodeVideoFrames(values.video, { every, info });
      // Tiling runs several passes per frame; the plain path overlaps letterboxing with inference.
      // With --appearance every merged box, tile boxes included, pools the whole frame's map.
      const results = values.tiles
        ? (async function* () {
            for await (const frame of decoded) yield appearance ? { frame, ...(await detectTiledWithMap(detector, frame)) } : { frame, detections: await detectTiled(detector, frame), features: undefined };
          })()
        : // The map at the shape the boxes run at anyway ('source'): the detections stay those of a run without it.
          detector.detectStream(decoded, appearance ? { withFeatures: () => 'source' } : {});
      for await (const { frame, detections, features } of results) {
        if (appearanceFile) {
          if (!features) throw new Error(`${detector.name} returned no feature map for frame ${frame.index + 1}`);
          const text = formatAppearance(frame.index + 1, embedFrameBoxes(features, detections.xyxy));
          if (text && !appearanceFile.write(text)) await once(appearanceFile, 'drain');
        }
        // The boxes found are people, not background: their pixels stay out of the motion estimate.
        if (motion) motion.text.push(formatCameraMotion(frame.index + 1, motion.estimator.estimate(frame, detections.xyxy).affine));
        const text = formatMot(detectionsToMotRows(frame.index + 1, detections));
        if (text && !file.write(text)) await once(file, 'drain');
        frames++;
        boxes += detections.length;
      }
      file.end();
      await once(file, 'finish');
      if (motion) {
        await writeFile(motion.tmp, motion.text.join(''));
        await rename(motion.tmp, motion.path);
      }
      if (appearance && appearanceFile) {
        appearanceFile.end();
        await once(appearanceFile, 'finish');
        await rename(appearance.tmp, appearance.path);
      }
      await rename(tmp, values.out);
    } catch (err) {
      file.destroy();
      await rm(tmp, { force: true });
      if (motion) await rm(motion.tmp, { force: true });
      if (appearance) {
        appearanceFile?.destroy();
        await rm(appearance.tmp, { force: true });
      }
      throw err;
    } finally {
      await detector.release();
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = frames > 0 && seconds > 0 ? `, ${(frames / seconds).toFixed(1)} frames/s` : '';
    console.log(`${detector.name}: ${frames} frames of ${info.width}x${info.height}, ${boxes} detections written to ${values.out}${rate}${motion ? `; camera motion written to ${motion.path}` : ''}${appearance ? `; appearance embeddings written to ${appearance.path}` : ''}`);
    return 0;
  },
};
