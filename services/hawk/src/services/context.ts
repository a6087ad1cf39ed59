import type { HawkAnnotationSetInfo, HawkProject, HawkUser } from '@sightline/contracts';
import type { VideoRow } from '../repositories/video.repository.ts';
import type { ProjectService } from './project.service.ts';
import type { VideoService } from './video.service.ts';
import type { AnnotationService } from './annotation.service.ts';
import type { AccessService } from './access.service.ts';
import { badRequest, conflict } from '@sightline/server-kit';
import { AccessService as Access } from './access.service.ts';

/**
 * Looks up the video and project around a set or video, for checks that need the label schema, and
 * checks that `viewer` may see them (project membership, blind replicas).
 */
export class ContextService {
  constructor(
    private readonly projects: ProjectService,
    private readonly videos: VideoService,
    private readonly annotations: AnnotationService,
    private readonly access: AccessService,
  ) {}

  async ofProject(projectId: number, viewer: HawkUser): Promise<HawkProject> {
    const project = await this.projects.get(projectId);
    await this.access.checkProject(viewer, project);
    return project;
  }

  async ofVideo(videoId: number, viewer: HawkUser, needReady = true): Promise<{ video: VideoRow; project: HawkProject }> {
    const video = await this.videos.get(videoId);
    const project = await this.ofProject(video.projectId, viewer);
    if (needReady && video.status !== 'ready') throw conflict(`Video ${videoId} is not ready for labels (status ${video.status}).`);
    return { video, project };
  }

  async ofSet(setId: number, viewer: HawkUser): Promise<{ set: HawkAnnotationSetInfo; video: VideoRow; project: HawkProject }> {
    const set = await this.annotations.set(setId);
    const around = await this.ofVideo(set.videoId, viewer);
    await this.access.checkSet(viewer, set);
    return { set, ...around };
  }

  /**
   * The set a write of `viewer` goes to on this video: `setId`, or the video's main set. A set of
   * another video is a 400; a replica the viewer may not see, a 403.
   */
  async writableSet(video: VideoRow, setId: number | undefined, viewer: HawkUser): Promise<HawkAnnotationSetInfo> {
    const set = setId ? await this.annotations.set(setId) : await this.annotations.mainSet(video.id);
    if (set.videoId !== video.id) throw badRequest(`Set ${set.id} belongs to video ${set.videoId}, not ${video.id}.`);
    await this.access.checkSet(viewer, set);
    return set;
  }

  /**
   * A frame range `viewer` asks a job to write into set `setId` of this video: the set must be
   * visible to them and the frames inside its assignment. Sets of other videos are left to the
   * job's own checks (which name them).
   */
  async checkRangeOfSet(video: VideoRow, setId: number, viewer: HawkUser, frames: readonly number[]): Promise<void> {
    const set = await this.annotations.set(setId);
    if (set.videoId !== video.id) return;
    await this.access.checkSet(viewer, set);
    Access.checkRange(set, {}, frames);
  }
}
