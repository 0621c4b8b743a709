import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PredictResponse } from '../runtime/core/predict-service';
import { addApiKey } from '../runtime/core/api-keys';
import { FeedbackService } from '../runtime/core/feedback';
import { LocalAuditSink } from '../runtime/core/local-audit-sink';
import type { ModelRef } from '../models/model-ref';
import type { DashboardDocument } from '../runtime/monitoring/dashboard-data';
import { Registry } from '../runtime/registry/registry';
import { LocalObjectStore } from '../runtime/store/local-store';
import { launchChromium, openWatchedPage, TEST_ARTIFACTS } from './helpers/chromium';
import { startTestServer } from './helpers/test-server';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

/**
 * The monitoring view end to end in a real Chromium: a real server routing by a real registry, a
 * challenger registered through the Registry, predictions and feedback through the API, and what
 * the page draws compared with what GET /v1/dashboard answered.
 */

const DAY_MS = 86_400_000;

jest.setTimeout(180_000);

let server: Awaited<ReturnType<typeof startTestServer>>;
let champion: TrainedModel;
let challenger: TrainedModel;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const nameOf = (ref: ModelRef) => `${ref.variant}/${ref.version}`;

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function post(path: string, body: unknown, key = server.analystKey): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

/** Waits for the page's next refresh after `action` (the view marks each one on <body>). */
async function nextRefresh(action: () => Promise<void>): Promise<void> {
  const before = await page.locator('body').getAttribute('data-loaded');
  await action();
  const changed = before === null ? 'body[data-loaded]' : `body[data-loaded]:not([data-loaded="${before}"])`;
  await page.locator(changed).waitFor({ state: 'attached' });
}

