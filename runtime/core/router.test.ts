import { randomUUID } from 'node:crypto';
import { modelRefKey } from '../../models/model-ref';
import { InvalidRoutingStateError, routeRequest, routingPoint, type RoutingState } from './router';

const champion = { variant: 'textcnn', version: 'textcnn-aaaaaaaaaaaa' };
const challenger = { variant: 'bigru', version: 'bigru-bbbbbbbbbbbb' };
const shadow = { variant: 'dnn', version: 'dnn-cccccccccccc' };
const second = { variant: 'textcnn', version: 'textcnn-dddddddddddd' };

function shares(state: RoutingState, keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const served = modelRefKey(routeRequest(state, key).serve);
    counts.set(served, (counts.get(served) ?? 0) + 1);
  }
  return new Map([...counts].map(([model, count]) => [model, count / keys.length]));
}

describe('routeRequest', () => {
  const keys = Array.from({ length: 10_000 }, () => randomUUID());

  it('splits 10,000 random keys 90/10 within 1.5 points', () => {
    const split = shares({ champion, challengers: [{ ...challenger, weight: 0.1 }], shadows: [] }, keys);
    expect(Math.abs((split.get(modelRefKey(challenger)) ?? 0) - 0.1)).toBeLessThan(0.015);
    expect(Math.abs((split.get(modelRefKey(champion)) ?? 0) - 0.9)).toBeLessThan(0.015);
  });

  it('splits sequential, look-alike keys evenly too', () => {
    const lookAlike = Array.from({ length: 10_000 }, (_, i) => `customer-${String(i).padStart(6, '0')}`);
    const state = {
      champion,
      challengers: [
        { ...challenger, weight: 0.2 },
        { ...second, weight: 0.3 },
      ],
      shadows: [],
    };
    const split = shares(state, lookAlike);
    expect(Math.abs((split.get(modelRefKey(challenger)) ?? 0) - 0.2)).toBeLessThan(0.015);
    expect(Math.abs((split.get(modelRefKey(second)) ?? 0) - 0.3)).toBeLessThan(0.015);
    expect(Math.abs((split.get(modelRefKey(champion)) ?? 0) - 0.5)).toBeLessThan(0.015);
  });

  it('always sends the same key to the same model', () => {
    const state = { champion, challengers: [{ ...challenger, weight: 0.5 }], shadows: [] };
    for (const key of keys.slice(0, 200)) {
      const first = routeRequest(state, key).serve;
      for (let i = 0; i < 3; i++) expect(routeRequest(state, key).serve).toEqual(first);
    }
  });

  it('moves only champion keys to a challenger whose weight grows', () => {
    const at = (weight: number) => ({ champion, challengers: [{ ...challenger, weight }], shadows: [] });
    const before = keys.map((key) => routeRequest(at(0.1), key).serve.arm);
    const after = keys.map((key) => routeRequest(at(0.3), key).serve.arm);
    before.forEach((arm, i) => {
      if (arm === 'challenger') expect(after[i]).toBe('challenger');
    });
    expect(after.filter((arm) => arm === 'challenger').length).toBeGreaterThan(
      before.filter((arm) => arm === 'challenger').length,
    );
  });

  it('lists shadows for scoring but never serves them', () => {
    const state = { champion, challengers: [], shadows: [shadow] };
    for (const key of keys.slice(0, 500)) {
      const route = routeRequest(state, key);
      expect(route.serve).toEqual({ ...champion, arm: 'champion' });
      expect(route.shadows).toEqual([shadow]);
    }
  });

  it('gives a zero-weight challenger nothing and a full-weight one everything', () => {
    const none = shares({ champion, challengers: [{ ...challenger, weight: 0 }], shadows: [] }, keys);
    expect(none.get(modelRefKey(champion))).toBe(1);
    const all = shares({ champion, challengers: [{ ...challenger, weight: 1 }], shadows: [] }, keys);
    expect(all.get(modelRefKey(challenger))).toBe(1);
  });

  it.each([[-0.1], [1.5], [Number.NaN]])('rejects a challenger weight of %p', (weight) => {
    expect(() =>
      routeRequest({ champion, challengers: [{ ...challenger, weight }], shadows: [] }, 'k'),
    ).toThrow(InvalidRoutingStateError);
  });

  it('rejects challenger weights that add up to more than 1', () => {
    const state = {
      champion,
      challengers: [
        { ...challenger, weight: 0.6 },
        { ...second, weight: 0.5 },
      ],
      shadows: [],
    };
    expect(() => routeRequest(state, 'k')).toThrow(/add up to 1\.1/);
  });

  it('maps keys into [0, 1)', () => {
    for (const key of keys.slice(0, 1000)) {
      const point = routingPoint(key);
      expect(point).toBeGreaterThanOrEqual(0);
      expect(point).toBeLessThan(1);
    }
  });
});
