import type { PipelineSpec, SourceType } from '@sightline/flow';

/** Source type from a camera URI: `file:` is a video file, `rtsp(s):` RTSP, `http(s):` HTTP (MJPEG/HLS). */
export function sourceTypeOf(uri: string): SourceType {
  if (uri.startsWith('file:')) return 'video';
  if (/^rtsps?:/i.test(uri)) return 'rtsp';
  return 'http';
}

/**
 * The pipeline a camera added over HTTP runs: people from its detector (CenterNet by default),
 * ByteTrack, the attribute heads it asked for (none by default), Postgres and live sinks.
 * @example defaultSpec({ name: 'lobby', uri: 'file:///videos/lobby.mp4', fps: 10, loop: true }, ['age', 'gender'], 'nanodet')
 */
export function defaultSpec(camera: { name: string; uri: string; fps: number; loop: boolean }, heads: readonly string[] = [], detector = 'centernet'): PipelineSpec {
  return {
    name: camera.name,
    source: { name: camera.name, type: sourceTypeOf(camera.uri), uri: camera.uri, fps: camera.fps, loop: camera.loop },
    detect: { model: detector, classes: ['person'], scoreThreshold: 0.3 },
    track: { tracker: 'bytetrack' },
    ...(heads.length > 0 ? { attributes: { heads: [...heads] } } : {}),
    sinks: ['postgres', 'live'],
  };
}

/** A stored spec with the camera's current settings as its source (settings may change over HTTP). */
export function specForCamera(camera: { name: string; uri: string; fps: number; loop: boolean }, stored: PipelineSpec | null): PipelineSpec {
  const base = stored ?? defaultSpec(camera);
  return { ...base, source: { name: camera.name, type: sourceTypeOf(camera.uri), uri: camera.uri, fps: camera.fps, loop: camera.loop } };
}
