export { Detections, type DetectionData, type DetectionRow } from './detections.ts';
export { parseMot, readMotFile, formatMot, groupMotByFrame, motRowsToDetections, detectionsToMotRows, MotFormatError, type MotRow } from './formats/mot.ts';
export * from './floor/index.ts';
