import type { HawkAnnotationSetInfo, HawkProject } from '@sightline/contracts';
import type { VideoRow } from '../repositories/video.repository.ts';
import type { ProjectService } from './project.service.ts';
import type { VideoService } from './video.service.ts';
import type { AnnotationService } from './annotation.service.ts';
import { conflict } from '../lib/http-error.ts';

/** Looks up the video and project around a set or video, for checks that need the label schema. */
export class ContextService {
  constructor(
    private readonly projects: ProjectService,
    private readonly videos: VideoService,
    private readonly annotations: AnnotationService,
  ) {}

  async ofVideo(videoId: number, needReady = true): Promise<{ video: VideoRow; project: HawkProject }> {
    const video = await this.videos.get(videoId);
    if (needReady && video.status !== 'ready') throw conflict(`Video ${videoId} is not ready for labels (status ${video.status}).`);
    return { video, project: await this.projects.get(video.projectId) };
  }

  async ofSet(setId: number): Promise<{ set: HawkAnnotationSetInfo; video: VideoRow; project: HawkProject }> {
    const set = await this.annotations.set(setId);
    return { set, ...(await this.ofVideo(set.videoId)) };
  }
}
