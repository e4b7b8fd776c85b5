// Scheme factory: one name → one TrustScheme with its parameters [trust-§4, §7].
import { createBrsScheme } from './baselines/brs.ts';
import type { BaselineParams } from './baselines/beta.ts';
import { createSlScheme } from './baselines/sl.ts';
import { createTdtcScheme } from './baselines/tdtc.ts';
import { createPeerP99Scheme, type PeerP99Params } from './baselines/peer-p99.ts';
import { TrustError } from './errors.ts';
import { createPaperScheme } from './paper.ts';
import type { DtmsParams } from './params.ts';
import { createRobustScheme, type RobustParams } from './robust.ts';
import { SCHEME_NAMES, type SchemeName, type TrustScheme } from './types.ts';

/** Parameters for every scheme; each scheme reads its own part. */
export interface SchemeParams {
  dtms?: Partial<DtmsParams>;
  baseline?: Partial<BaselineParams>;
  robust?: Partial<RobustParams>;
  peerP99?: Partial<PeerP99Params>;
}

/** Narrows a user-supplied name, or throws GT_ERR_TRUST_UNKNOWN_SCHEME. */
export function toSchemeName(name: string): SchemeName {
  const found = SCHEME_NAMES.find((s) => s === name);
  if (found === undefined) {
    throw new TrustError('GT_ERR_TRUST_UNKNOWN_SCHEME', `unknown trust scheme "${name}"`, {
      hint: `choose one of: ${SCHEME_NAMES.join(', ')}`,
    });
  }
  return found;
}

/** Creates a scheme for `size` terminals. */
export function createScheme(name: SchemeName, size: number, params: SchemeParams = {}): TrustScheme {
  switch (name) {
    case 'paper':
      return createPaperScheme({ size, params: params.dtms });
    case 'paper-rm':
      return createPaperScheme({ size, params: params.dtms, robustMode: true });
    case 'robust':
      return createRobustScheme({ size, params: params.robust });
    case 'brs':
      return createBrsScheme({ size, params: params.baseline });
    case 'brs-attest':
      return createBrsScheme({ size, params: params.baseline, attest: true });
    case 'sl':
      return createSlScheme({ size, params: params.baseline });
    case 'tdtc':
      return createTdtcScheme({ size, params: params.baseline });
    case 'peer-p99':
      return createPeerP99Scheme({ size, params: params.peerP99 });
  }
}
