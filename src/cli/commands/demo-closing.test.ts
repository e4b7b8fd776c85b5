// Snapshot of the demo's closing screen: real ids from the run, no machine path, the stopped URL named.
import { describe, expect, it } from 'vitest';
import type { DemoSummary } from '../../platform/index.ts';
import { closingScreen } from './demo-closing.ts';

const summary = {
  httpUrl: 'http://127.0.0.1:40123',
  dataDir: 'demo-data',
  flagged: [{ id: '4754530000000034', reason: 'INTEGRITY', cycle: 3 }],
  malicious: [{ id: '4754530000000034', attack: 'BAD_TAG', expectedRejection: ['BAD_TAG'] }],
} as unknown as DemoSummary;

describe('demo closing screen', () => {
  it('names the stopped URL and the next commands with real ids', () => {
    expect(closingScreen(summary, { honestId: '4754530000000001', dataDir: 'demo-data' }))
      .toMatchInlineSnapshot(`
      "
      The platform has stopped: http://127.0.0.1:40123 is no longer served. Its data stays in demo-data.
      Next:
        gridtrust readings --data-dir demo-data --system-title 4754530000000001    # an honest terminal's readings
        gridtrust terminals list --data-dir demo-data --status quarantined    # who the trust engine flagged
        gridtrust audit list --data-dir demo-data --system-title 4754530000000034    # the decision and its evidence
        gridtrust terminals reinstate --data-dir demo-data --system-title 4754530000000034 --reason "checked"
        gridtrust audit verify --data-dir demo-data    # the audit log's hash chain
        gridtrust serve --data-dir demo-data    # serve this data again (dashboard and API)
      "
    `);
  });

  it('without flags it offers no reinstate, and quotes a data dir with spaces', () => {
    const out = closingScreen({ ...summary, flagged: [] }, { honestId: undefined, dataDir: "'my data'" });
    expect(out).not.toContain('reinstate');
    expect(out).toContain("gridtrust terminals list --data-dir 'my data' --status quarantined");
  });
});
