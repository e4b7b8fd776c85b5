// Quarantine: the queue with the flag and its evidence; reinstate with a reason (operator role).
import { api, ApiFailure } from '../api.ts';
import { fmtTrust, h, table } from '../dom.ts';
import type { Ctx } from '../main.ts';

interface Q {
  id: string;
  type: string;
  fusionTerminal: string | null;
  flaggedCycle: number | null;
  reason: string;
  detail: string;
  factors: { static: number | null; dynamic: number | null; energy: number | null };
  evidence: Record<string, number | string | null> | null;
}

/** A labelled reason field and a Reinstate button for one terminal. */
export function reinstateForm(id: string, done: (message: string) => void): HTMLElement {
  const input = h('input', {
    id: `reason-${id}`,
    name: 'reason',
    required: true,
    minlength: '3',
    value: 'checked by operator',
  }) as HTMLInputElement;
  const status = h('span', { role: 'status' });
  const form = h(
    'form',
    { class: 'reinstate' },
    h('label', { for: `reason-${id}` }, `Reason for reinstating ${id}`),
    input,
    h('button', { type: 'submit' }, `Reinstate ${id}`),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api
      .post<{ status: string }>(`/api/v1/terminals/${id}/reinstate`, { reason: input.value })
      .then((r) => {
        done(`Reinstated ${id}: it is ${r.status}.`);
      })
      .catch((err: unknown) => (status.textContent = err instanceof ApiFailure ? err.message : 'failed'));
  });
  return form;
}

const evidenceText = (e: Q['evidence']): string =>
  e === null
    ? '—'
    : ['requests', 'replies', 'duplicates', 'late', 'integrityFailures', 'meanDelayMs']
        .map((k) => `${k} ${e[k] ?? '—'}`)
        .join(', ');

export async function quarantine(root: HTMLElement, ctx: Ctx): Promise<void> {
  const box = h('div', {});
  const notice = h('p', { role: 'status', class: 'notice' });
  const load = async () => {
    const { terminals } = await api.get<{ terminals: Q[] }>('/api/v1/quarantine');
    const cols = [
      'Terminal',
      'Reason',
      'Cycle',
      'Factors',
      'Evidence',
      ...(ctx.canOperate ? ['Action'] : []),
    ];
    box.replaceChildren(
      table(
        'Quarantined terminals',
        cols,
        terminals.map((q) => [
          h('a', { href: `#/terminal/${q.id}` }, q.id),
          h('span', {}, h('b', {}, q.reason), ` ${q.detail}`),
          q.flaggedCycle ?? '—',
          `S ${fmtTrust(q.factors.static)} · D ${fmtTrust(q.factors.dynamic)} · E ${fmtTrust(q.factors.energy)}`,
          evidenceText(q.evidence),
          ...(ctx.canOperate
            ? [
                reinstateForm(q.id, (m) => {
                  notice.textContent = m;
                  void load();
                }),
              ]
            : []),
        ]),
        'No terminal is quarantined.',
      ),
    );
  };
  root.append(
    h('h1', {}, 'Quarantine'),
    h(
      'p',
      {},
      ctx.canOperate
        ? 'Reinstate with a reason; it goes to the audit log.'
        : 'Reinstating needs the operator role.',
    ),
    notice,
    box,
  );
  await load();
  ctx.on('flag', () => void load());
  ctx.on('release', () => void load());
}
