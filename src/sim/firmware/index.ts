// The terminal's firmware updater (LwM2M /5 states over SUIT manifests).
export * from './device.ts';
