import { STACKS } from '../testing/baselines';
import {
  itPassesEveryCompliantStack,
  messagesOf,
  mutate,
  UNKNOWN_OBJECT,
  UNKNOWN_STRING,
} from '../testing/run';
import { requiredTags } from './required-tags';

const ALL = 'owner, cost-centre, data-classification, model-variant, model-sha256';

describe('required-tags', () => {
  itPassesEveryCompliantStack(requiredTags);

  it('names each missing tag of an AWS resource', async () => {
    const stack = mutate(STACKS.aws(), 'api', (p) => {
      delete p.tags.owner;
      p.tags['cost-centre'] = ' ';
    });
    expect(await messagesOf(requiredTags, stack)).toEqual([
      `api (aws:lambda/function:Function) lacks the tags owner, cost-centre: set them from the stack's tags, as every taggable resource must carry ${ALL}.`,
    ]);
  });

  it('checks labels on GCP and tags on Azure', async () => {
    const gcp = mutate(STACKS.gcp(), 'store', (p) => delete p.labels['data-classification']);
    expect(await messagesOf(requiredTags, gcp)).toEqual([
      `store (gcp:storage/bucket:Bucket) lacks the labels data-classification: set them from the stack's tags, as every taggable resource must carry ${ALL}.`,
    ]);
    const azure = mutate(STACKS.azure(), 'logs', (p) => delete p.tags);
    expect(await messagesOf(requiredTags, azure)).toEqual([
      `logs (azure-native:operationalinsights:Workspace) lacks the tags ${ALL}: set them from the stack's tags, as every taggable resource must carry ${ALL}.`,
    ]);
  });

  it('refuses a model-sha256 that is not at least 32 hex characters of a sha256', async () => {
    const stack = mutate(STACKS.aws(), 'store', (p) => (p.tags['model-sha256'] = 'latest'));
    expect(await messagesOf(requiredTags, stack)).toEqual([
      "store has tags.model-sha256 'latest', which is not a model sha256: set it to the published model's sha256 in lower-case hex (at least its first 32 characters).",
    ]);
  });

  it('refuses a GCP label value GCP would reject, such as a full 64-character sha256', async () => {
    const full = 'b'.repeat(64);
    const stack = mutate(STACKS.gcp(), 'api', (p) => (p.labels['model-sha256'] = full));
    expect(await messagesOf(requiredTags, stack)).toEqual([
      `api has labels.model-sha256 '${full}', which GCP rejects: use at most 63 lower-case letters, digits, '_' or '-'.`,
    ]);
  });

  it('leaves resources that take no tags alone, and checks a type newer than its list when it carries tags', async () => {
    const records = [
      { type: 'aws:s3/bucketVersioning:BucketVersioning', name: 'v', props: { bucket: 'b' } },
      { type: 'aws:newservice/widget:Widget', name: 'w', props: { tags: {} } },
    ];
    expect(await messagesOf(requiredTags, records)).toEqual([
      `w (aws:newservice/widget:Widget) lacks the tags ${ALL}: set them from the stack's tags, as every taggable resource must carry ${ALL}.`,
    ]);
  });

  it("accepts AWS tags a provider's default tags fill in (tagsAll)", async () => {
    const stack = mutate(STACKS.aws(), 'api', (p) => {
      p.tagsAll = p.tags;
      delete p.tags;
    });
    expect(await messagesOf(requiredTags, stack)).toEqual([]);
  });

  it('reports nothing it cannot know during a preview', async () => {
    const unknownMap = mutate(STACKS.aws(), 'api', (p) => (p.tags = UNKNOWN_OBJECT));
    const unknownValue = mutate(STACKS.aws(), 'api', (p) => (p.tags.owner = UNKNOWN_STRING));
    expect(await messagesOf(requiredTags, unknownMap)).toEqual([]);
    expect(await messagesOf(requiredTags, unknownValue)).toEqual([]);
  });
});
