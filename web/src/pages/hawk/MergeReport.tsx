import type { HawkMergeResult } from '@sightline/contracts';
import { navigate } from '../../lib/router.ts';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v * 100)}%`);
const xyxy = (b: readonly number[]) => b.map((v) => Math.round(v)).join(', ');

/**
 * What a merge did: per annotator the agreement split into box, class and attribute agreement; per
 * object that was dropped or disagreed, what each annotator drew and why (frame numbers from 1).
 */
export function MergeReport({ result }: { result: HawkMergeResult }) {
  const objects = result.objects ?? [];
  return (
    <div data-testid="hawk-merge-report">
      <table className="hawk-table" data-testid="hawk-agreement">
        <thead>
          <tr>
            <th>Annotator</th>
            <th title="matched / (drawn + kept − matched)">agreement</th>
            <th title="share of their boxes that joined a kept object">box</th>
            <th title="share of those whose class won the vote">class</th>
            <th title="share of their attribute values that won the vote">attributes</th>
            <th>boxes matched</th>
          </tr>
        </thead>
        <tbody>
          {result.agreement.map((g) => (
            <tr key={g.annotatorId} data-testid={`hawk-agreement-${g.username}`}>
              <td>{g.username}</td>
              <td>{g.score.toFixed(3)}</td>
              <td>{pct(g.box)}</td>
              <td>{pct(g.class)}</td>
              <td>{pct(g.attributes)}</td>
              <td>
                {g.matched}/{g.total}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        kept {result.kept} objects ({result.unanimous ?? 0} drawn alike by everyone), {result.dropped} boxes without quorum → set #{result.resultSetId}
      </p>
      {objects.length > 0 && (
        <table className="hawk-table" data-testid="hawk-merge-objects">
          <thead>
            <tr><th>Frame</th><th>Object</th><th>What each annotator drew</th><th>Why</th></tr>
          </thead>
          <tbody>
            {objects.map((o, i) => (
              <tr key={i} data-testid="hawk-merge-object" data-status={o.status} data-frame={o.frame + 1} className={o.status === 'dropped' ? 'hawk-warning' : ''}>
                <td>
                  <a href={`/hawk/sets/${result.resultSetId}?frame=${o.frame + 1}`} onClick={(e) => (e.preventDefault(), navigate(`/hawk/sets/${result.resultSetId}?frame=${o.frame + 1}`))} title="open the merged set at this frame">
                    {o.frame + 1}
                  </a>
                </td>
                <td>
                  {o.status} · {o.label} · {o.votes}/{o.needed} votes
                </td>
                <td>
                  {o.members.map((m) => (
                    <div key={m.annotatorId}>
                      {m.username}: {m.label} [{xyxy(m.xyxy)}] IoU {m.iou.toFixed(2)}
                      {Object.keys(m.attributes).length ? ` · ${Object.entries(m.attributes).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : ''}
                    </div>
                  ))}
                </td>
                <td>{o.problems.join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
