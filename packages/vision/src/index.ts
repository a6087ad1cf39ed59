export { Detections, type DetectionData, type DetectionRow } from './detections.ts';
