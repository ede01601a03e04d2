import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The system's Chromium, not a downloaded one: CI installs the distribution package, and nothing
 * here fetches browsers. CHROMIUM_PATH points somewhere else when needed.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium tries to reach update and field-trial servers,
 * which this test machine refuses noisily; the rest keep it quiet and workable in a container.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export type BrowserAvailability = { ok: true } | { ok: false; required: boolean; message: string };

/** Under CI=true a missing browser is a failure, never a silent skip. */
export function browserAvailability(): BrowserAvailability {
  if (existsSync(CHROMIUM_PATH)) return { ok: true };
  const required = process.env.CI === 'true';
  const message = required
    ? `Chromium was not found at ${CHROMIUM_PATH}, and CI=true requires the browser tests to run. ` +
      'Install the chromium package (.ci/run does) or set CHROMIUM_PATH.'
    : `Chromium was not found at ${CHROMIUM_PATH}: browser tests skipped. Install chromium or set CHROMIUM_PATH.`;
  return { ok: false, required, message };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
