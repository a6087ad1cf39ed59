import { navigate, usePath } from '../../lib/router.ts';
import { useSession } from '../../lib/session.ts';
import { LabelView } from './LabelView.tsx';
import { MyAssignmentsView } from './MyAssignmentsView.tsx';
import { PeopleView } from './PeopleView.tsx';
import { ProjectsView, ProjectView } from './ProjectsView.tsx';
import { VideoView } from './VideoView.tsx';

/**
 * Hawk's area: /hawk (my assignments and projects), /hawk/people (admins), /hawk/projects/:id (videos,
 * members, schema), /hawk/videos/:id (consensus and review), /hawk/sets/:id (labeling).
 */
export function HawkPage() {
  const path = usePath();
  // The app shows the login until there is a session (App.tsx).
  const session = useSession();
  if (!session) return null;
  if (!['admin', 'reviewer', 'annotator'].includes(session.user.role)) {
    return <p className="muted">Hawk is for annotators, reviewers and admins; you are {session.user.role}.</p>;
  }
  const [, , kind, idText] = path.split('/');
  const id = Number(idText);
  return (
    <section className="hawk">
      <div className="hawk-bar">
        <a href="/hawk" onClick={(e) => (e.preventDefault(), navigate('/hawk'))} data-testid="hawk-home">
          Hawk projects
        </a>
        {session.user.role === 'admin' && (
          <a href="/hawk/people" onClick={(e) => (e.preventDefault(), navigate('/hawk/people'))} data-testid="hawk-people-link">
            People
          </a>
        )}
        <span className="muted" data-testid="hawk-user">
          {session.user.username} ({session.user.role})
        </span>
      </div>
      {kind === 'projects' && id > 0 ? (
        <ProjectView projectId={id} user={session.user} />
      ) : kind === 'videos' && id > 0 ? (
        <VideoView videoId={id} user={session.user} />
      ) : kind === 'sets' && id > 0 ? (
        <LabelView key={id} setId={id} user={session.user} />
      ) : kind === 'people' ? (
        <PeopleView />
      ) : (
        <>
          <MyAssignmentsView />
          <ProjectsView user={session.user} />
        </>
      )}
    </section>
  );
}
