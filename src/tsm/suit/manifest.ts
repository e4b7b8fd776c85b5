// SUIT envelope codec for the profile of ADR 0013 [draft-ietf-suit-manifest; IANA SUIT registries]:
// envelope tag 107 {2: auth wrapper, 3: manifest}; manifest {1: version 1, 2: sequence, 3: common
// [, 17: install]}; common {2: components, 4: common sequence [20 {1,2,3,14}, 1 15, 2 15]}.
import { CborTag, decodeCbor, encodeCbor, type CborValue } from './cbor.ts';

/** SUIT labels used here [SUIT-8.4, IANA "SUIT Envelope/Manifest/Common/Commands/Parameters"]. */
export const SUIT = {
  ENVELOPE_TAG: 107,
  AUTHENTICATION: 2,
  MANIFEST: 3,
  VERSION: 1,
  SEQUENCE_NUMBER: 2,
  COMMON: 3,
  INSTALL: 17,
  COMPONENTS: 2,
  COMMON_SEQUENCE: 4,
  CONDITION_VENDOR_ID: 1,
  CONDITION_CLASS_ID: 2,
  CONDITION_IMAGE_MATCH: 3,
  DIRECTIVE_SET_PARAMETERS: 19,
  DIRECTIVE_OVERRIDE_PARAMETERS: 20,
  DIRECTIVE_FETCH: 21,
  PARAM_VENDOR_ID: 1,
  PARAM_CLASS_ID: 2,
  PARAM_IMAGE_DIGEST: 3,
  PARAM_IMAGE_SIZE: 14,
  PARAM_URI: 21,
  /** SUIT_Rep_Policy: report on success and failure, record and system info (0b1111). */
  REPORT_ALL: 15,
  SHA256: -16,
  COSE_SIGN1_TAG: 18,
  ES256: -7,
} as const;

/** What a manifest states about one image. */
export interface ManifestFields {
  sequence: number;
  /** 16 bytes (RFC 9562 UUID). */
  vendorId: Uint8Array;
  classId: Uint8Array;
  /** SHA-256 of the image. */
  digest: Uint8Array;
  size: number;
  uri?: string;
}

/** SUIT_Digest = [algorithm-id, bytes], bstr-wrapped where it is a parameter [SUIT-8.4.9]. */
export function encodeDigest(d: Uint8Array): Uint8Array {
  return encodeCbor([SUIT.SHA256, d]);
}

/** The common block (bstr content of manifest key 3). */
export function encodeCommon(f: ManifestFields): Uint8Array {
  const params = new Map<number, CborValue>([
    [SUIT.PARAM_VENDOR_ID, f.vendorId],
    [SUIT.PARAM_CLASS_ID, f.classId],
    [SUIT.PARAM_IMAGE_DIGEST, encodeDigest(f.digest)],
    [SUIT.PARAM_IMAGE_SIZE, f.size],
  ]);
  const sequence: CborValue[] = [
    SUIT.DIRECTIVE_OVERRIDE_PARAMETERS,
    params,
    SUIT.CONDITION_VENDOR_ID,
    SUIT.REPORT_ALL,
    SUIT.CONDITION_CLASS_ID,
    SUIT.REPORT_ALL,
  ];
  return encodeCbor(
    new Map<number, CborValue>([
      [SUIT.COMPONENTS, [[Uint8Array.of(0x00)]]],
      [SUIT.COMMON_SEQUENCE, encodeCbor(sequence)],
    ]),
  );
}

/** The manifest bstr content: {1: 1, 2: sequence, 3: << common >> [, 17: << install >>]}. */
export function encodeManifest(f: ManifestFields): Uint8Array {
  const m = new Map<number, CborValue>([
    [SUIT.VERSION, 1],
    [SUIT.SEQUENCE_NUMBER, f.sequence],
    [SUIT.COMMON, encodeCommon(f)],
  ]);
  if (f.uri !== undefined) {
    // as the draft's example 1: set the URI, fetch, then check the image digest
    const install: CborValue[] = [
      SUIT.DIRECTIVE_SET_PARAMETERS,
      new Map<number, CborValue>([[SUIT.PARAM_URI, f.uri]]),
      SUIT.DIRECTIVE_FETCH,
      2,
      SUIT.CONDITION_IMAGE_MATCH,
      SUIT.REPORT_ALL,
    ];
    m.set(SUIT.INSTALL, encodeCbor(install));
  }
  return encodeCbor(m);
}

/** COSE_Sign1 protected header {1: -7} [RFC9052-3.1]. */
export const PROTECTED_ES256 = encodeCbor(new Map<number, CborValue>([[1, SUIT.ES256]]));

/** Sig_structure for COSE_Sign1 with a detached payload [RFC9052-4.4]. */
export function sigStructure(protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedHeader, new Uint8Array(0), payload]);
}

/** Assembles the envelope from the manifest bytes, their SUIT_Digest encoding and the signature. */
export function encodeEnvelope(o: {
  manifest: Uint8Array;
  digestBstr: Uint8Array;
  signature: Uint8Array;
}): Uint8Array {
  const sign1 = new CborTag(SUIT.COSE_SIGN1_TAG, [PROTECTED_ES256, new Map(), null, o.signature]);
  const wrapper = encodeCbor([o.digestBstr, encodeCbor(sign1)]);
  return encodeCbor(
    new CborTag(
      SUIT.ENVELOPE_TAG,
      new Map<number, CborValue>([
        [SUIT.AUTHENTICATION, wrapper],
        [SUIT.MANIFEST, o.manifest],
      ]),
    ),
  );
}

