export { HomographyError, invertHomography, projectPoint, solveHomography, type HomographySolution, type PointPair, type Xy } from './homography.ts';
export { PolygonZone } from './polygon-zone.ts';
export { LineCounter, segmentCrossing } from './line-counter.ts';
export { HeatmapGrid } from './heatmap-grid.ts';
export { TrackMerger, type FloorSighting } from './track-merger.ts';
export { LeadCameraFilter } from './lead-camera-filter.ts';
