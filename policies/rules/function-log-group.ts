import type { StackValidationPolicy } from '@pulumi/policy';
import { at, UNKNOWN } from '../lib/known';
import { ofType } from '../lib/stack';

export const functionLogGroup: StackValidationPolicy = {
  name: 'function-log-group',
  description:
    'Every AWS Lambda writes to a log group the stack declares (its own /aws/lambda/<name>, or the one loggingConfig.logGroup names), so log-retention governs it; otherwise Lambda creates one that never expires. GCP and Azure functions log to stores whose retention log-retention already checks.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const groups = ofType(resources, 'aws:cloudwatch/logGroup:LogGroup').map((g) => at(g.props, 'name'));
    if (groups.includes(UNKNOWN)) return;
    for (const fn of ofType(resources, 'aws:lambda/function:Function')) {
      const custom = at(fn.props, 'loggingConfig', 'logGroup');
      const name = at(fn.props, 'name');
      const group = custom ?? (typeof name === 'string' ? `/aws/lambda/${name}` : name);
      if (group === UNKNOWN || group === undefined || groups.includes(group)) continue;
      reportViolation(
        `Lambda ${fn.name} logs to ${String(group)}, which this stack does not declare, so Lambda creates it without retention: declare an aws.cloudwatch.LogGroup named ${String(group)} with retentionInDays, created before the function.`,
        fn.urn,
      );
    }
  },
};
