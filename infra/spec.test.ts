import { BUNDLE_OF, FUNCTION_ROLES, JOB_SCHEDULE, TRIGGER_PREFIXES } from '../models/deployment';
import { parseStackConfig } from './config';
import { ACCESS, environment, functionSpecs, PREFIX, scheduleExpressions, tags, TRIGGERS } from './spec';

const KNOWN = new Set<string>(Object.values(PREFIX));

test('the permission table names only known prefixes, deletes nothing and never touches function code', () => {
  for (const role of FUNCTION_ROLES) {
    const access = ACCESS[role];
    for (const prefix of [...access.read, ...access.write, ...access.delete]) {
      expect(KNOWN.has(prefix)).toBe(true);
      expect(prefix).toMatch(/^[a-z]+(\/[a-z]+)*\/$/);
      expect(prefix).not.toBe(PREFIX.functions);
    }
    expect(access.delete).toEqual([]);
  }
});

test('a function started by new objects can read what starts it', () => {
  for (const role of FUNCTION_ROLES) {
    const trigger = TRIGGERS[role];
    if (trigger.kind === 'object-created') expect(ACCESS[role].read).toContain(trigger.prefix);
  }
  expect(TRIGGERS.retrain).toEqual({ kind: 'object-created', prefix: TRIGGER_PREFIXES.retrain });
  expect(TRIGGERS.batch).toEqual({ kind: 'object-created', prefix: TRIGGER_PREFIXES.batch });
  expect(TRIGGERS.jobs).toEqual({ kind: 'schedule', everyMinutes: JOB_SCHEDULE.promoteEveryMinutes });
});

test('only the predict path writes audit records and only retrain writes models', () => {
  const writers = (prefix: string) => FUNCTION_ROLES.filter((r) => ACCESS[r].write.includes(prefix)).sort();
  expect(writers(PREFIX.models)).toEqual(['retrain']);
  expect(writers(PREFIX.audit)).toEqual(['api', 'batch']);
  expect(writers(PREFIX.registry)).toEqual(['jobs', 'retrain']);
});

test('one interval becomes each cloud’s schedule syntax', () => {
  expect(scheduleExpressions(15)).toEqual({
    aws: 'rate(15 minutes)',
    gcp: '*/15 * * * *',
    azure: '0 */15 * * * *',
  });
  expect(scheduleExpressions(1).aws).toBe('rate(1 minute)');
  for (const bad of [0, 60, 2.5])
    expect(() => scheduleExpressions(bad)).toThrow(/cannot be written as a cron step/);
});

test('specs follow the bundle map, and env and tags pin the model', () => {
  const config = parseStackConfig('p', {
    'p:cloud': 'aws',
    'p:region': 'eu-west-1',
    'p:invokers': '["1"]',
    'p:model': JSON.stringify({ version: 'dnn-1', sha256: 'b'.repeat(64), variant: 'dnn' }),
    'p:tags': JSON.stringify({ owner: 'o', costCentre: 'c', dataClassification: 'public' }),
  });
  expect(functionSpecs(config).map((s) => [s.role, s.bundle])).toEqual(
    FUNCTION_ROLES.map((r) => [r, BUNDLE_OF[r]]),
  );
  const model = { variant: 'dnn', version: 'dnn-1', sha256: 'b'.repeat(64) };
  expect(environment(config, model)).toEqual({
    HSCODE_MODEL_VARIANT: 'dnn',
    HSCODE_MODEL_VERSION: 'dnn-1',
    HSCODE_MODEL_SHA256: 'b'.repeat(64),
    HSCODE_AUTH: 'iam',
    HSCODE_RECORD_TEXT: '0',
  });
  expect(tags(config, model)).toEqual({
    owner: 'o',
    'cost-centre': 'c',
    'data-classification': 'public',
    'model-variant': 'dnn',
    'model-sha256': 'b'.repeat(64),
  });
});
