// `analyze --data-dir`: the stored readings give the same analysis as their CSV export, trust from the store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TenantId, TerminalId, UnixMillis } from '../core/index.ts';
import { DATABASE_FILE, openSqliteStore, type ReadingInput } from '../storage/index.ts';
import type { CliIo } from './io.ts';
import { main } from './main.ts';

function capture(): CliIo & { stdout: () => string } {
  let out = '';
  return { out: (t) => (out += t), err: () => undefined, interactive: false, env: {}, stdout: () => out };
}

const T0 = Date.UTC(2026, 10, 2); // a Monday
const ids = ['4d4d4d0000000001', '4d4d4d0000000002', '4d4d4d0000000003'] as TerminalId[];

/** Three terminals, 2 days, a reading every 10 minutes; the third is quarantined. */
async function seedDir(dir: string): Promise<void> {
  const store = await openSqliteStore({ path: join(dir, DATABASE_FILE) });
  const at = (ms: number): UnixMillis => ms as UnixMillis;
  await store.addTerminals({
    terminals: ids.map((id, i) => ({
      id,
      type: 'smart-meter',
      fusionTerminal: i === 0 ? null : ids[0]!,
      tenant: 1 as TenantId,
      createdAt: at(T0),
      status: i === 2 ? 'quarantined' : 'active',
    })),
    keys: [],
    audit: [],
  });
  const readings: ReadingInput[] = [];
  ids.forEach((terminal, k) => {
    for (let m = 0; m < 2 * 24 * 6; m++) {
      const ts = T0 + m * 600_000;
      const hour = (m / 6) % 24;
      const watts =
        k === 2 ? 9000 : 300 + 200 * (k + 1) * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 14)) + m;
      readings.push({
        terminal,
        purpose: 1,
        keyVersion: 1,
        fc: m + 1,
        ts: at(ts),
        receivedAt: at(ts + 100),
        activePower: watts,
      });
    }
  });
  await store.commitBatch({ readings });
  await store.close();
}

async function run(args: string[]): Promise<Record<string, unknown>> {
  const io = capture();
  expect(await main([...args, '--json'], io)).toBe(0);
  return JSON.parse(io.stdout()) as Record<string, unknown>;
}

describe('analyze from a data directory', () => {
  it('equals the same analysis of the CSV export, with the store trust applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-analyze-dir-'));
    await seedDir(dir);
    const csv = join(dir, 'export.csv');
    const fromDir = await run(['analyze', 'flexibility', '--data-dir', dir, '--export-csv', csv]);
    const trustFile = join(dir, 'trust.json');
    writeFileSync(trustFile, JSON.stringify({ [ids[2]!]: 0 }));
    const fromCsv = await run(['analyze', 'flexibility', '--input', csv, '--trust', trustFile]);
    expect(fromDir.customers).toEqual(fromCsv.customers);
    expect(fromDir.days).toBe(2);
    expect(fromDir.trust).toMatchObject({ customers: 3, trustedCustomers: 2, distrusted: [ids[2]] });
    const customers = fromDir.customers as { id: string; peakContribution: number }[];
    expect(customers.map((c) => c.id).sort()).toEqual([ids[0], ids[1]]);
    // the quarantined terminal's share of the system peak is estimated, so the shares still sum to 1
    const sum =
      customers.reduce((a, c) => a + c.peakContribution, 0) + (fromDir.distrustedPeakContribution as number);
    expect(sum).toBeCloseTo(1, 9);
  });

  it('sums terminals per fusion terminal and reads the half-hourly energy in kWh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-analyze-fusion-'));
    await seedDir(dir);
    const csv = join(dir, 'grouped.csv');
    const doc = await run([
      'analyze',
      'flexibility',
      '--data-dir',
      dir,
      '--group-by',
      'fusion',
      '--export-csv',
      csv,
    ]);
    expect((doc.customers as unknown[]).length).toBe(1);
    expect(doc.trust).toMatchObject({ distrusted: [ids[2]] });
  });
});
