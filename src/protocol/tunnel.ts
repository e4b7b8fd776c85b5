// SGT1 suite 0x80 [SGT1-1.4 entry 1]: the payload is one DLMS ciphered APDU, verified by its own security.
import type { TerminalKeys, VerifyContext, VerifyResult } from './context.ts';
import type { DlmsKeys } from './dlms-crypto.ts';
import { verifyDlms } from './dlms.ts';
import { HEADER_LENGTH, PURPOSE, SUITE, type Sgt1Header } from './header.ts';
import type { KeyCache } from './key-hierarchy.ts';
import { reject } from './reasons.ts';

/**
 * DLMS keys derived from `K_root` [SGT1-2.2 purposes 0x5/0x6/0x7, dir 2] for the tunnel suite 0x80 at
 * key version `version` [A: the suite byte of info(use) is 0x80 for tunnel keys].
 */
export function deriveDlmsKeys(
  header: Pick<Sgt1Header, 'terminalId' | 'systemTitle'>,
  terminal: TerminalKeys,
  options: { readonly version: number; readonly keyCache: KeyCache },
): DlmsKeys {
  const derive = (purpose: 0x5 | 0x6 | 0x7): Buffer =>
    options.keyCache.get(header.terminalId, {
      rootKey: terminal.rootKey,
      systemTitle: header.systemTitle,
      tenant: terminal.tenant,
      version: options.version,
      purpose,
      dir: 2,
      suite: SUITE.DLMS_TUNNEL,
    }).key;
  return { guek: derive(PURPOSE.DLMS_GUEK), gbek: derive(PURPOSE.DLMS_GBEK), ak: derive(PURPOSE.DLMS_AK) };
}

/**
 * Verifies the tunnelled APDU of an already parsed suite-0x80 frame whose terminal and key state were
 * checked: the title inside 0xDB must equal the header's, the DLMS invocation counter (window 0, scoped
 * by key version) replaces the SGT1 fc, which no tag protects here.
 */
export function verifyTunnel(
  header: Sgt1Header,
  frame: Buffer,
  terminal: TerminalKeys,
  ctx: VerifyContext,
): VerifyResult {
  const keys =
    ctx.dlmsKeys === undefined
      ? deriveDlmsKeys(header, terminal, { version: header.keyVersion, keyCache: ctx.keyCache })
      : ctx.dlmsKeys(header.terminalId, header.keyVersion);
  if (keys === undefined) return reject('UNKNOWN_KEY', 'no DLMS keys for this terminal and version');
  const r = verifyDlms(frame.subarray(HEADER_LENGTH), {
    keys,
    systemTitle: header.systemTitle,
    counters: ctx.replay,
    counterScope: `v${header.keyVersion}`,
  });
  if (!r.ok) return r;
  if (r.counterState === undefined) return reject('UNAUTHENTICATED', 'tunnelled APDU is not authenticated');
  const { plaintext, ...dlms } = r;
  return { ok: true, header, plaintext, replayState: r.counterState, dlms };
}
