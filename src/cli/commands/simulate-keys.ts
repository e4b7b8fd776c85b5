// Root keys for `simulate --target`: read the CSV the platform was provisioned from, or write one for a new fleet.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { UnixMillis } from '../../core/index.ts';
import { createFleet } from '../../sim/index.ts';
import { CliError } from '../errors.ts';
import { fleetOptionsFrom, loadShapesFrom, type SimulateFlags } from './simulate-options.ts';

const TITLE = /^[0-9a-f]{16}$/;
const KEY = /^[0-9a-f]{64}$/;
/** Terminal type names written for `gridtrust terminals import` (free-form there). */
const TYPE_OF_KIND = ['smart-meter', 'smart-socket', 'ittu', 'pv-inverter', 'battery-storage', 'ev-charger'];

function badLine(line: number, what: string): never {
  throw new CliError('GT_ERR_CLI_USAGE', `--root-keys line ${line}: ${what}`, {
    hint: 'use the CSV written by --write-root-keys (header system_title,…,root_key); keys are never echoed',
  });
}

/**
 * Reads `system_title` and `root_key` (hex) from a CSV. With a header line the columns are found by
 * name (the `gridtrust terminals import` format); without one they are `system_title,root_key`.
 */
export function readRootKeys(path: string): Map<string, Buffer> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_SECRET_FILE', `cannot read --root-keys ${path}`, {
      hint: 'check the path',
      cause,
    });
  }
  const lines = text.split(/\r?\n/);
  const head = (lines[0] ?? '').split(',').map((c) => c.trim().toLowerCase());
  const hasHeader = head.includes('system_title');
  const [ti, ki] = hasHeader ? [head.indexOf('system_title'), head.indexOf('root_key')] : [0, 1];
  if (ki < 0) badLine(1, 'the header has no root_key column');
  const keys = new Map<string, Buffer>();
  lines.forEach((line, i) => {
    if (line.trim() === '' || (hasHeader && i === 0)) return;
    const cells = line.split(',').map((c) => c.trim().toLowerCase());
    const title = cells[ti] ?? '';
    const key = cells[ki] ?? '';
    if (!TITLE.test(title)) badLine(i + 1, 'system_title must be 16 hex digits');
    if (!KEY.test(key)) badLine(i + 1, 'root_key must be 64 hex digits');
    keys.set(title, Buffer.from(key, 'hex'));
  });
  if (keys.size === 0) badLine(1, 'no terminal listed');
  return keys;
}

/**
 * Builds the fleet of the given options (same seed → same titles and kinds), gives every terminal a
 * fresh random root key and writes `system_title,type,fusion_terminal,tenant,root_key` (mode 0600)
 * for `gridtrust terminals import --csv FILE`.
 */
export function writeFleetKeys(f: SimulateFlags, path: string): Record<string, unknown> {
  const opts = fleetOptionsFrom(f);
  const clock = { now: () => 0 as UnixMillis, monotonic: () => 0 };
  const fleet = createFleet({ ...opts, loadShapes: loadShapesFrom(f.load), clock });
  const rows = fleet.layout.ids.map((id, i) => {
    const g = fleet.layout.group[i] ?? -1;
    const fusion = g >= 0 ? (fleet.layout.fusion[g]?.id ?? '') : '';
    const type = TYPE_OF_KIND[fleet.layout.kind[i] ?? 0] ?? 'smart-meter';
    return `${id},${type},${fusion},1,${randomBytes(32).toString('hex')}`;
  });
  try {
    writeFileSync(path, `system_title,type,fusion_terminal,tenant,root_key\n${rows.join('\n')}\n`, {
      mode: 0o600,
    });
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_SECRET_FILE', `cannot write --write-root-keys ${path}`, {
      hint: 'check the directory',
      cause,
    });
  }
  return {
    wrote: path,
    terminals: rows.length,
    fusionTerminals: fleet.layout.fusion.length,
    next: `gridtrust terminals import --csv ${path}; then gridtrust simulate --target URL --root-keys ${path}`,
  };
}
