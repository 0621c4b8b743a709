import { fixtureModelSet, type FixtureModelSet } from '../../tests/helpers/model-fixture';
import { sameModel } from '../../models/model-ref';
import { readHistory } from '../registry/history';
import { Registry } from '../registry/registry';
import { verifyRegistry } from '../registry/verify';
import { applyPendingRegistrations } from './pending-registrations';

let fixtures: FixtureModelSet;
beforeAll(async () => {
  fixtures = await fixtureModelSet(3);
});

const request = (ref: { variant: string; version: string }, modelSha256: string | null, extra = {}) =>
  JSON.stringify({
    schemaVersion: 1,
    kind: 'pending-registration',
    ...ref,
    modelSha256,
    as: 'challenger',
    weight: 0.1,
    requestedBy: 'pulumi:hscode-mlops/aws-dev',
    ...extra,
  });

describe('applyPendingRegistrations', () => {
  it('registers what a deployment asked for once, receipts it, and never again after a rollback', async () => {
    const store = await fixtures.storeWithChampion();
    const [champion, next] = fixtures.models as [(typeof fixtures.models)[0], (typeof fixtures.models)[0]];
    const registry = new Registry(store, { actor: 'scheduled-jobs' });
    await store.put(
      `registry/pending/textcnn/${champion.ref.version}.json`,
      request(champion.ref, champion.manifest.onnx.sha256),
    );
    await store.put(
      `registry/pending/textcnn/${next.ref.version}.json`,
      request(next.ref, next.manifest.onnx.sha256),
    );

    const first = await applyPendingRegistrations(store, registry);
    expect(first.map((o) => o.status).sort()).toEqual(['registered', 'unchanged']);
    expect((await registry.read()).challengers).toEqual([{ ...next.ref, weight: 0.1 }]);
    // The first champion's registration opens the history; the requested one follows it.
    const added = (await readHistory(store)).find(
      (e) => e.type === 'registered' && sameModel(e.subject, next.ref),
    );
    expect(added?.details).toMatchObject({ requestedBy: 'pulumi:hscode-mlops/aws-dev' });

    expect(await applyPendingRegistrations(store, registry)).toEqual([]);
    await registry.rollback(next.ref);
    expect(await applyPendingRegistrations(store, registry)).toEqual([]);
    expect((await registry.read()).challengers).toEqual([]);
    expect(await verifyRegistry(store)).toMatchObject({ ok: true });
  });

  it('refuses a request whose model is not the one published, and keeps it pending', async () => {
    const store = await fixtures.storeWithChampion();
    const other = fixtures.models[2]!;
    const key = `registry/pending/textcnn/${other.ref.version}.json`;
    await store.put(key, request(other.ref, 'f'.repeat(64)));
    const registry = new Registry(store);
    const [outcome] = await applyPendingRegistrations(store, registry);
    expect(outcome).toMatchObject({
      status: 'refused',
      detail: expect.stringMatching(/named ONNX sha256 ffffffffffff…, the published manifest says/),
    });
    expect(await store.get(`registry/applied/textcnn/${other.ref.version}.json`)).toBeUndefined();
    expect((await registry.read()).challengers).toEqual([]);
  });

  it('refuses a malformed request or one for a model never published, without stopping the others', async () => {
    const store = await fixtures.storeWithChampion();
    const registry = new Registry(store);
    await store.put('registry/pending/a.json', '{"kind":"pending-registration"}');
    await store.put(
      'registry/pending/b.json',
      request({ variant: 'textcnn', version: 'textcnn-000000000000' }, null),
    );
    await store.put(
      'registry/pending/c.json',
      request(fixtures.models[1]!.ref, null, { as: 'shadow', weight: 0 }),
    );
    const outcomes = await applyPendingRegistrations(store, registry);
    expect(outcomes.map((o) => [o.key, o.status])).toEqual([
      ['registry/pending/a.json', 'refused'],
      ['registry/pending/b.json', 'refused'],
      ['registry/pending/c.json', 'registered'],
    ]);
    expect((await registry.read()).shadows).toEqual([fixtures.models[1]!.ref]);
  });
});
