import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where browser tests leave screenshots (git-ignored; CI keeps the folder as an artifact). */
export const TEST_ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/**
 * Debian's Chromium (playwright-core never downloads a browser), headless, with the background
 * services off: on a machine without internet they fail their lookups, many at a time.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Run in the page before its scripts: every Content-Security-Policy violation is kept. */
export const RECORD_CSP_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
`;
