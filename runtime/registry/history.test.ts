import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelRefKey } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import { LocalObjectStore } from '../store/local-store';
import { PreconditionFailedError } from '../store/object-store';
import { canonicalJson, NotJsonError } from './canonical-json';
import {
  appendEntry,
  chainEntry,
  hashOfEntry,
  InvalidHistoryEntryError,
  parseEntry,
  readHistory,
  readHistoryHead,
  serialiseEntry,
  type HistoryDraft,
} from './history';
import type { RegistryState } from './registry-state';

const freshStore = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-history-')));
const a = { variant: 'textcnn', version: 'textcnn-aaaaaaaaaaaa' };
const b = { variant: 'textcnn', version: 'textcnn-bbbbbbbbbbbb' };

const stateAt = (revision: number): RegistryState => ({
  schemaVersion: 1,
  revision,
  champion: a,
  challengers: [{ ...b, weight: 0.1 }],
  shadows: [],
  fallback: null,
});

const draft = (revision: number, details: Record<string, unknown> = {}): HistoryDraft => ({
  time: new Date(Date.UTC(2024, 0, revision)).toISOString(),
  type: 'ramped',
  actor: 'test',
  subject: b,
  details,
  state: stateAt(revision),
  artifacts: { [modelRefKey(a)]: 'a'.repeat(64), [modelRefKey(b)]: 'b'.repeat(64) },
});

describe('canonical JSON', () => {
  it('gives the same bytes for the same value whatever the key order, integer-like keys included', () => {
    const one = canonicalJson({ b: 1, a: { '10': true, '2': [1, 'x'], z: null } });
    const two = canonicalJson({ a: { z: null, '2': [1, 'x'], '10': true }, b: 1 });
    expect(one).toBe(two);
    expect(JSON.parse(one)).toEqual({ a: { '10': true, '2': [1, 'x'], z: null }, b: 1 });
    expect(one.indexOf('"10"')).toBeLessThan(one.indexOf('"2"'));
  });

  it('refuses values a JSON round trip would change', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(NotJsonError);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/\$\.when/);
    expect(() => canonicalJson([undefined])).toThrow(NotJsonError);
  });
});

describe('history entries', () => {
  it('chain each entry to the previous one by the sha256 of its canonical form', () => {
    const first = chainEntry(undefined, draft(2, { from: 0.1, to: 0.2 }));
    const second = chainEntry(first, draft(3));
    expect([first.seq, first.prevHash, second.seq, second.prevHash]).toEqual([1, null, 2, first.hash]);
    const { hash, ...rest } = second;
    expect(hash).toBe(createHash('sha256').update(canonicalJson(rest)).digest('hex'));
    // The stored text parses back to an entry with the same hash.
    const parsed = parseEntry('k', serialiseEntry(second));
    expect(hashOfEntry(parsed)).toBe(second.hash);
  });

  it('change hash when any field changes', () => {
    const entry = chainEntry(undefined, draft(2, { reason: 'better' }));
    expect(hashOfEntry({ ...entry, details: { reason: 'worse' } })).not.toBe(entry.hash);
    expect(hashOfEntry({ ...entry, actor: 'someone else' })).not.toBe(entry.hash);
    expect(hashOfEntry({ ...entry, state: stateAt(3) })).not.toBe(entry.hash);
  });

  it('are stored one object per seq, and a second append of the same seq loses', async () => {
    const store = freshStore();
    const first = chainEntry(undefined, draft(2, { writer: 'first' }));
    const rival = chainEntry(undefined, draft(2, { writer: 'rival' }));
    await appendEntry(store, first);
    await expect(appendEntry(store, rival)).rejects.toBeInstanceOf(PreconditionFailedError);
    const stored = readFileSync(join(store.root, storeKeys.registryHistoryEntry(1)), 'utf8');
    expect(stored).toBe(serialiseEntry(first));
    expect(storeKeys.registryHistoryEntry(1)).toBe('registry/history/00000001.json');
  });

  it('are read back in order, the newest n on request, with the head last', async () => {
    const store = freshStore();
    expect(await readHistoryHead(store)).toBeUndefined();
    let head;
    for (let revision = 2; revision <= 12; revision++) {
      head = chainEntry(head, draft(revision));
      await appendEntry(store, head);
    }
    const all = await readHistory(store);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect((await readHistory(store, { limit: 3 })).map((e) => e.seq)).toEqual([9, 10, 11]);
    expect(await readHistoryHead(store)).toEqual(head);
  });

  it.each([
    ['an unknown event type', { type: 'deleted' }, /type "deleted"/],
    ['no subject', { subject: null }, /subject/],
    [
      'an invalid state',
      { state: { ...stateAt(2), challengers: [{ ...b, weight: 2 }] } },
      /state is invalid/,
    ],
    ['a malformed hash', { hash: 'abc' }, /hash must be a sha256/],
    ['a malformed artifact pin', { artifacts: { 'textcnn/x': 'nope' } }, /artifacts must map/],
  ])('are refused with %s', (_, change, reason) => {
    const entry = { ...chainEntry(undefined, draft(2)), ...change };
    expect(() => parseEntry('registry/history/00000001.json', JSON.stringify(entry))).toThrow(
      InvalidHistoryEntryError,
    );
    expect(() => parseEntry('registry/history/00000001.json', JSON.stringify(entry))).toThrow(reason);
  });
});