beforeAll(async () => {
  champion = await trainTinyModel();
  challenger = await trainTinyModel({ home: champion.home, seed: 11 });
  // One client sends a day's feedback in a moment here: the per-client rate is not under test.
  server = await startTestServer({
    model: champion,
    routeByRegistry: true,
    routingTtlMs: 50,
    limits: { feedbackRate: { perSecond: 1e6, burst: 1e6 } },
  });
  browser = await launchChromium();
  page = await openWatchedPage(browser, consoleErrors);
  // A controllable clock, so the 10-second refresh can be stepped instead of waited for.
  await page.clock.install();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the monitoring view', () => {
  it('is one click from the classifier, and readable before any decision or feedback', async () => {
    await page.goto(server.url);
    await Promise.all([
      page.waitForURL(/\/dashboard\.html$/),
      page.getByRole('link', { name: 'Monitoring' }).click(),
    ]);
    await page.locator('body[data-loaded]').waitFor({ state: 'attached' });

    expect(await page.locator('.legend-item').count()).toBe(1);
    expect(await page.locator('.legend-item[data-role="champion"] .legend-share').textContent()).toBe('100%');
    // The first champion's registration is the history's first entry, so even a fresh registry has one decision.
    const decisions = page.locator('.decisions-table tr.decision');
    expect(await decisions.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual([
      'registered',
    ]);
    expect(await decisions.first().locator('.model-name').textContent()).toBe(nameOf(champion.ref));
    const card = page.locator(`.model-card[data-model="${nameOf(champion.ref)}"]`);
    expect(await card.locator('.model-summary').textContent()).toBe('No feedback yet');
    expect(await card.locator('svg.chart').count()).toBe(0);
    expect(await page.locator('.drift-table .status-chip').first().textContent()).toBe('Not judged yet');
  });

  it('shows the challenger, its 80/20 split, the decisions with their reasons, accuracy by day and drift', async () => {
    const store = new LocalObjectStore(server.home);
    const registry = new Registry(store, { actor: 'retrain-job' });
    const gate = { passed: true, reasons: [], candidate: 0.62, champion: 0.6 };
    await registry.register(challenger.ref, 'challenger', 0.2, { heldOutRows: 48, gate });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server re-reads routing every 50 ms

    // Predictions through the API, each routed by its own id, so about a fifth reach the challenger.
    const rows = champion.rows.slice(0, 120);
    const { predictions } = (await (
      await post('/v1/predict', { descriptions: rows.map((r) => r.text) })
    ).json()) as PredictResponse;
    expect(new Set(predictions.map((p) => p.modelVersion))).toEqual(
      new Set([champion.ref.version, challenger.ref.version]),
    );
    await server.service.drain();

    // The true code for every prediction: two thirds over the API today, the rest recorded on the
    // two days before through the same feedback service, so the charts have three days to draw.
    const lookup = new LocalAuditSink(server.home, { log: () => undefined });
    const earlier = (days: number) =>
      new FeedbackService({ store, lookup, now: () => new Date(Date.now() - days * DAY_MS) });
    for (const [i, prediction] of predictions.entries()) {
      const hs6 = rows[i]!.hs6;
      if (i % 3 === 0) await earlier(2).submit({ predictionId: prediction.predictionId, hs6 });
      else if (i % 3 === 1) await earlier(1).submit({ predictionId: prediction.predictionId, hs6 });
      else
        expect((await post('/v1/feedback', { predictionId: prediction.predictionId, hs6 })).status).toBe(201);
    }
    await lookup.close();

    await nextRefresh(() => page.clock.fastForward(10_000));
    const doc = await getJson<DashboardDocument>('/v1/dashboard');

    // Traffic split: the legend and the bar both say 80/20.
    expect(doc.traffic.map((t) => [t.role, t.share])).toEqual([
      ['champion', 0.8],
      ['challenger', 0.2],
    ]);
    const share = (role: string) =>
      page.locator(`.legend-item[data-role="${role}"] .legend-share`).textContent();
    expect(await share('champion')).toBe('80%');
    expect(await share('challenger')).toBe('20%');
    const widths = await page
      .locator('svg.split rect')
      .evaluateAll((rects) => rects.map((r) => r.getAttribute('width')));
    expect(widths.map(Number)).toEqual([800, 200]);

    // Decisions: the registration and the routing that followed, newest first, with reason and numbers.
    const decisions = page.locator('.decisions-table tr.decision');
    expect(await decisions.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual([
      'challenger-added',
      'registered',
      'registered',
    ]);
    const registered = decisions.nth(1);
    expect(await registered.locator('.model-name').textContent()).toBe(nameOf(challenger.ref));
    expect(await registered.locator('.reason').textContent()).toBe(doc.decisions[1]!.reason);
    expect(doc.decisions[1]!.reason).toMatch(/registered as challenger at weight 0\.2/);
    expect(await registered.locator('.stat').allTextContents()).toEqual(
      expect.arrayContaining(['heldOutRows 48', 'gate.candidate 0.62', 'gate.champion 0.6', 'weight 0.2']),
    );
    expect(await decisions.nth(0).locator('td').nth(4).textContent()).toBe('retrain-job');

    // Accuracy: one point per day with feedback per model, each the API's rate and interval.
    for (const ref of [champion.ref, challenger.ref]) {
      const panel = doc.models.find((m) => m.version === ref.version)!;
      const card = page.locator(`.model-card[data-model="${nameOf(ref)}"]`);
      const points = card.locator('svg.chart circle.point');
      expect(panel.accuracyByDay.length).toBeGreaterThanOrEqual(1);
      expect(await points.count()).toBe(panel.accuracyByDay.length);
      expect(await points.evaluateAll((c) => c.map((p) => p.getAttribute('data-day')))).toEqual(
        panel.accuracyByDay.map((d) => d.day),
      );
      const last = panel.accuracyByDay.at(-1)!;
      const pct = (x: number | null) => `${((x as number) * 100).toFixed(1)}%`;
      expect(await points.last().locator('title').textContent()).toBe(
        `${last.day}: ${pct(last.rate)} of ${last.n} (95% CI ${pct(last.low)}–${pct(last.high)})`,
      );
      expect(await card.locator('.model-summary').textContent()).toContain(`on ${panel.accuracy.n} feedback`);
      expect(panel.accuracy.n).toBe(predictions.filter((p) => p.modelVersion === ref.version).length);
    }
    const championDays = doc.models.find((m) => m.role === 'champion')!.accuracyByDay;
    expect(championDays).toHaveLength(3);
    expect(
      await page.locator(`.model-card[data-model="${nameOf(champion.ref)}"] svg.chart polygon.band`).count(),
    ).toBe(1);

    // Drift: three signals for each routed model, the value and status the API computed.
    const drift = page.locator('.drift-table tr.indicator');
    expect(await drift.count()).toBe(6);
    for (const [m, model] of doc.models.filter((x) => x.drift).entries()) {
      for (const [i, indicator] of model.drift!.indicators.entries()) {
        const row = drift.nth(m * 3 + i);
        expect(await row.getAttribute('data-signal')).toBe(indicator.name);
        expect(await row.locator('.status-chip').getAttribute('data-status')).toBe(indicator.status);
        expect(Number(await row.locator('.value').textContent())).toBeCloseTo(indicator.psi!, 2);
        expect(await row.locator('td').nth(4).textContent()).toBe(
          `${indicator.threshold.warn} / ${indicator.threshold.alarm}`,
        );
      }
    }

    mkdirSync(TEST_ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('lists feedback per giver and flags the one whose corrections move answers to another chapter', async () => {
    // A second analyst sends 30 of the champion's fresh answers to firearms (chapter 93).
    const other = await addApiKey(server.home, 'second analyst');
    const texts = champion.rows.slice(120, 150).map((r) => r.text);
    const { predictions } = (await (
      await post('/v1/predict', { descriptions: texts })
    ).json()) as PredictResponse;
    for (const prediction of predictions) {
      const answer = await post(
        '/v1/feedback',
        { predictionId: prediction.predictionId, hs6: '9303.20' },
        other.key,
      );
      expect(answer.status).toBe(201);
    }
    await server.service.drain();

    await nextRefresh(() => page.clock.fastForward(10_000));
    const doc = await getJson<DashboardDocument>('/v1/dashboard');
    const honest = `key:${server.analystKey.split('_')[1]}`;
    expect(doc.givers.filter((g) => g.disagrees).map((g) => g.givenBy)).toEqual([`key:${other.id}`]);
    expect(doc.givers.find((g) => g.givenBy === honest)).toMatchObject({ records: 40 });

    const rows = page.locator('.givers-table tr.giver');
    expect(await rows.evaluateAll((list) => list.map((r) => r.getAttribute('data-giver')))).toEqual(
      doc.givers.map((g) => g.givenBy),
    );
    const flagged = page.locator(`.givers-table tr.giver[data-giver="key:${other.id}"]`);
    expect(await flagged.locator('.disagrees').textContent()).toBe(doc.givers[0]!.disagrees);
    expect(await page.locator('.givers-table .disagrees').count()).toBe(1);
    expect(await page.locator(`.givers-table tr.giver[data-giver="${honest}"] td`).nth(1).textContent()).toBe(
      '40',
    );
  });

  it('raised no console error and no Content-Security-Policy violation', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-mobile.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(await page.evaluate('window.cspViolations')).toEqual([]);
  });
});
