// The one frame value of the whole path: ffmpeg decode -> letterbox tensor -> network -> tracker ->
// preview JPEG and snapshots. Plain fields and one byte array, so a frame crosses a worker thread
// boundary by structured clone with its pixels transferred, never copied.

/** Bytes per pixel of a frame: packed RGB (3) or RGBA (4, alpha ignored). */
export type FrameFormat = 'rgb24' | 'rgba';

/**
 * A decoded picture: tightly packed rows of `width * height` pixels in `format`.
 * @example const frame: Frame = { data: new Uint8Array(640 * 480 * 3), width: 640, height: 480, format: 'rgb24' };
 */
export interface Frame<Format extends FrameFormat = FrameFormat> {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly format: Format;
  /** 0-based number of the frame in its decode run, when it comes from a video. */
  readonly index?: number;
}

/** A frame of a video or camera: RGB24 with its number in the decode run. */
export type VideoFrame = Frame<'rgb24'> & { readonly index: number };

/**
 * The frame with pixels in a buffer of their own (decoded frames already are; a view into a
 * larger buffer is copied once) and the buffer to list as transferred in `postMessage`.
 * @example const { frame: own, transfer } = transferableFrame(frame); port.postMessage({ frame: own }, transfer);
 */
export function transferableFrame<F extends Frame>(frame: F): { frame: F; transfer: ArrayBuffer[] } {
  const d = frame.data;
  const owns = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer;
  const data = owns ? d : d.slice();
  return { frame: owns ? frame : { ...frame, data }, transfer: [data.buffer as ArrayBuffer] };
}
