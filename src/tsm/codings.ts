// GlobalPlatform life-cycle codings and command bytes [GPCS-5.1, GPCS-5.3, GPCS-11] (spec §4.1–4.2).

/** Card (ISD) life-cycle codings [GPCS-5.1.1]. */
export const CARD_STATE = {
  OP_READY: 0x01,
  INITIALIZED: 0x07,
  SECURED: 0x0f,
  CARD_LOCKED: 0x7f,
  TERMINATED: 0xff,
} as const;
export type CardState = (typeof CARD_STATE)[keyof typeof CARD_STATE];

/** Application life-cycle codings [GPCS-5.3.1]; app-specific states keep the low 3 bits set. */
export const APP_STATE = {
  INSTALLED: 0x03,
  SELECTABLE: 0x07,
  /** The bit that LOCKED sets on top of the previous state (0x83 from INSTALLED, 0x87 from SELECTABLE). */
  LOCKED_BIT: 0x80,
} as const;

/** Security-domain life-cycle codings [GPCS-5.3.2]. */
export const SD_STATE = {
  INSTALLED: 0x03,
  SELECTABLE: 0x07,
  PERSONALIZED: 0x0f,
  LOCKED_BIT: 0x80,
} as const;

/** Executable Load File life cycle: LOADED 0x01 [GPCS-5.3.1]. */
export const ELF_STATE = { LOADED: 0x01 } as const;

/** Command INS bytes [GPCS-11] (spec §4.2). */
export const INS = {
  DELETE: 0xe4,
  INSTALL: 0xe6,
  LOAD: 0xe8,
  SET_STATUS: 0xf0,
  GET_STATUS: 0xf2,
  PUT_KEY: 0xd8,
  STORE_DATA: 0xe2,
  INITIALIZE_UPDATE: 0x50,
} as const;
export type Ins = (typeof INS)[keyof typeof INS];

/** INSTALL P1 roles [GPCS-11.5.2.1]. */
export const INSTALL_P1 = {
  FOR_LOAD: 0x02,
  FOR_INSTALL: 0x04,
  FOR_MAKE_SELECTABLE: 0x08,
  FOR_INSTALL_AND_MAKE_SELECTABLE: 0x0c,
  FOR_EXTRADITION: 0x10,
  FOR_PERSONALIZATION: 0x20,
} as const;

/** SET STATUS / GET STATUS P1 (status type) [GPCS-11.1.10, 11.10]. */
export const STATUS_P1 = {
  ISD: 0x80,
  APPS_AND_SSDS: 0x40,
  SD_AND_ITS_APPS: 0x60,
  LOAD_FILES: 0x20,
} as const;

/** Status words used here [ISO7816-4-5.6, GPCS-11]. */
export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  NOT_FOUND: 0x6a88,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  MEMORY_FAILURE: 0x6581,
  /** Referenced data not found / invalid sequence (LOAD block out of order). */
  WRONG_SEQUENCE: 0x6a84,
} as const;

/** Whether an application or SD coding has the LOCKED bit [GPCS-5.3]. */
export function isLocked(coding: number): boolean {
  return (coding & 0x80) !== 0;
}

/** Name of a card coding, for messages and the CLI. */
export function cardStateName(s: number): string {
  const e = Object.entries(CARD_STATE).find(([, v]) => v === s);
  return e ? e[0] : `0x${s.toString(16).padStart(2, '0')}`;
}

/** Name of an application / SD coding: INSTALLED, SELECTABLE, PERSONALIZED, APP_SPECIFIC(0x..), +LOCKED. */
export function appStateName(s: number): string {
  const base = s & 0x7f;
  const name =
    base === 0x03
      ? 'INSTALLED'
      : base === 0x07
        ? 'SELECTABLE'
        : base === 0x0f
          ? 'PERSONALIZED'
          : `APP_SPECIFIC(0x${base.toString(16).padStart(2, '0')})`;
  return isLocked(s) ? `LOCKED(${name})` : name;
}
