// The dashboard in real Chromium (Debian's, through playwright-core) on the running demo platform and
// fleet: sign in, see the fleet, open a terminal, reinstate a quarantined one — on a desktop and a phone
// viewport; screenshots go to docs/dashboard/. Every wait is on a condition, never a fixed sleep.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService, createMemoryApiState } from '../../src/api/index.ts';
import { runDemo, syntheticLoadShapes, type EmbeddedPlatform } from '../../src/platform/index.ts';
import { createSystemClock } from '../../src/cli/system-clock.ts';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = join(import.meta.dirname, '../../docs/dashboard');
const PASSWORD = 'dashboard test password';

/** Polls `f` until it returns a value (a condition wait with a deadline, not a sleep). */
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dashboard in Chromium', () => {
  let platform: EmbeddedPlatform;
  let stop: () => void;
  let demo: Promise<unknown>;
  let token: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
    mkdirSync(SHOTS, { recursive: true });
    const apiState = createMemoryApiState();
    const auth = createAuthService({
      state: apiState,
      now: () => Date.now(),
      scrypt: { N: 4096, r: 8, p: 1 },
    });
    await auth.addUser({ username: 'olivia', role: 'operator', password: PASSWORD });
    token = auth.createToken({ name: 'test', role: 'viewer' }).token;
    const started = new Promise<EmbeddedPlatform>((res) => {
      demo = runDemo({
        terminals: 60,
        malicious: 0.34,
        durationS: 1,
        seed: 7,
        intervalS: 0.2,
        cycleS: 1,
        shapes: { shapes: syntheticLoadShapes({ seed: 7 }), source: 'synthetic' },
        clock: createSystemClock(),
        apiState,
        until: new Promise<void>((r) => (stop = r)),
        onStarted: res,
      });
      demo.catch(() => undefined);
    });
    platform = await started;
    // enough quarantined terminals for both viewports to reinstate one
    await until('two quarantined terminals', async () => {
      const r = await fetch(`${platform.httpUrl}/api/v1/quarantine`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const q = (await r.json()) as { terminals: unknown[] };
      return q.terminals.length >= 2 ? q : undefined;
    });
  });

  afterAll(async () => {
    stop?.();
    await demo;
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function open(viewport: { width: number; height: number }, mobile: boolean): Promise<BrowserContext> {
    const dir = mkdtempSync(join(tmpdir(), 'gt-chromium-'));
    dirs.push(dir);
    return chromium.launchPersistentContext(dir, {
      executablePath: '/usr/bin/chromium',
      args: FLAGS,
      viewport,
      isMobile: mobile,
      hasTouch: mobile,
      deviceScaleFactor: mobile ? 2 : 1,
    });
  }

  async function noHorizontalScroll(page: Page): Promise<void> {
    expect(
      await page.evaluate(() => {
        // runs in the page (the test's tsconfig has no DOM types)
        const g = globalThis as unknown as {
          innerWidth: number;
          document: { documentElement: { scrollWidth: number } };
        };
        return g.document.documentElement.scrollWidth <= g.innerWidth;
      }),
    ).toBe(true);
  }

  for (const [name, viewport, mobile] of [
    ['desktop', { width: 1280, height: 860 }, false],
    ['phone', { width: 360, height: 740 }, true],
  ] as const) {
    it(`signs in, sees the fleet, opens a terminal and reinstates one (${name})`, async () => {
      const ctx = await open(viewport, mobile);
      try {
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        await page.goto(`${platform.httpUrl}/`);
        await page.getByLabel('Username').fill('olivia');
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Overview' }).waitFor();
        await page.locator('body[data-live="on"]').waitFor(); // the SSE stream is open
        await expect.poll(() => page.getByText(/\d+ active · \d+ quarantined/).count()).toBe(1);
        await noHorizontalScroll(page);
        await page.screenshot({ path: join(SHOTS, `overview-${name}.png`), fullPage: true });

        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Fleet' }).click();
        await page.getByRole('heading', { name: 'Fleet' }).waitFor();
        await page.getByText(/^\d+ terminal\(s\)$/).waitFor();
        expect(await page.getByText('60 terminal(s)').count()).toBe(1);
        await noHorizontalScroll(page);
        await page.screenshot({ path: join(SHOTS, `fleet-${name}.png`), fullPage: true });

        const first = page.locator('table[class="cards"] a[href^="#/terminal/"]').last();
        const id = (await first.textContent()) ?? '';
        await first.click();
        await page.getByRole('heading', { name: `Terminal ${id}` }).waitFor();
        await page.getByRole('heading', { name: 'Trust timeline' }).waitFor();
        await noHorizontalScroll(page);
        await page.screenshot({ path: join(SHOTS, `terminal-${name}.png`), fullPage: true });

        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Quarantine' })
          .click();
        await page.getByRole('heading', { name: 'Quarantine' }).waitFor();
        const button = page.getByRole('button', { name: /^Reinstate [0-9a-f]{16}$/ }).first();
        const target = ((await button.textContent()) ?? '').replace('Reinstate ', '');
        await noHorizontalScroll(page);
        await page.screenshot({ path: join(SHOTS, `quarantine-${name}.png`), fullPage: true });
        await page.getByLabel(`Reason for reinstating ${target}`).fill(`checked on site (${name})`);
        await button.click();
        await page
          .getByRole('status')
          .filter({ hasText: `Reinstated ${target}: it is active.` })
          .waitFor();
        const audit = (await (
          await fetch(`${platform.httpUrl}/api/v1/audit?limit=1000`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()) as { records: { actor: string; subject: string; action: string }[] };
        const all = audit.records.filter((r) => r.subject === target && r.actor === 'user:olivia');
        expect(all.map((r) => r.action)).toContain('api.POST /api/v1/terminals/:id/reinstate');
      } finally {
        await ctx.close();
      }
    });
  }
});
