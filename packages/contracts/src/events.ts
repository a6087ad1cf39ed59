import { Type, type Static } from '@sinclair/typebox';
import { ServiceName } from './common.ts';
import type { MarkersEvent as KanohiMarkersEvent } from './kanohi-stats.ts';
import type { HawkExtractionEvent } from './hawk.ts';
import type { TrainingProgressEvent } from './scouter-training.ts';
import type {
  CameraStateEvent as ScouterCameraStateEvent,
  CamerasChangedEvent as ScouterCamerasChangedEvent,
  FrameEvent as ScouterFrameEvent,
  TracksEvent as ScouterTracksEvent,
} from './scouter.ts';
import type { ScouterEvent, WatchEvent } from './scouter-console.ts';

/** Sent by every service to a socket as soon as it connects. */
export const ServiceStatusEvent = Type.Object({
  service: ServiceName,
  version: Type.String(),
  database: Type.Boolean(),
});
export type ServiceStatusEvent = Static<typeof ServiceStatusEvent>;

/** Events every service emits (socket.io `ServerToClientEvents`), named `domain:verb`. */
export interface CommonServerEvents {
  'service:status': (event: ServiceStatusEvent) => void;
}

/** Hawk's socket.io events. */
export interface HawkServerEvents extends CommonServerEvents {
  /** Frame extraction progress of one video, then its final state (ready or failed). */
  'hawk:extraction': (event: HawkExtractionEvent) => void;
  /** A set was saved (by a user, a merge or an import): clients showing it reload. */
  'hawk:saved': (event: { setId: number; videoId: number; version: number; userId: number }) => void;
}
/** Scouter's socket.io events. */
export interface ScouterServerEvents extends CommonServerEvents {
  /** The boxes, track ids and attributes of every processed frame of a camera. */
  'scouter:tracks': (event: ScouterTracksEvent) => void;
  /** A JPEG preview of a camera, at a reduced rate. */
  'scouter:frame': (event: ScouterFrameEvent) => void;
  /** A camera's pipeline state or statistics changed. */
  'scouter:camera-state': (event: ScouterCameraStateEvent) => void;
  /** A camera was added, changed or removed. */
  'scouter:cameras-changed': (event: ScouterCamerasChangedEvent) => void;
  /** A training job changed status or finished an epoch. */
  'scouter:training': (event: TrainingProgressEvent) => void;
  /** An event of a tracked object (track started/ended, zone entered/left, line crossed). */
  'scouter:event': (event: ScouterEvent) => void;
}
/** What a browser sends Scouter. */
export interface ScouterClientEvents {
  /** The cameras the page shows (grid) and the one in the large view: previews follow what is watched. */
  'scouter:watch': (event: WatchEvent) => void;
}
/** Kanohi's socket.io events. */
export interface KanohiServerEvents extends CommonServerEvents {
  /** People who moved on a floor in the last ingested batch, with their trails. */
  'kanohi:markers': (event: KanohiMarkersEvent) => void;
}

/** Events browsers send; none yet beyond socket.io's own. */
export interface ClientEvents {}
