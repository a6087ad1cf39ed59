import { socketAuth } from '../../lib/session.ts';
import type { AttributeHeadVersion, ScouterServerEvents, TrainJob } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { loadWebConfig } from '../../lib/config.ts';
import { LossChart } from './LossChart.tsx';
import { cancelJob, deployHead, listHeads, listJobs, queueJobs, rollbackHead } from './training-api.ts';

const EXAMPLE = JSON.stringify({ project: 'my project', attributes: ['upper_colour'], head: ['linear', 'mlp'], epochs: 30, lr: 0.001, optimizer: 'adam', validation: { by: 'track', fraction: 0.25 } }, null, 2);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function arch(job: TrainJob): string {
  const c = job.config;
  return c.head === 'mlp' ? `mlp(${c.hidden})` : c.head === 'conv' ? `conv(${c.filters})` : 'linear';
}

/** /training: queue a grid of head-training jobs, watch their curves live, inspect and deploy the results. */
export function TrainingPage() {
  const [base, setBase] = useState<string>();
  const [jobs, setJobs] = useState<TrainJob[]>([]);
  const [heads, setHeads] = useState<AttributeHeadVersion[]>([]);
  const [selected, setSelected] = useState<number>();
  const [config, setConfig] = useState(EXAMPLE);
  const [error, setError] = useState<string>();

  const refresh = useCallback(async () => {
    if (!base) return;
    try {
      const [j, h] = await Promise.all([listJobs(base), listHeads(base)]);
      setJobs(j);
      setHeads(h);
    } catch (err) {
      setError(`Scouter is unreachable: ${(err as Error).message}`);
    }
  }, [base]);

  useEffect(() => {
    void loadWebConfig().then((c) => setBase(c.services.scouter)).catch((err: Error) => setError(err.message));
  }, []);
  useEffect(() => void refresh(), [refresh]);
  useEffect(() => {
    if (!base) return;
    const socket: Socket<ScouterServerEvents> = io(base, { transports: ['websocket'], auth: socketAuth() });
    // Each epoch extends its job's curves at once; status changes reload the lists (metrics, new heads).
    socket.on('scouter:training', (e) => {
      if (e.epoch) setJobs((list) => list.map((j) => (j.id === e.jobId ? { ...j, status: e.status, progress: e.progress, epochs: [...j.epochs.filter((x) => x.epoch !== e.epoch!.epoch), e.epoch!] } : j)));
      else void refresh();
    });
    return () => void socket.close();
  }, [base, refresh]);

  async function act(what: () => Promise<unknown>) {
    setError(undefined);
    try {
      await what();
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function queue(e: React.FormEvent) {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(config);
    } catch (err) {
      setError(`The config is not JSON: ${(err as Error).message}`);
      return;
    }
    await act(async () => {
      const queued = await queueJobs(base!, parsed);
      setSelected(queued[0]?.id);
    });
  }

  const job = jobs.find((j) => j.id === selected);
  const m = job?.metrics;
  return (
    <section className="training">
      <h1>Training</h1>
      {error && <pre className="error" role="alert">{error}</pre>}
      <form onSubmit={(e) => void queue(e)}>
        <label>
          Config (JSON; a list makes a grid of jobs)
          <textarea name="config" rows={8} cols={70} value={config} onChange={(e) => setConfig(e.target.value)} />
        </label>
        <button type="submit" disabled={!base}>Queue jobs</button>
      </form>

      <h2>Jobs</h2>
      <table className="jobs">
        <thead><tr><th>job</th><th>head</th><th>arch</th><th>optimizer</th><th>lr</th><th>status</th><th>progress</th><th>val acc</th><th /></tr></thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} className={j.id === selected ? 'selected' : ''} onClick={() => setSelected(j.id)} data-job={j.id}>
              <td>{j.id}</td><td>{j.name}</td><td>{arch(j)}</td><td>{j.config.optimizer}</td><td>{j.config.lr}</td>
              <td title={j.error ?? ''}>{j.status}</td><td>{pct(j.progress)}</td><td>{j.metrics ? pct(j.metrics.valAccuracy) : ''}</td>
              <td>{(j.status === 'queued' || j.status === 'running') && <button type="button" onClick={(e) => { e.stopPropagation(); void act(() => cancelJob(base!, j.id)); }}>Cancel</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.length === 0 && (
        <p className="muted" data-testid="no-jobs">
          No training jobs yet. A job trains an attribute head (e.g. upper_colour) from the boxes a Hawk project has approved with that attribute's values; queue one with the config above.
        </p>
      )}

      {job && (
        <div className="job-detail">
          <h2>Job {job.id}: {job.name} {arch(job)}</h2>
          {job.error && <p className="error">{job.error}</p>}
          <div className="charts">
            <LossChart epochs={job.epochs} metric="loss" title="Loss per epoch" />
            <LossChart epochs={job.epochs} metric="accuracy" title="Accuracy per epoch" />
          </div>
          {m && (
            <>
              <p>Validation accuracy {pct(m.valAccuracy)} (best epoch {m.bestEpoch}); always answering the most common label: {pct(m.majorityAccuracy)}.</p>
              <table className="confusion" aria-label="confusion matrix">
                <thead><tr><th>true \ predicted</th>{m.labels.map((l) => <th key={l}>{l}</th>)}<th>precision</th><th>recall</th><th>boxes</th></tr></thead>
                <tbody>
                  {m.labels.map((l, i) => (
                    <tr key={l}><th>{l}</th>{m.confusion[i]!.map((c, k) => <td key={k}>{c}</td>)}<td>{pct(m.perClass[i]!.precision)}</td><td>{pct(m.perClass[i]!.recall)}</td><td>{m.perClass[i]!.support}</td></tr>
                  ))}
                </tbody>
              </table>
              <h3>Validation boxes it gets wrong</h3>
              {m.wrong.length === 0 && <p className="muted">None: every validation box is labelled right.</p>}
              <ul className="wrong">
                {m.wrong.map((w, i) => (
                  <li key={w.boxId} data-box={w.boxId}>
                    {w.xyxy && <img src={`${base}/training/jobs/${job.id}/wrong/${i}/crop.jpg`} alt={`${w.truth} labelled ${w.predicted}`} height={128} loading="lazy" />}
                    <span>{w.truth} labelled <strong>{w.predicted}</strong> ({pct(w.score)})</span>
                    <small>box {w.boxId}</small>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}

      <h2>Heads</h2>
      <table className="heads">
        <thead><tr><th>head</th><th>labels</th><th>val acc</th><th>job</th><th>deployed</th><th /></tr></thead>
        <tbody>
          {heads.map((h) => (
            <tr key={h.id} data-head={`${h.name}@${h.version}`}>
              <td>{h.name}@{h.version}</td><td>{h.labels.join(' / ')}</td><td>{pct(h.metrics.valAccuracy)}</td><td>{h.jobId ?? ''}</td><td>{h.deployed ? 'yes' : ''}</td>
              <td>
                {!h.deployed && <button type="button" onClick={() => void act(() => deployHead(base!, h.name, h.version))}>Deploy</button>}
                {h.deployed && heads.some((o) => o.name === h.name && o.version < h.version) && <button type="button" onClick={() => void act(() => rollbackHead(base!, h.name))}>Roll back</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {heads.length === 0 && (
        <p className="muted" data-testid="no-heads">
          No heads yet: each finished job stores one here. Deploy a head and Scouter cameras can run it (tick it in a camera's settings).
        </p>
      )}
    </section>
  );
}
