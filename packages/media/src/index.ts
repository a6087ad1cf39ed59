export { probeVideo, ProbeError, type VideoProbe } from './probe.ts';
export { ffmpegPath, ffprobePath, passthroughFrames, mediaTool, describeMediaTool, mediaToolSummary, bundledToolPath, findOnPath, type MediaTool, type ToolSource } from './media-tools.ts';
export { extractFrames, frameFileName, type ExtractFramesOptions } from './extract-frames.ts';
export { decodeVideoFrames, decodeImageSequence, decodeJpegStream, probeVideoStream, type DecodeOptions, type VideoStreamInfo } from './decode-video.ts';
export { decodeImageRgb, probeImageSize, type ImageDecodeOptions } from './decode-image.ts';
export { checkImageDecodes, ImageDecodeError } from './check-image.ts';
export { cropImageJpeg } from './crop-image.ts';
export { imageSize, jpegSize } from './image-size.ts';
