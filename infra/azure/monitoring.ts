import * as pulumi from '@pulumi/pulumi';
import * as monitor from '@pulumi/azure-native/monitor';
import { childName, componentType } from '../components';
import type { Monitoring, MonitoringArgs } from '../platform';

/**
 * Per function, two log alerts over its Application Insights requests: the failed share and the
 * p99 duration. Metric alerts offer neither ratios nor percentiles, so these are scheduled queries.
 */
export class AzureMonitoring extends pulumi.ComponentResource implements Monitoring {
  readonly logsUrl: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;

  constructor(
    name: string,
    args: MonitoringArgs & { resourceGroup: string; location: string; actionGroups: string[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('azure', 'Monitoring'), name, {}, opts);
    const rule = (
      id: string,
      scope: pulumi.Output<string>,
      description: string,
      query: string,
      threshold: number,
    ) =>
      new monitor.ScheduledQueryRule(
        childName(name, id),
        {
          resourceGroupName: args.resourceGroup,
          location: args.location,
          description,
          enabled: true,
          severity: 2,
          scopes: [scope],
          evaluationFrequency: 'PT5M',
          windowSize: 'PT10M',
          criteria: {
            allOf: [
              {
                query,
                timeAggregation: 'Maximum',
                metricMeasureColumn: 'value',
                operator: 'GreaterThan',
                threshold,
                failingPeriods: { numberOfEvaluationPeriods: 2, minFailingPeriodsToAlert: 2 },
              },
            ],
          },
          actions: { actionGroups: args.actionGroups },
          tags: args.tags,
        },
        { parent: this },
      );
    const rules = args.functions.flatMap((fn) => [
      rule(
        `${fn.role}-errors`,
        fn.metricsScope,
        `${fn.role}: more than ${args.alarms.errorRate * 100}% of requests failed`,
        'requests | summarize value = todouble(countif(success == false)) / count() by bin(timestamp, 5m)',
        args.alarms.errorRate,
      ),
      rule(
        `${fn.role}-p99`,
        fn.metricsScope,
        `${fn.role}: p99 duration above ${args.alarms.p99LatencyMs} ms`,
        'requests | summarize value = percentile(duration, 99) by bin(timestamp, 5m)',
        args.alarms.p99LatencyMs,
      ),
    ]);
    const [first] = args.functions;
    this.logsUrl = first
      ? pulumi.interpolate`https://portal.azure.com/#@/resource${first.metricsScope}/logs`
      : pulumi.output('');
    this.dashboardUrl = pulumi.output(
      `https://portal.azure.com/#view/HubsExtension/BrowseResourceGroups/resourceGroup/${args.resourceGroup}`,
    );
    this.alarmNames = pulumi.all(rules.map((r) => r.name));
    this.registerOutputs({
      logsUrl: this.logsUrl,
      dashboardUrl: this.dashboardUrl,
      alarmNames: this.alarmNames,
    });
  }
}
