import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import { childName, componentType } from '../components';
import type { DeployedFunction, FunctionArgs, ObjectFunctions, ObjectFunctionsArgs } from '../platform';
import { AzureFunction, type AzureFunctionArgs } from './function';
import { STORE_CONTAINER, type AzureModelStore } from './model-store';

export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

type Extra = Omit<AzureFunctionArgs, keyof FunctionArgs<AzureModelStore> | 'extraSettings'>;

/**
 * Functions started by new blobs through Event Grid (the only blob trigger Flex Consumption
 * supports): one system topic on the storage account (an account has at most one), and one
 * subscription per function filtered on BlobCreated under its prefix of the store container.
 */
export class AzureObjectFunctions extends pulumi.ComponentResource implements ObjectFunctions {
  readonly deployed: DeployedFunction[];

  constructor(
    name: string,
    args: ObjectFunctionsArgs<AzureModelStore> & Extra,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('azure', 'ObjectFunctions'), name, {}, opts);
    const { store } = args;
    const topic = new eventgrid.SystemTopic(
      childName(name, 'topic'),
      {
        resourceGroupName: store.resourceGroupName,
        location: args.location,
        source: store.account.id,
        topicType: 'Microsoft.Storage.StorageAccounts',
        tags: args.functions[0]?.tags,
      },
      { parent: this },
    );
    this.deployed = args.functions.map((fnArgs) => {
      const trigger = fnArgs.spec.trigger;
      if (trigger.kind !== 'object-created')
        throw new Error(`${fnArgs.spec.role} is not started by new objects`);
      const fn = new AzureFunction(
        childName(name, fnArgs.spec.role),
        { ...args, ...fnArgs },
        { parent: this },
      );
      new eventgrid.SystemTopicEventSubscription(
        childName(name, `${fnArgs.spec.role}-subscription`),
        {
          resourceGroupName: store.resourceGroupName,
          systemTopicName: topic.name,
          eventDeliverySchema: 'EventGridSchema',
          destination: {
            endpointType: 'AzureFunction',
            resourceId: pulumi.interpolate`${fn.app.id}/functions/${fnArgs.handler}`,
            maxEventsPerBatch: 1,
          },
          filter: {
            includedEventTypes: [BLOB_CREATED],
            subjectBeginsWith: `/blobServices/default/containers/${STORE_CONTAINER}/blobs/${trigger.prefix}`,
          },
          retryPolicy: { maxDeliveryAttempts: 3, eventTimeToLiveInMinutes: 60 },
        },
        { parent: this },
      );
      return fn.deployed;
    });
    this.registerOutputs({ functions: this.deployed.map((d) => d.functionName) });
  }
}
