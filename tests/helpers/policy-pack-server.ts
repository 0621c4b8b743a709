import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import type { EnforcementLevel, Policies } from '@pulumi/policy';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import * as proto from '@pulumi/pulumi/proto/analyzer_pb';
import { projectRoot } from '../../models/paths';
import { withDefaults } from '../../policies/lib/config';
import type { ResourceRecord, Violation } from '../../policies/evaluate';

const LEVELS: readonly EnforcementLevel[] = ['advisory', 'mandatory', 'disabled', 'remediate'];

/**
 * The policy pack served as `pulumi preview --policy-pack policies` serves it: `policies/index.ts`
 * run in its own Node process (constructing the pack starts the engine's gRPC analyzer and prints
 * its port), and a client that calls it as the Pulumi CLI does.
 */
export class PolicyPackServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly client: AnalyzerClient,
  ) {}

  static async start(): Promise<PolicyPackServer> {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'index.ts'], {
      cwd: join(projectRoot(), 'policies'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) =>
        reject(new Error(`the policy pack exited with ${code} before serving: ${stderr}`)),
      );
    });
    return new PolicyPackServer(
      child,
      new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()),
    );
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }

  private call<Req, Res>(
    method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown,
    req: Req,
  ) {
    return new Promise<Res>((resolve, reject) =>
      method.call(this.client, req, (error, response) => (error ? reject(error) : resolve(response))),
    );
  }

  info(): Promise<proto.AnalyzerInfo> {
    return this.call(this.client.getAnalyzerInfo, new Empty());
  }

  /** Sends every policy's settings with their schema defaults, as the CLI does before analysing. */
  async configure(policies: Policies): Promise<void> {
    const request = new proto.ConfigureAnalyzerRequest();
    for (const policy of policies) {
      const config = new proto.PolicyConfig();
      config.setEnforcementlevel(LEVELS.indexOf(policy.enforcementLevel ?? 'advisory'));
      config.setProperties(Struct.fromJavaScript(withDefaults(policy)));
      request.getPolicyconfigMap().set(policy.name, config);
    }
    await this.call(this.client.configure, request);
  }

  /** Every diagnostic: each resource analysed alone, then the stack, as a preview does. */
  async analyse(records: readonly ResourceRecord[]): Promise<Violation[]> {
    const urnOf = (r: ResourceRecord) => r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`;
    const found: Violation[] = [];
    const stack = new proto.AnalyzeStackRequest();
    for (const record of records) {
      const props = Struct.fromJavaScript(record.props as Record<string, never>);
      const options = new proto.AnalyzerResourceOptions();
      const single = new proto.AnalyzeRequest()
        .setType(record.type)
        .setName(record.name)
        .setUrn(urnOf(record));
      const response = await this.call<proto.AnalyzeRequest, proto.AnalyzeResponse>(
        this.client.analyze,
        single.setProperties(props).setOptions(options),
      );
      // A resource's diagnostics leave the URN to the CLI, which knows what it asked about.
      found.push(...response.getDiagnosticsList().map((d) => violation(d, urnOf(record))));
      const resource = new proto.AnalyzerResource()
        .setType(record.type)
        .setName(record.name)
        .setUrn(urnOf(record));
      resource.setProperties(props).setOptions(options);
      for (const [prop, urns] of Object.entries(record.propertyDependencies ?? {})) {
        const dependencies = new proto.AnalyzerPropertyDependencies().setUrnsList(urns);
        resource.getPropertydependenciesMap().set(prop, dependencies);
      }
      stack.addResources(resource);
    }
    const response = await this.call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(
      this.client.analyzeStack,
      stack,
    );
    return [...found, ...response.getDiagnosticsList().map((d) => violation(d))];
  }
}

function violation(d: proto.AnalyzeDiagnostic, urn?: string): Violation {
  return {
    policy: d.getPolicyname(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()]!,
    // The engine sends each message after the policy's description (the CLI prints both); the
    // offline evaluator reports the rule's own sentence.
    message: d.getMessage().replace(`${d.getDescription()}\n`, ''),
    urn: d.getUrn() || urn,
  };
}
