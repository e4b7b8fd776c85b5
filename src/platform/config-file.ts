// Reads a JSON configuration file for the platform (the only place config files are read).
import { readFileSync } from 'node:fs';
import { PlatformError } from './errors.ts';

/** Reads and parses a JSON config file; throws GT_ERR_PLATFORM_CONFIG_FILE with the reason. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PlatformError('GT_ERR_PLATFORM_CONFIG_FILE', `cannot read config file ${path}`, {
      hint: 'check the path given to --config and its permissions',
      cause,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new PlatformError('GT_ERR_PLATFORM_CONFIG_FILE', `config file ${path} is not valid JSON`, {
      hint: 'the config file is one JSON object, e.g. {"mqttPort": 1884}',
      cause,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PlatformError('GT_ERR_PLATFORM_CONFIG_FILE', `config file ${path} must hold one JSON object`, {
      hint: 'e.g. {"dataDir": "./data", "mqttPort": 1884}',
    });
  }
  return parsed as Record<string, unknown>;
}
