// Audit: the newest records of the hash-chained log and a chain check.
import { api } from '../api.ts';
import { fmtTime, h, table } from '../dom.ts';

interface Rec {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export async function audit(root: HTMLElement): Promise<void> {
  const first = await api.get<{ records: Rec[] }>('/api/v1/audit?limit=1000');
  let records = first.records;
  while (first.records.length === 1000 && records.length < 20_000) {
    const more = await api.get<{ records: Rec[] }>(
      `/api/v1/audit?limit=1000&afterSeq=${records.at(-1)?.seq ?? 0}`,
    );
    records = records.concat(more.records);
    if (more.records.length < 1000) break;
  }
  const newest = records.slice(-100).reverse();
  const result = h('span', { role: 'status' });
  const verify = h('button', { type: 'button' }, 'Verify the chain');
  verify.addEventListener('click', () => {
    void api.get<{ ok: boolean; count?: number; brokenAt?: number }>('/api/v1/audit/verify').then((v) => {
      result.textContent = v.ok ? `chain intact: ${v.count} records` : `BROKEN at record ${v.brokenAt}`;
    });
  });
  root.append(
    h('h1', {}, 'Audit'),
    h('p', {}, verify, ' ', result),
    table(
      'Newest audit records',
      ['#', 'Time', 'Actor', 'Action', 'Subject', 'Details'],
      newest.map((r) => [
        r.seq,
        fmtTime(r.at),
        r.actor,
        r.action,
        r.subject,
        h('code', {}, JSON.stringify(r.details).slice(0, 160)),
      ]),
    ),
  );
}
