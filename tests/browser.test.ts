import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page, Request, Response } from 'playwright-core';
import type { FeedbackRecord } from '../runtime/core/feedback';
import type { PredictResponse } from '../runtime/core/predict-service';
import { launchChromium, openWatchedPage, TEST_ARTIFACTS } from './helpers/chromium';
import { startTestServer } from './helpers/test-server';

/**
 * The analysts' page end to end in a real Chromium against a real server and model: what the page
 * shows is compared with what the API answered, and feedback is looked for in the store itself.
 */

// The browser's own reports of the 400 and 401 this test provokes on purpose; any other error fails it.
const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of 40[01]\b/;

/** Playwright runs these in the page; the test compiles without DOM types, so they are text. */

jest.setTimeout(120_000);

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
/** What the page asked for with window.prompt, and what the analyst answers, in order. */
const prompts: string[] = [];
const answers: string[] = [];
/** The policy the page was served with: the CSP check below means nothing without one. */
let pagePolicy: string | undefined;

const isPredict = (r: Response) => r.url().endsWith('/v1/predict') && r.request().method() === 'POST';
const cards = () => page.locator('#results .card');
const dotted = (hs6: string) => `${hs6.slice(0, 4)}.${hs6.slice(4)}`;
/** The page's percentage text back to a number ("<0.1%" counts as 0). */
const shownPercent = (text: string) => (text.startsWith('<') ? 0 : Number(text.replace('%', '')));
/** Text as the model's tokenizer would fold it, for the simple words this test uses. */
const foldedWord = (text: string) =>
  text
    .toLowerCase()
    .replace(/['’]s$/, '')
    .replace(/[-'’]/g, '');

/** Does `action` and returns what the page's `POST /v1/predict` answered. */
async function predictionsAfter(
  action: () => Promise<void>,
): Promise<{ sent: string[]; body: PredictResponse }> {
  const [response] = await Promise.all([page.waitForResponse(isPredict), action()]);
  const body = (await response.json()) as PredictResponse;
  await cards()
    .nth(body.predictions.length - 1)
    .waitFor();
  return { sent: (response.request().postDataJSON() as { descriptions: string[] }).descriptions, body };
}

/** `<home>/…/feedback/<day>/<predictionId>.json`, wherever the server keeps its store under home. */
function findFeedback(dir: string, predictionId: string): FeedbackRecord | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFeedback(path, predictionId);
      if (found) return found;
    } else if (entry.name === `${predictionId}.json` && path.split(/[\\/]/).at(-3) === 'feedback') {
      return JSON.parse(readFileSync(path, 'utf8')) as FeedbackRecord;
    }
  }
  return undefined;
}

async function expectCardMatches(card: Locator, prediction: PredictResponse['predictions'][number]) {
  const codes = await card.locator('.candidate .code').allTextContents();
  expect(codes).toEqual(prediction.candidates.map((c) => dotted(c.hs6)));
  const percents = (await card.locator('.candidate .probability').allTextContents()).map(shownPercent);
  prediction.candidates.forEach((c, i) =>
    expect(Math.abs((percents[i] as number) - c.probability * 100)).toBeLessThanOrEqual(0.05),
  );
  // Each is rounded to 0.1 point, so five may exceed the true sum (at most 100) by 0.25.
  expect(percents.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100.25);
  expect(await card.locator('.badge.review').isVisible()).toBe(prediction.needsReview);
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  page = await openWatchedPage(browser, consoleErrors);
  page.on('dialog', (dialog) => {
    prompts.push(dialog.message());
    void dialog.accept(answers.shift() ?? '');
  });
  pagePolicy = (await page.goto(server.url))?.headers()['content-security-policy'];
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the classification page', () => {
  let first: PredictResponse;

  it('shows one card per pasted line with the top five codes, their probabilities and the explained words', async () => {
    await page
      .getByLabel('Product descriptions')
      .fill("men's cotton knitted t-shirt\n\nfrozen shrimp in brine");
    const { sent, body } = await predictionsAfter(() =>
      page.getByLabel('Product descriptions').press('Control+Enter'),
    );
    first = body;

    expect(sent).toEqual(["men's cotton knitted t-shirt", 'frozen shrimp in brine']);
    expect(await cards().count()).toBe(2);
    for (const [i, prediction] of body.predictions.entries()) {
      const card = cards().nth(i);
      expect(prediction.candidates).toHaveLength(5);
      await expectCardMatches(card, prediction);
      // Every word that weighs at least 5% of the strongest is highlighted, and nothing else.
      const explanation = prediction.explanation ?? [];
      const strongest = Math.max(...explanation.map((w) => Math.abs(w.weight)));
      const marked = (await card.locator('mark.hl').allTextContents()).map(foldedWord);
      expect(marked.length).toBeGreaterThan(0);
      expect(marked.sort()).toEqual(
        explanation
          .filter((w) => Math.abs(w.weight) >= 0.05 * strongest)
          .map((w) => w.word)
          .sort(),
      );
    }
    const status = await page.locator('#status').textContent();
    expect(status).toContain(`${body.predictions[0]?.variant} · ${body.predictions[0]?.modelVersion}`);
    expect(status).toMatch(/in \d+ ms/);
  });

  it('asks for the analyst key, explains a refused one and asks again, then records the chosen code under that key', async () => {
    const prediction = first.predictions[0]!;
    const chosen = prediction.candidates[1]!;
    const card = cards().first();
    answers.push(`hsk_00000000_${'x'.repeat(43)}`, server.analystKey);
    await card.locator('.candidate').nth(1).click();
    await card.locator('.feedback-result.error').waitFor();
    expect(await card.locator('.feedback-result').textContent()).toMatch(
      /^Corrections need your analyst API key, and this one was refused \(that API key is not known here/,
    );
    expect(findFeedback(server.home, prediction.predictionId)).toBeUndefined();

    await card.locator('.candidate').nth(1).click();
    await card.locator('.feedback-result.ok').waitFor();
    expect(prompts).toEqual([
      expect.stringMatching(/analyst API key/),
      expect.stringMatching(/analyst API key/),
    ]);

    expect(await card.locator('.feedback-result').textContent()).toContain(dotted(chosen.hs6));
    expect(await card.locator('.candidate').nth(1).getAttribute('aria-pressed')).toBe('true');
    const record = findFeedback(server.home, prediction.predictionId);
    expect(record).toMatchObject({ predictionId: prediction.predictionId, hs6: chosen.hs6 });
    expect(record?.prediction?.version).toBe(prediction.modelVersion);
    const keyId = server.analystKey.split('_')[1];
    expect(record?.givenBy).toEqual({ id: `key:${keyId}`, via: 'api-key' });

    mkdirSync(TEST_ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'page.png'), fullPage: true });
  });

  it("shows the API's refusal of a code that is not an HS subheading", async () => {
    const prediction = first.predictions[1]!;
    const card = cards().nth(1);
    const refusal = await fetch(`${server.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.analystKey}` },
      body: JSON.stringify({ predictionId: prediction.predictionId, hs6: '6109.99' }),
    });
    const { error } = (await refusal.json()) as { error: { message: string } };
    expect(refusal.status).toBe(400);

    await card.getByLabel('Correct HS code').fill('6109.99');
    await card.getByRole('button', { name: 'Send' }).click();
    await card.locator('.feedback-result.error').waitFor();
    expect(await card.locator('.feedback-result').textContent()).toBe(error.message);
    // The key is kept for the tab: no second question.
    expect(prompts).toHaveLength(2);
  });

  it('classifies the rows of an uploaded CSV, and of a dropped one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hscode-csv-'));
    const csv = join(dir, 'rows.csv');
    writeFileSync(
      csv,
      'sku,description,origin\r\nA1,"cotton t-shirt, men\'s ""classic""",PT\r\nB2,frozen shrimp,VN\r\nC3,beer made from malt,DE\r\n',
    );
    const uploaded = await predictionsAfter(() => page.setInputFiles('#csv-file', csv));
    expect(uploaded.sent).toEqual([
      'cotton t-shirt, men\'s "classic"',
      'frozen shrimp',
      'beer made from malt',
    ]);
    expect(await cards().count()).toBe(3);
    expect(await cards().locator('.card-text').allTextContents()).toEqual(uploaded.sent);
    for (const [i, prediction] of uploaded.body.predictions.entries())
      await expectCardMatches(cards().nth(i), prediction);

    // No header: the first column; semicolons, as many spreadsheets save.
    const drop = `(() => {
      const data = new DataTransfer();
      data.items.add(new File(['live ornamental fish;x\\nmalt beer;y\\n'], 'drop.csv', { type: 'text/csv' }));
      return data;
    })()`;
    const dataTransfer = await page.evaluateHandle(drop);
    const dropped = await predictionsAfter(() => page.dispatchEvent('#drop-zone', 'drop', { dataTransfer }));
    expect(dropped.sent).toEqual(['live ornamental fish', 'malt beer']);
    expect(await cards().count()).toBe(2);
  });

  it('explains why nothing was classified: an empty text, and a line the API refuses', async () => {
    const textarea = page.getByLabel('Product descriptions');
    const requests: string[] = [];
    const countPredictRequests = (request: Request) => {
      if (request.url().endsWith('/v1/predict')) requests.push(request.url());
    };
    page.on('request', countPredictRequests);
    await textarea.fill('  \n');
    await page.getByRole('button', { name: 'Classify' }).click();
    await page.locator('#error').waitFor();
    page.off('request', countPredictRequests);
    expect(await page.locator('#error').textContent()).toMatch(/at least one product description/);
    expect(requests).toEqual([]);

    await textarea.fill(`wool scarf\n\n${'x'.repeat(1001)}`);
    const [response] = await Promise.all([
      page.waitForResponse(isPredict),
      page.getByRole('button', { name: 'Classify' }).click(),
    ]);
    const { error } = (await response.json()) as { error: { message: string; field: string } };
    expect(response.status()).toBe(400);
    expect(error.field).toBe('descriptions[1]');
    await page.locator('#error').getByText(error.message).waitFor();
    // The position inside the request is turned into the line the analyst sees.
    expect(await page.locator('#error').textContent()).toBe(`Line 3: ${error.message}`);
  });

  it('highlights the very characters each explained word came from, whatever normalisation made of it', async () => {
    // One word per line where one rule makes it (possessive, hyphen and plural, percentage,
    // spelling, unit), and two-word lines for inches and a unit glued to its number.
    const lines = ["Men's", 'T-Shirts', '%', 'Colour', 'Kgs', '15"', '500g'];
    await page.getByLabel('Product descriptions').fill(lines.join('\n'));
    const { body } = await predictionsAfter(() =>
      page.getByLabel('Product descriptions').press('Control+Enter'),
    );
    const marksOf = async (i: number) =>
      (await cards().nth(i).locator('mark.hl, mark.hl-neg').allTextContents()).sort();
    expect(await marksOf(0)).toEqual(['Men']);
    expect(await marksOf(1)).toEqual(['T-Shirts']);
    expect(await marksOf(2)).toEqual(['%']);
    expect(await marksOf(3)).toEqual(['Colour']);
    expect(await marksOf(4)).toEqual(['Kgs']);
    for (const i of [5, 6]) {
      const text = lines[i] as string;
      const explanation = body.predictions[i]?.explanation ?? [];
      const strongest = Math.max(...explanation.map((w) => Math.abs(w.weight)));
      const shown = explanation.filter((w) => Math.abs(w.weight) >= 0.05 * strongest);
      expect(shown.length).toBeGreaterThan(0);
      expect(await marksOf(i)).toEqual(
        shown.flatMap((w) => w.spans.map((span) => text.slice(span.start, span.end))).sort(),
      );
    }
    const words = (i: number) => body.predictions[i]?.explanation?.map((w) => w.word).sort();
    expect(words(5)).toEqual(['<num2>', 'inch']);
    expect(words(6)).toEqual(['<num3>', 'g']);
  });

  it('says which words retrieval did not know and what it searched for instead', async () => {
    // The tiny model's fish know "tuna" and "trout": "tunny" is WordNet's synonym, "troutt" a slip.
    await page.getByLabel('Product descriptions').fill('fresh tunny troutt');
    const { body } = await predictionsAfter(() =>
      page.getByLabel('Product descriptions').press('Control+Enter'),
    );
    const readings = (body.predictions[0]?.explanation ?? []).map((w) => [w.word, w.readAs]);
    expect(readings.sort()).toEqual([
      ['fresh', undefined],
      ['troutt', 'trout'],
      ['tunny', 'tuna'],
    ]);
    const chip = (word: string) => cards().first().locator('.chip').filter({ hasText: word });
    expect(await chip('tunny').locator('.chip-reading').textContent()).toBe('read as “tuna”');
    expect(await chip('troutt').locator('.chip-reading').textContent()).toBe('read as “trout”');
    expect(await chip('tunny').getAttribute('title')).toContain('retrieval searched for “tuna”');
    expect(await chip('fresh').locator('.chip-reading').count()).toBe(0);
  });

  it('sends more than 256 descriptions in several requests the API accepts, in order', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `cotton knitted t-shirt lot ${i + 1}`);
    const sizes: number[] = [];
    const countBatch = (response: Response) => {
      if (isPredict(response) && response.ok()) {
        sizes.push((response.request().postDataJSON() as { descriptions: string[] }).descriptions.length);
      }
    };
    page.on('response', countBatch);
    await page.getByLabel('Explain').uncheck();
    await page.getByLabel('Product descriptions').fill(lines.join('\n'));
    await page.getByRole('button', { name: 'Classify' }).click();
    await cards().nth(299).waitFor();
    page.off('response', countBatch);
    await page.getByLabel('Explain').check();

    expect(sizes).toEqual([256, 44]);
    expect(await cards().count()).toBe(300);
    expect(await cards().nth(299).locator('.card-text').textContent()).toBe(lines[299]);
    expect(await page.locator('#status').textContent()).toMatch(/^Classified 300 descriptions/);
  });

  it('raised no console error and no Content-Security-Policy violation', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('Product descriptions').fill("men's cotton knitted t-shirt");
    await predictionsAfter(() => page.getByRole('button', { name: 'Classify' }).click());
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'page-mobile.png'), fullPage: true });

    expect(pagePolicy).toMatch(/default-src 'self'/);
    expect(consoleErrors.filter((text) => !EXPECTED_REFUSAL.test(text))).toEqual([]);
    expect(await page.evaluate('window.cspViolations')).toEqual([]);
  });
});
