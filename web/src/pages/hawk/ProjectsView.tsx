import type { HawkExtractionEvent, HawkLabelSchema, HawkProject, HawkServerEvents, HawkUser, HawkVideo } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { navigate } from '../../lib/router.ts';
import { api, hawkUrl, uploadVideo } from './api.ts';
import { socketAuth } from '../../lib/session.ts';
import { MembersPanel } from './MembersPanel.tsx';
import { SchemaEditor } from './SchemaEditor.tsx';

function Link({ to, children, testId }: { to: string; children: React.ReactNode; testId?: string }) {
  return (
    <a href={to} data-testid={testId} onClick={(e) => (e.preventDefault(), navigate(to))}>
      {children}
    </a>
  );
}

/** "person, car" -> a schema; or a full JSON schema when the text starts with "{". */
function parseSchema(text: string): HawkLabelSchema {
  if (text.trim().startsWith('{')) return JSON.parse(text) as HawkLabelSchema;
  return { classes: text.split(',').map((s) => s.trim()).filter(Boolean).map((name) => ({ name, attributes: [] })) };
}

/** The project list, and (admins) a form to create one. */
export function ProjectsView({ user }: { user: HawkUser }) {
  const [projects, setProjects] = useState<HawkProject[]>([]);
  const [name, setName] = useState('');
  const [schema, setSchema] = useState('person, car');
  const [error, setError] = useState('');
  const refresh = useCallback(() => api<HawkProject[]>('GET', '/projects').then(setProjects, (e: Error) => setError(e.message)), []);
  useEffect(() => void refresh(), [refresh]);
  const create = async () => {
    try {
      const p = await api<HawkProject>('POST', '/projects', { name, labelSchema: parseSchema(schema) });
      navigate(`/hawk/projects/${p.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div>
      <h1>Projects</h1>
      <ul className="hawk-list" data-testid="hawk-projects">
        {projects.map((p) => (
          <li key={p.id}>
            <Link to={`/hawk/projects/${p.id}`} testId={`hawk-project-${p.name}`}>
              {p.name}
            </Link>{' '}
            <span className="muted">
              {p.videoCount} videos · classes {p.labelSchema.classes.map((c) => c.name).join(', ')}
            </span>
          </li>
        ))}
        {projects.length === 0 && <li className="muted">No projects yet.</li>}
      </ul>
      {user.role === 'admin' && (
        <form className="hawk-form" onSubmit={(e) => (e.preventDefault(), void create())}>
          <h3>New project</h3>
          <input aria-label="Project name" placeholder="name" value={name} onChange={(e) => setName(e.target.value)} data-testid="hawk-new-project-name" />
          <textarea aria-label="Classes" value={schema} onChange={(e) => setSchema(e.target.value)} rows={3} data-testid="hawk-new-project-schema" title="class names separated by commas, or a JSON label schema" />
          <button type="submit" data-testid="hawk-create-project">Create</button>
        </form>
      )}
      {error && <p className="hawk-error">{error}</p>}
    </div>
  );
}

/** Videos of a project with upload and live extraction progress. */
export function ProjectView({ projectId, user }: { projectId: number; user: HawkUser }) {
  const [project, setProject] = useState<HawkProject | null>(null);
  const [videos, setVideos] = useState<HawkVideo[]>([]);
  const [progress, setProgress] = useState<Record<number, HawkExtractionEvent>>({});
  const [upload, setUpload] = useState<{ name: string; share: number } | null>(null);
  const [step, setStep] = useState(1);
  const [editSchema, setEditSchema] = useState(false);
  const [error, setError] = useState('');
  const refresh = useCallback(async () => {
    setProject(await api<HawkProject>('GET', `/projects/${projectId}`));
    setVideos(await api<HawkVideo[]>('GET', `/projects/${projectId}/videos`));
  }, [projectId]);
  useEffect(() => void refresh().catch((e: Error) => setError(e.message)), [refresh]);
  useEffect(() => {
    let socket: Socket<HawkServerEvents> | undefined;
    void hawkUrl().then((url) => {
      socket = io(url, { transports: ['websocket'], auth: socketAuth() });
      socket.on('hawk:extraction', (e) => {
        setProgress((p) => ({ ...p, [e.videoId]: e }));
        if (e.status !== 'extracting') void refresh();
      });
    });
    return () => void socket?.close();
  }, [refresh]);

  const onFile = async (file: File) => {
    setError('');
    setUpload({ name: file.name, share: 0 });
    try {
      await uploadVideo(projectId, file, step, (share) => setUpload({ name: file.name, share }));
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setUpload(null);
    }
  };

  return (
    <div>
      <h1>{project?.name ?? 'Project'}</h1>
      {project && (
        <p className="muted" data-testid="hawk-project-classes">
          classes: {project.labelSchema.classes.map((c) => `${c.name}${c.attributes.length ? ` (${c.attributes.map((a) => a.name).join(', ')})` : ''}`).join(', ')} · schema v{project.schemaVersion}
        </p>
      )}
      <table className="hawk-table" data-testid="hawk-videos">
        <thead>
          <tr><th>Video</th><th>Status</th><th>Frames</th><th>Size</th><th>Approved</th></tr>
        </thead>
        <tbody>
          {videos.map((v) => {
            const live = progress[v.id];
            const status = live?.status ?? v.status;
            return (
              <tr key={v.id} data-testid={`hawk-video-${v.fileName}`} data-status={status}>
                <td>{status === 'ready' ? <Link to={`/hawk/videos/${v.id}`}>{v.fileName}</Link> : v.fileName}</td>
                <td>{status === 'extracting' ? `extracting ${Math.round((live?.progress ?? 0) * 100)}%` : status}{v.error ? `: ${v.error}` : ''}</td>
                <td>{v.frameCount}{v.width ? ` (${v.width}×${v.height}, step ${v.frameStep})` : ''}</td>
                <td>{(v.sizeBytes / 1e6).toFixed(1)} MB</td>
                <td>
                  <progress max={1} value={v.approvedShare} /> {Math.round(v.approvedShare * 100)}%
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {user.role === 'admin' && (
        <div className="hawk-form">
          <h3>Upload a video</h3>
          <label>
            keep every <input type="number" min={1} value={step} onChange={(e) => setStep(Number(e.target.value) || 1)} style={{ width: '4em' }} /> th frame
          </label>{' '}
          <input type="file" accept="video/*" data-testid="hawk-upload" disabled={!!upload} onChange={(e) => e.target.files?.[0] && void onFile(e.target.files[0])} />
          {upload && <span> uploading {upload.name}: {Math.round(upload.share * 100)}%</span>}
        </div>
      )}
      {error && <p className="hawk-error" data-testid="hawk-upload-error">{error}</p>}
      {user.role === 'admin' && <MembersPanel projectId={projectId} />}
      {user.role === 'admin' && project && (
        <div>
          <button onClick={() => setEditSchema((x) => !x)} data-testid="hawk-edit-schema">
            {editSchema ? 'Close the label schema' : 'Edit classes and attributes'}
          </button>
          {editSchema && (
            <SchemaEditor
              key={project.schemaVersion}
              initial={project.labelSchema}
              submitLabel="Save schema"
              onSubmit={async (labelSchema, renames) => {
                setProject(await api<HawkProject>('PUT', `/projects/${projectId}/schema`, { labelSchema, schemaVersion: project.schemaVersion, renames }));
                setEditSchema(false);
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}
