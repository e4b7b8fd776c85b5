// Ingest statistics as Prometheus metric families.
import { toPrometheusText } from '../api/index.ts';
import type { IngestStats } from '../ingest/index.ts';
import type { TransportEventCount } from '../transport/index.ts';

/** Renders the pipeline counters as Prometheus text. */
export function ingestMetrics(s: IngestStats, terminals: number): string {
  return toPrometheusText([
    {
      name: 'gridtrust_frames_accepted_total',
      help: 'Frames verified and durably stored',
      type: 'counter',
      samples: [{ value: s.accepted }],
    },
    {
      name: 'gridtrust_frames_rejected_total',
      help: 'Rejected requests by reason',
      type: 'counter',
      samples: Object.entries(s.rejected).map(([reason, value]) => ({
        labels: { reason },
        value: value ?? 0,
      })),
    },
    {
      name: 'gridtrust_commits_total',
      help: 'Storage transactions issued by the ingest writer',
      type: 'counter',
      samples: [{ value: s.commits }],
    },
    {
      name: 'gridtrust_terminals',
      help: 'Terminals loaded in the verification cache',
      type: 'gauge',
      samples: [{ value: terminals }],
    },
  ]);
}

/** Renders the listeners' guard counters (limits hit, listener errors) as one Prometheus family. */
export function transportMetrics(events: readonly TransportEventCount[]): string {
  return toPrometheusText([
    {
      name: 'gridtrust_transport_events_total',
      help: 'Transport guard events: limits hit, connections refused or dropped, listener errors',
      type: 'counter',
      samples: events.map((e) => ({ labels: { transport: e.transport, event: e.event }, value: e.value })),
    },
  ]);
}
