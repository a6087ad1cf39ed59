export { probeVideo, ProbeError, ffprobePath, ffmpegPath, type VideoProbe } from './probe.ts';
export { extractFrames, frameFileName, type ExtractFramesOptions } from './extract-frames.ts';
export { decodeVideoFrames, probeVideoStream, type DecodedFrame, type DecodeOptions, type VideoStreamInfo } from './decode-video.ts';
export { decodeImageRgb, type ImageDecodeOptions, type RgbImage } from './decode-image.ts';
export { checkImageDecodes, ImageDecodeError } from './check-image.ts';
