export type { AttributesSpec, DetectSpec, PipelineSpec, SinkName, SourceSpec, SourceType, TrackSpec } from './pipeline-spec.ts';
