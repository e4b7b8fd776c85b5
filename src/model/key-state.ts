// Key states of NIST SP 800-57 Part 1 §7 [SGT1-3.1]: the keys area moves keys between them, the
// protocol reads them per frame.

/** The six key states of SP 800-57 Part 1 §7 (Rev 4 and Rev 5 keep the same six). */
export type KeyState =
  'pre-activation' | 'active' | 'suspended' | 'deactivated' | 'compromised' | 'destroyed';

/** Every key state, in lifecycle order. */
export const KEY_STATES: readonly KeyState[] = [
  'pre-activation',
  'active',
  'suspended',
  'deactivated',
  'compromised',
  'destroyed',
];
