// Service ("business") templates: the seed's operations as sequences of idempotent steps (spec §4.4).
import { TsmError } from './errors.ts';
import type { ServiceTemplate, Step, StepOp } from './model.ts';

/** The templates the TSM ships, one per seed operation (resume breakpoint is `job resume`, not a template). */
export const TEMPLATE_IDS = [
  'ssd-create',
  'app-download',
  'app-personalize',
  'app-lock',
  'app-unlock',
  'app-delete',
  'app-migrate',
  'app-upgrade',
  'apps-lock',
  'apps-unlock',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** Parameters a template reads (AIDs hex; `keyHandle` names key data the platform resolves). */
export type TemplateParams = Readonly<Record<string, string | number>>;

const need = (p: TemplateParams, ...names: string[]) => {
  const missing = names.filter((n) => p[n] === undefined);
  if (missing.length > 0)
    throw new TsmError('GT_ERR_TSM_BAD_INPUT', `template parameters missing: ${missing.join(', ')}`, {
      hint: 'pass them as --param name=value',
    });
};

type Draft = [StepOp, Record<string, string | number>];

function drafts(id: TemplateId, p: TemplateParams): Draft[] {
  const app = { instanceAid: p.instanceAid! };
  switch (id) {
    case 'ssd-create':
      need(p, 'sdAid', 'elfAid', 'moduleAid');
      return [['CREATE_SSD', { sdAid: p.sdAid!, elfAid: p.elfAid!, moduleAid: p.moduleAid! }]];
    case 'app-download':
      need(p, 'elfAid', 'sdAid');
      return [['LOAD', { elfAid: p.elfAid!, sdAid: p.sdAid! }]];
    case 'app-personalize':
      need(p, 'elfAid', 'moduleAid', 'instanceAid', 'sdAid');
      return [
        ['INSTALL', { elfAid: p.elfAid!, moduleAid: p.moduleAid!, ...app, privileges: p.privileges ?? 0 }],
        ['MAKE_SELECTABLE', app],
        ...(p.keyHandle !== undefined
          ? [['PERSONALIZE', { sdAid: p.sdAid!, keyHandle: p.keyHandle, kvn: p.kvn ?? 0x30 }] as Draft]
          : []),
        ['PERSONALIZE', { ...app, dataHandle: p.dataHandle ?? 'default' }],
      ];
    case 'app-lock':
      need(p, 'instanceAid');
      return [['LOCK', app]];
    case 'app-unlock':
      need(p, 'instanceAid');
      return [['UNLOCK', app]];
    case 'app-delete':
      need(p, 'instanceAid');
      return [
        ['DELETE', { aid: p.instanceAid!, kind: 'app' }],
        ...(p.elfAid ? [['DELETE', { aid: p.elfAid, kind: 'elf' }] as Draft] : []),
      ];
    case 'app-migrate':
      need(p, 'instanceAid', 'sdAid');
      return [['EXTRADITE', { ...app, sdAid: p.sdAid! }]];
    case 'apps-lock':
    case 'apps-unlock': {
      need(p, 'instanceAids');
      const op = id === 'apps-lock' ? 'LOCK' : 'UNLOCK';
      return String(p.instanceAids)
        .split(',')
        .filter((a) => a !== '')
        .map((instanceAid): Draft => [op, { instanceAid }]);
    }
    case 'app-upgrade':
      need(p, 'instanceAid', 'newElfAid', 'moduleAid', 'sdAid');
      return [
        ['LOAD', { elfAid: p.newElfAid!, sdAid: p.sdAid! }],
        [
          'UPGRADE',
          { ...app, newElfAid: p.newElfAid!, moduleAid: p.moduleAid!, privileges: p.privileges ?? 0 },
        ],
        ['PERSONALIZE', { ...app, dataHandle: p.dataHandle ?? 'default' }],
        ...(p.oldElfAid ? [['DELETE', { aid: p.oldElfAid, kind: 'elf' }] as Draft] : []),
      ];
  }
}

/**
 * Builds a template's steps for one job; each step gets a stable idempotency key.
 * @example
 * buildTemplate('app-lock', { instanceAid: 'a0000001510001' }, 'job-1').steps[0].op // 'LOCK'
 */
export function buildTemplate(id: string, p: TemplateParams, jobId: string): ServiceTemplate {
  if (!(TEMPLATE_IDS as readonly string[]).includes(id))
    throw new TsmError('GT_ERR_TSM_BAD_INPUT', `unknown template ${id}`, {
      hint: `one of ${TEMPLATE_IDS.join(', ')}`,
    });
  const steps: Step[] = drafts(id as TemplateId, p).map(([op, params], i) => ({
    op,
    params,
    idempotencyKey: `${jobId}:${i}:${op}`,
  }));
  return { templateId: id, name: id, steps };
}
