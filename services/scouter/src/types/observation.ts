import type { AttributeValue } from '@sightline/contracts';

/**
 * One tracked box of one frame as the pipeline hands it to storage (a row of `observations`): the
 * pipeline produces it, ObservationBatcher buffers it, ObservationRepository writes it. Shared
 * here so the pipeline does not import from a repository.
 */
export interface ObservationRow {
  readonly observedAt: Date;
  readonly trackerId: number;
  readonly className: string;
  readonly score: number;
  readonly xyxy: readonly [number, number, number, number];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}
