import * as pulumi from '@pulumi/pulumi';
import * as logging from '@pulumi/gcp/logging';
import * as monitoring from '@pulumi/gcp/monitoring';
import { childName, componentType } from '../components';
import { gcpLabels } from '../naming';
import type { Monitoring, MonitoringArgs } from '../platform';

const WINDOW = '300s';

const runMetric = (metric: string, service: string, extra = '') =>
  `metric.type="run.googleapis.com/${metric}" AND resource.type="cloud_run_revision" AND resource.labels.service_name="${service}"${extra}`;

/**
 * A log bucket with the stack's retention that receives the functions' logs, and per function an
 * alert policy on the 5xx share of requests and one on their p99 latency.
 */
export class GcpMonitoring extends pulumi.ComponentResource implements Monitoring {
  readonly logsUrl: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;

  constructor(
    name: string,
    args: MonitoringArgs & { project: string; stack: string; notificationChannels: string[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('gcp', 'Monitoring'), name, {}, opts);
    const parent = { parent: this };
    const bucketId = `hscode-${args.stack}`.slice(0, 100);
    const logBucket = new logging.ProjectBucketConfig(
      childName(name, 'log-bucket'),
      { project: args.project, location: 'global', bucketId, retentionDays: args.logRetentionDays },
      parent,
    );
    new logging.ProjectSink(
      childName(name, 'log-sink'),
      {
        project: args.project,
        destination: pulumi.interpolate`logging.googleapis.com/${logBucket.id}`,
        filter: pulumi
          .all(args.functions.map((f) => f.functionName))
          .apply(
            (names) =>
              `resource.type="cloud_run_revision" AND resource.labels.service_name=(${names.map((n) => `"${n}"`).join(' OR ')})`,
          ),
        uniqueWriterIdentity: true,
      },
      parent,
    );
    const policies = args.functions.flatMap((fn) => {
      const errors = new monitoring.AlertPolicy(
        childName(name, `${fn.role}-errors`),
        {
          project: args.project,
          displayName: pulumi.interpolate`${fn.functionName}: 5xx above ${args.alarms.errorRate * 100}%`,
          combiner: 'OR',
          notificationChannels: args.notificationChannels,
          userLabels: gcpLabels(args.tags),
          conditions: [
            {
              displayName: '5xx share of requests',
              conditionThreshold: {
                filter: fn.functionName.apply((s) =>
                  runMetric('request_count', s, ' AND metric.labels.response_code_class="5xx"'),
                ),
                denominatorFilter: fn.functionName.apply((s) => runMetric('request_count', s)),
                aggregations: [
                  {
                    alignmentPeriod: WINDOW,
                    perSeriesAligner: 'ALIGN_SUM',
                    crossSeriesReducer: 'REDUCE_SUM',
                  },
                ],
                denominatorAggregations: [
                  {
                    alignmentPeriod: WINDOW,
                    perSeriesAligner: 'ALIGN_SUM',
                    crossSeriesReducer: 'REDUCE_SUM',
                  },
                ],
                comparison: 'COMPARISON_GT',
                thresholdValue: args.alarms.errorRate,
                duration: '600s',
              },
            },
          ],
        },
        parent,
      );
      const latency = new monitoring.AlertPolicy(
        childName(name, `${fn.role}-p99`),
        {
          project: args.project,
          displayName: pulumi.interpolate`${fn.functionName}: p99 latency above ${args.alarms.p99LatencyMs} ms`,
          combiner: 'OR',
          notificationChannels: args.notificationChannels,
          userLabels: gcpLabels(args.tags),
          conditions: [
            {
              displayName: 'p99 request latency',
              conditionThreshold: {
                filter: fn.functionName.apply((s) => runMetric('request_latencies', s)),
                aggregations: [
                  {
                    alignmentPeriod: WINDOW,
                    perSeriesAligner: 'ALIGN_PERCENTILE_99',
                    crossSeriesReducer: 'REDUCE_MAX',
                  },
                ],
                comparison: 'COMPARISON_GT',
                thresholdValue: args.alarms.p99LatencyMs,
                duration: '600s',
              },
            },
          ],
        },
        parent,
      );
      return [errors.name, latency.name];
    });
    this.logsUrl = pulumi.interpolate`https://console.cloud.google.com/logs/query;storageScope=storage,${logBucket.id}?project=${args.project}`;
    this.dashboardUrl = pulumi.output(
      `https://console.cloud.google.com/functions/list?project=${args.project}`,
    );
    this.alarmNames = pulumi.all(policies);
    this.registerOutputs({
      logsUrl: this.logsUrl,
      dashboardUrl: this.dashboardUrl,
      alarmNames: this.alarmNames,
    });
  }
}
