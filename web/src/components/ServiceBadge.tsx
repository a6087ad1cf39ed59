import type { ServiceName } from '@sightline/contracts';
import { useServiceStatus } from '../lib/use-service-status.ts';

/** A dot and a word: is the service up, and can it reach the database. */
export function ServiceBadge({ service }: { service: ServiceName }) {
  const connection = useServiceStatus(service);
  const label =
    connection.state === 'online'
      ? connection.status.database
        ? 'online'
        : 'database unreachable'
      : connection.state === 'offline'
        ? `offline (${connection.reason})`
        : 'connecting…';
  const tone = connection.state === 'online' && connection.status.database ? 'ok' : connection.state === 'connecting' ? 'wait' : 'bad';
  return (
    <span className={`badge badge-${tone}`} data-testid={`status-${service}`} data-state={connection.state === 'online' && connection.status.database ? 'online' : connection.state}>
      {service}: {label}
    </span>
  );
}
