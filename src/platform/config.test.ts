// Configuration: layers merge in order, every problem is reported at once, the result is frozen.
import { describe, expect, it } from 'vitest';
import { configFromEnv, resolvePlatformConfig } from './config.ts';
import { PlatformError } from './errors.ts';

describe('platform config', () => {
  it('merges defaults < file < env < flags and freezes', () => {
    const env = configFromEnv({ GRIDTRUST_MQTT_PORT: '1900', GRIDTRUST_DATA_DIR: '/tmp/x', OTHER: '1' });
    const cfg = resolvePlatformConfig({
      file: { mqttPort: 1800, coapPort: 7000 },
      env,
      flags: { coapPort: 0 },
    });
    expect(cfg).toMatchObject({ mqttPort: 1900, coapPort: 0, dataDir: '/tmp/x', httpPort: 8080 });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      resolvePlatformConfig({ flags: { mqttPort: 70000, coapPort: 'x', bogus: 1 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlatformError);
    const msg = (err as PlatformError).message;
    expect(msg).toContain('mqttPort');
    expect(msg).toContain('coapPort');
    expect(msg).toContain('bogus');
    expect((err as PlatformError).code).toBe('GT_ERR_PLATFORM_CONFIG');
  });
});
