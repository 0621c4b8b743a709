import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import { childName, componentType } from '../components';
import type { Monitoring, MonitoringArgs } from '../platform';

/** Alarms look at five-minute windows and fire after two bad ones in a row. */
export const ALARM_PERIOD_SECONDS = 300;
export const ALARM_EVALUATION_PERIODS = 2;

/**
 * Per function: an alarm on the error rate (Errors over Invocations) and one on the p99 of
 * Duration; a dashboard of both for every function; links to the logs.
 */
export class AwsMonitoring extends pulumi.ComponentResource implements Monitoring {
  readonly logsUrl: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;

  constructor(
    name: string,
    args: MonitoringArgs & { region: string; alarmActions: string[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('aws', 'Monitoring'), name, {}, opts);
    const parent = { parent: this };
    const common = {
      evaluationPeriods: ALARM_EVALUATION_PERIODS,
      treatMissingData: 'notBreaching',
      alarmActions: args.alarmActions,
      okActions: args.alarmActions,
      tags: args.tags,
    };
    const alarms = args.functions.flatMap((fn) => {
      const dimensions = { FunctionName: fn.functionName };
      const metric = (id: string, metricName: string) => ({
        id,
        metric: {
          namespace: 'AWS/Lambda',
          metricName,
          dimensions,
          period: ALARM_PERIOD_SECONDS,
          stat: 'Sum',
        },
      });
      const errors = new cloudwatch.MetricAlarm(
        childName(name, `${fn.role}-errors`),
        {
          ...common,
          alarmDescription: `${fn.role}: more than ${args.alarms.errorRate * 100}% of invocations failed`,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: args.alarms.errorRate,
          metricQueries: [
            metric('errors', 'Errors'),
            metric('invocations', 'Invocations'),
            {
              id: 'rate',
              expression: 'errors / MAX([invocations, 1])',
              label: 'error rate',
              returnData: true,
            },
          ],
        },
        parent,
      );
      const latency = new cloudwatch.MetricAlarm(
        childName(name, `${fn.role}-p99`),
        {
          ...common,
          alarmDescription: `${fn.role}: p99 duration above ${args.alarms.p99LatencyMs} ms`,
          comparisonOperator: 'GreaterThanThreshold',
          namespace: 'AWS/Lambda',
          metricName: 'Duration',
          dimensions,
          period: ALARM_PERIOD_SECONDS,
          extendedStatistic: 'p99',
          threshold: args.alarms.p99LatencyMs,
        },
        parent,
      );
      return [errors.name, latency.name];
    });

    const dashboard = new cloudwatch.Dashboard(
      childName(name, 'dashboard'),
      {
        dashboardName: pulumi.interpolate`${name}-${pulumi.getStack()}`,
        dashboardBody: pulumi.all(args.functions.map((f) => f.functionName)).apply((names) =>
          JSON.stringify({
            widgets: ['Invocations', 'Errors', 'Duration'].map((metricName, i) => ({
              type: 'metric',
              x: 0,
              y: i * 6,
              width: 24,
              height: 6,
              properties: {
                title: metricName,
                region: args.region,
                stat: metricName === 'Duration' ? 'p99' : 'Sum',
                period: ALARM_PERIOD_SECONDS,
                metrics: names.map((n) => ['AWS/Lambda', metricName, 'FunctionName', n]),
              },
            })),
          }),
        ),
      },
      parent,
    );
    const console = `https://${args.region}.console.aws.amazon.com/cloudwatch/home?region=${args.region}`;
    this.dashboardUrl = pulumi.interpolate`${console}#dashboards/dashboard/${dashboard.dashboardName}`;
    this.logsUrl = pulumi.output(`${console}#logsV2:logs-insights`);
    this.alarmNames = pulumi.all(alarms);
    this.registerOutputs({
      logsUrl: this.logsUrl,
      dashboardUrl: this.dashboardUrl,
      alarmNames: this.alarmNames,
    });
  }
}
