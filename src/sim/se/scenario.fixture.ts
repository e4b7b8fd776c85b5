// A scenario of every template on one SE, shared by the fault-injection and kill -9 tests.
import type { TemplateParams } from '../../tsm/index.ts';

export const ELF_A = 'a0000001510a';
export const ELF_B = 'a0000001510b';
export const SSD = 'a00000015153';
export const APP = 'a0000001510a01';
export const FILES: Record<string, Uint8Array> = {
  [ELF_A]: Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff),
  [ELF_B]: Uint8Array.from({ length: 700 }, (_, i) => (i * 7) & 0xff),
};
export const SCENARIO: [string, TemplateParams][] = [
  ['app-download', { elfAid: ELF_A, sdAid: 'a000000151000000' }],
  ['ssd-create', { sdAid: SSD, elfAid: ELF_A, moduleAid: SSD }],
  ['app-personalize', { elfAid: ELF_A, moduleAid: APP, instanceAid: APP, sdAid: SSD, keyHandle: 'k1' }],
  ['app-lock', { instanceAid: APP }],
  ['app-unlock', { instanceAid: APP }],
  ['app-migrate', { instanceAid: APP, sdAid: SSD }],
  ['app-upgrade', { instanceAid: APP, newElfAid: ELF_B, moduleAid: APP, sdAid: SSD }],
  ['app-delete', { instanceAid: APP }],
];
/** The effects the scenario applies, each exactly once. */
export const SCENARIO_EFFECTS = [
  `LOADED ${ELF_A}`,
  `INSTALLED ${SSD}`,
  `INSTALLED ${APP}`,
  `SELECTABLE ${APP}`,
  `PUT_KEY ${SSD} 48`,
  `PERSONALIZED ${APP}`,
  `LOCK ${APP}`,
  `UNLOCK ${APP}`,
  `EXTRADITED ${APP} ${SSD}`,
  `LOADED ${ELF_B}`,
  `DELETED ${APP}`,
  `INSTALLED ${APP}`,
  `PERSONALIZED ${APP}`,
  `DELETED ${APP}`,
];
