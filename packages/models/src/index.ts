// @sightline/models: TFJS -> ONNX conversion, the model registry, inference backends, detectors.
export { encodeModel, attr, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx/onnx-model.ts';
export { ProtoWriter } from './onnx/protobuf-writer.ts';
export { readTfjsGraphModel, readWeights, type TfjsGraphModel, type TfWeight } from './convert/tfjs-model.ts';
export { convertTfjsToOnnx, supportedTfOps, CONVERTER_VERSION, type ConvertedModel, type ConvertOptions } from './convert/tfjs-to-onnx.ts';
export { MODEL_CARDS, modelCard, type ModelCard } from './registry/model-cards.ts';
export { COCO_LABELS } from './registry/coco-labels.ts';
export { ensureOnnxModel, modelCacheDir, packageDir, sourceModelPath } from './registry/model-cache.ts';
export type { Backend, InferenceSession, ModelTensor, SessionOptions, TensorType } from './backend/backend.ts';
export { floatTensor } from './backend/backend.ts';
export { onnxRuntimeCpu } from './backend/onnxruntime-cpu.backend.ts';
export { CenterNetDetector, type CenterNetOptions, type InputMapping, type RawDetections } from './detect/centernet.detector.ts';
export { scoreDetections, type DetectionScores, type EvalFrame, type GtBox, type ScoredBox } from './detect/detection-eval.ts';
export { BlazeFaceDetector, type FaceBox } from './attributes/blazeface.detector.ts';
export { FaceAttributeEstimator, type FaceAttributes, type FaceAttributeOptions } from './attributes/face-attributes.ts';
export { AttributeSmoother, type TrackAttributes } from './attributes/attribute-smoother.ts';
export { cropFrame, clipRect } from './attributes/frame-crop.ts';
export { AttributeHead, type AttributeHeadSpec, type AttributeValue } from './attributes/attribute-head.ts';
export { detectTiled, squareTiles, type TileOptions } from './detect/tiled-detection.ts';
