// The terminals CSV parser: header check, quotes, per-line problems that never echo key material.
import { describe, expect, it } from 'vitest';
import { parseTerminalsCsv, splitCsvLine } from './terminals-csv.ts';

describe('terminals CSV', () => {
  it('splits quoted fields', () => {
    expect(splitCsvLine('a,"b,c", "d""e" ,')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(splitCsvLine('"open')).toBeUndefined();
  });

  it('reads rows by header name, any column order, optional columns', () => {
    const key = 'ab'.repeat(32);
    const rows = parseTerminalsCsv(
      'f.csv',
      `type,system_title,root_key\r\nittu,4D4D4D0000BC614E,${key}\n\nsmart-socket,0000000000000001,\n`,
      3,
    );
    expect(rows).toEqual([
      {
        line: 2,
        ok: true,
        input: {
          systemTitle: '4D4D4D0000BC614E',
          type: 'ittu',
          tenant: 3,
          fusionTerminal: '',
          rootKey: Buffer.from(key, 'hex'),
        },
      },
      {
        line: 4,
        ok: true,
        input: { systemTitle: '0000000000000001', type: 'smart-socket', tenant: 3, fusionTerminal: '' },
      },
    ]);
  });

  it('reports bad rows with their line and reason, without echoing a bad key', () => {
    const secretish = 'cd'.repeat(31);
    const rows = parseTerminalsCsv(
      'f.csv',
      `system_title,tenant,root_key\n1,x,\n2,1,,extra\n3,1,${secretish}\n4\n`,
      1,
    );
    expect(rows.map((r) => [r.line, r.ok ? 'ok' : r.reason])).toEqual([
      [2, 'BAD_TENANT'],
      [3, 'BAD_ROW'],
      [4, 'BAD_ROOT_KEY'],
      [5, 'ok'],
    ]);
    expect(JSON.stringify(rows)).not.toContain(secretish);
  });

  it('refuses a file without a usable header', () => {
    expect(() => parseTerminalsCsv('f.csv', 'title,type\n', 1)).toThrow(
      expect.objectContaining({ code: 'GT_ERR_CLI_BAD_DATA_FILE' }),
    );
    expect(() => parseTerminalsCsv('f.csv', '', 1)).toThrow(/header/);
  });
});