/** A parsed envelope, before its signature is checked. */
export interface ParsedEnvelope {
  manifest: Uint8Array;
  /** The bstr content of the wrapper's first element: the signed payload. */
  digestBstr: Uint8Array;
  manifestDigest: Uint8Array;
  protectedHeader: Uint8Array;
  signature: Uint8Array;
}

const isBytes = (v: CborValue | undefined): v is Uint8Array => v instanceof Uint8Array;
const asMap = (v: CborValue | undefined) => (v instanceof Map ? v : undefined);

function parseDigest(b: Uint8Array): Uint8Array | undefined {
  const d = decodeCbor(b);
  if (!Array.isArray(d) || d.length !== 2 || d[0] !== SUIT.SHA256 || !isBytes(d[1]) || d[1].length !== 32)
    return undefined;
  return d[1];
}

/** Parses the envelope structure; `undefined` when it is not the profile's shape. */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope | undefined {
  const top = decodeCbor(bytes);
  if (!(top instanceof CborTag) || top.tag !== SUIT.ENVELOPE_TAG) return undefined;
  const env = asMap(top.value);
  const wrapperBytes = env?.get(SUIT.AUTHENTICATION);
  const manifest = env?.get(SUIT.MANIFEST);
  if (!isBytes(wrapperBytes) || !isBytes(manifest)) return undefined;
  const wrapper = decodeCbor(wrapperBytes);
  if (!Array.isArray(wrapper) || wrapper.length !== 2 || !isBytes(wrapper[0]) || !isBytes(wrapper[1]))
    return undefined;
  const manifestDigest = parseDigest(wrapper[0]);
  const sign1 = decodeCbor(wrapper[1]);
  if (!manifestDigest || !(sign1 instanceof CborTag) || sign1.tag !== SUIT.COSE_SIGN1_TAG) return undefined;
  const s = sign1.value;
  if (!Array.isArray(s) || s.length !== 4 || !isBytes(s[0]) || !(s[1] instanceof Map) || s[2] !== null)
    return undefined;
  if (!isBytes(s[3]) || s[3].length !== 64) return undefined;
  const prot = asMap(decodeCbor(s[0]));
  if (!prot || prot.get(1) !== SUIT.ES256) return undefined;
  return { manifest, digestBstr: wrapper[0], manifestDigest, protectedHeader: s[0], signature: s[3] };
}

/** Reads the profile's fields from manifest bytes; `undefined` when any is missing or mistyped. */
export function parseManifest(bytes: Uint8Array): ManifestFields | undefined {
  const m = asMap(decodeCbor(bytes));
  const seq = m?.get(SUIT.SEQUENCE_NUMBER);
  const commonBytes = m?.get(SUIT.COMMON);
  if (!m || m.get(SUIT.VERSION) !== 1 || typeof seq !== 'number' || seq < 0 || !isBytes(commonBytes))
    return undefined;
  const common = asMap(decodeCbor(commonBytes));
  const seqBytes = common?.get(SUIT.COMMON_SEQUENCE);
  if (!common || !Array.isArray(common.get(SUIT.COMPONENTS)) || !isBytes(seqBytes)) return undefined;
  const cmds = decodeCbor(seqBytes);
  if (!Array.isArray(cmds) || cmds.length % 2 !== 0) return undefined;
  let params: Map<number, CborValue> | undefined;
  const conditions = new Set<number>();
  for (let i = 0; i < cmds.length; i += 2) {
    if (cmds[i] === SUIT.DIRECTIVE_OVERRIDE_PARAMETERS) params = asMap(cmds[i + 1]);
    else if (typeof cmds[i] === 'number') conditions.add(cmds[i] as number);
  }
  const vendorId = params?.get(SUIT.PARAM_VENDOR_ID);
  const classId = params?.get(SUIT.PARAM_CLASS_ID);
  const digestB = params?.get(SUIT.PARAM_IMAGE_DIGEST);
  const size = params?.get(SUIT.PARAM_IMAGE_SIZE);
  if (!isBytes(vendorId) || vendorId.length !== 16 || !isBytes(classId) || classId.length !== 16)
    return undefined;
  if (!isBytes(digestB) || typeof size !== 'number' || size < 0) return undefined;
  if (!conditions.has(SUIT.CONDITION_VENDOR_ID) || !conditions.has(SUIT.CONDITION_CLASS_ID)) return undefined;
  const digest = parseDigest(digestB);
  if (!digest) return undefined;
  return { sequence: seq, vendorId, classId, digest, size, ...installUri(m) };
}

function installUri(m: Map<number, CborValue>): { uri?: string } {
  const b = m.get(SUIT.INSTALL);
  const cmds = isBytes(b) ? decodeCbor(b) : undefined;
  if (!Array.isArray(cmds) || cmds[0] !== SUIT.DIRECTIVE_SET_PARAMETERS) return {};
  const uri = asMap(cmds[1])?.get(SUIT.PARAM_URI);
  return typeof uri === 'string' ? { uri } : {};
}
