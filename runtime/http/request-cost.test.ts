import { COST_PER_CANDIDATE, requestCost } from './request-cost';

describe('requestCost', () => {
  const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  const perExplained = text.length * 61;

  it('counts characters, once more per distinct word with explain, and the candidates', () => {
    expect(requestCost({ descriptions: [text, 'a b a'], topK: 3 })).toBe(
      text.length + 5 + 2 * 3 * COST_PER_CANDIDATE,
    );
    // "a b a" has two distinct words.
    expect(requestCost({ descriptions: [text, 'a b a'], topK: 3, explain: true })).toBe(
      perExplained + 5 * 3 + 2 * 3 * COST_PER_CANDIDATE,
    );
  });

  it('stops counting once the limit is passed, returning what it counted so far', () => {
    const request = { descriptions: Array<string>(256).fill(text), topK: 20, explain: true };
    const candidates = 256 * 20 * COST_PER_CANDIDATE;
    const limit = candidates + 2 * perExplained;
    const counted = requestCost(request, limit);
    expect(counted).toBe(candidates + 3 * perExplained);
    expect(counted).toBeGreaterThan(limit);
    expect(requestCost(request)).toBe(candidates + 256 * perExplained);
    // Reaching the limit exactly is not passing it: the count goes on to the next description.
    const three = { ...request, descriptions: [text, text, text] };
    const threeCandidates = 3 * 20 * COST_PER_CANDIDATE;
    expect(requestCost(three, threeCandidates + perExplained)).toBe(threeCandidates + 2 * perExplained);
  });
});
