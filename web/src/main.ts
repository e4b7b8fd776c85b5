// The gridtrust dashboard: sign-in, then hash-routed pages over /api/v1 with live updates over SSE.
import { api, ApiFailure, setCsrf, type Session } from './api.ts';
import { h } from './dom.ts';
import { overview } from './pages/overview.ts';
import { fleet } from './pages/fleet.ts';
import { terminal } from './pages/terminal.ts';
import { quarantine } from './pages/quarantine.ts';
import { analytics } from './pages/analytics.ts';
import { audit } from './pages/audit.ts';

export interface Ctx {
  session: Session;
  /** Live events (one EventSource for the whole app). */
  on(type: string, fn: (data: Record<string, unknown>) => void): void;
  canOperate: boolean;
}

type Page = (root: HTMLElement, ctx: Ctx, arg: string) => Promise<void>;
const PAGES: Record<string, [string, Page]> = {
  overview: ['Overview', overview],
  fleet: ['Fleet', fleet],
  quarantine: ['Quarantine', quarantine],
  analytics: ['Analytics', analytics],
  audit: ['Audit', audit],
  terminal: ['Terminal', terminal],
};

const app = document.getElementById('app')!;
let listeners: [string, (d: Record<string, unknown>) => void][] = [];
let source: EventSource | undefined;

function connectEvents(): void {
  source?.close();
  source = new EventSource('/api/v1/events');
  for (const t of ['frames', 'flag', 'release', 'trust-cycle', 'key', 'job', 'campaign'])
    source.addEventListener(t, (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>;
      for (const [type, fn] of listeners) if (type === t) fn(data);
    });
  source.addEventListener('hello', () => document.body.setAttribute('data-live', 'on'));
}

function signInForm(message = ''): void {
  const user = h('input', {
    id: 'username',
    name: 'username',
    autocomplete: 'username',
    required: true,
  }) as HTMLInputElement;
  const pass = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  }) as HTMLInputElement;
  const status = h('p', { role: 'alert', class: 'error' }, message);
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'gridtrust'),
    h('label', { for: 'username' }, 'Username'),
    user,
    h('label', { for: 'password' }, 'Password'),
    pass,
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api
      .post<Session>('/api/v1/session', { username: user.value, password: pass.value })
      .then((s) => start(s))
      .catch((err: unknown) => {
        status.textContent =
          err instanceof ApiFailure ? `${err.message}${err.hint ? ` (${err.hint})` : ''}` : 'Sign-in failed';
      });
  });
  app.replaceChildren(h('main', { class: 'center' }, form));
  user.focus();
}

function layout(s: Session): HTMLElement {
  const main = h('main', { id: 'main', tabindex: '-1' });
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    ...Object.entries(PAGES)
      .filter(([k]) => k !== 'terminal')
      .map(([k, [name]]) => h('a', { href: `#/${k}`, 'data-page': k }, name)),
  );
  const out = h('button', { type: 'button', class: 'link', onclick: () => void signOut() }, 'Sign out');
  app.replaceChildren(
    h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    h(
      'header',
      {},
      h('span', { class: 'brand' }, 'gridtrust'),
      nav,
      h('span', { class: 'who' }, `${s.username} (${s.role})`, ' ', out),
    ),
    main,
  );
  return main;
}

async function signOut(): Promise<void> {
  await api.del('/api/v1/session').catch(() => undefined);
  source?.close();
  signInForm('Signed out.');
}

async function route(main: HTMLElement, ctx: Ctx): Promise<void> {
  const [, key = 'overview', arg = ''] = location.hash.split('/');
  const [title, page] = PAGES[key] ?? PAGES.overview!;
  listeners = [];
  document.title = `${title} · gridtrust`;
  for (const a of document.querySelectorAll('nav a'))
    a.toggleAttribute('aria-current', a.getAttribute('data-page') === key);
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  const root = h('div', { class: 'page', 'data-page': key });
  try {
    await page(root, ctx, decodeURIComponent(arg));
    main.replaceChildren(root);
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) return signInForm('Your session ended; sign in again.');
    main.replaceChildren(
      h('p', { role: 'alert', class: 'error' }, e instanceof Error ? e.message : String(e)),
    );
  }
}

function start(s: Session): void {
  setCsrf(s.csrfToken);
  const main = layout(s);
  const ctx: Ctx = {
    session: s,
    on: (type, fn) => void listeners.push([type, fn]),
    canOperate: s.role === 'operator' || s.role === 'admin',
  };
  connectEvents();
  window.onhashchange = () => void route(main, ctx);
  if (location.hash === '') location.hash = '#/overview';
  else void route(main, ctx);
}

api
  .get<Session>('/api/v1/session')
  .then(start)
  .catch(() => signInForm());
