import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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
const RECORD_CSP_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

/**
 * A desktop-sized page that records console errors and uncaught exceptions into `errors` and
 * Content-Security-Policy violations into `window.cspViolations`.
 */
export async function openWatchedPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
  return page;
}
