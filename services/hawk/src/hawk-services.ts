import type { IdentityService } from '@sightline/auth';
import type { AccessService } from './services/access.service.ts';
import type { TeamService } from './services/team.service.ts';
import type { AnnotationService } from './services/annotation.service.ts';
import type { ConsensusService } from './services/consensus.service.ts';
import type { ContextService } from './services/context.ts';
import type { ExportService } from './services/export.service.ts';
import type { ImportService } from './services/import.service.ts';
import type { PrelabelService } from './services/prelabel.service.ts';
import type { ProjectService } from './services/project.service.ts';
import type { ReviewService } from './services/review.service.ts';
import type { VideoService } from './services/video.service.ts';

/** Hawk's services, built once in app.ts (each route plugin receives only those it calls; tools and tests reach all through `app.hawk`). */
export interface HawkServices {
  readonly identity: IdentityService;
  readonly projects: ProjectService;
  readonly videos: VideoService;
  readonly annotations: AnnotationService;
  readonly consensus: ConsensusService;
  readonly reviews: ReviewService;
  readonly exporter: ExportService;
  readonly importer: ImportService;
  readonly context: ContextService;
  readonly prelabel: PrelabelService;
  readonly access: AccessService;
  readonly team: TeamService;
}
