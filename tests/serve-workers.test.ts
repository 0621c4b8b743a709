import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { addApiKey } from '../runtime/core/api-keys';
import { runCli } from './helpers/run-cli';
import { startServeProcess, type ServeProcess } from './helpers/serve-process';
import { trainTinyModel, type TrainedModel } from './helpers/trained-model';

/** POST on a connection of its own, so that the primary hands each request to the next worker. */
function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(url);
  const text = JSON.stringify(body);
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const predictionIds = async (url: string, count: number, tag: string) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await post(url, '/v1/predict', { descriptions: [`${tag} cotton shirt ${i}`] });
    expect(status).toBe(200);
    ids.push((body.predictions as Array<{ predictionId: string }>)[0]?.predictionId as string);
  }
  return ids;
};

/** Every served prediction id in the store's audit files. */
const auditedIds = (home: string) =>
  new Set(
    readdirSync(join(home, 'audit'))
      .flatMap((file) => readFileSync(join(home, 'audit', file), 'utf8').split('\n'))
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { predictionId: string }).predictionId),
  );

/** What `ps` lists; it exits with 1 when it lists nothing (a primary between two workers). */
const psLines = (args: string[]): string => {
  try {
    return execFileSync('ps', args, { encoding: 'utf8' });
  } catch (err) {
    if ((err as { status?: unknown }).status === 1) return '';
    throw err;
  }
};

/** The `hscode serve` processes a process started (Linux `ps`; tsx's esbuild helper is left out). */
const childrenOf = (pid: number) =>
  psLines(['-o', 'pid=,args=', '--ppid', String(pid)])
    .split('\n')
    .filter((line) => line.includes('main.ts serve'))
    .map((line) => Number(line.trim().split(/\s+/, 1)[0]))
    .filter((n) => n > 0);

/** The process tree `hscode serve` runs as: tsx's node, the primary it starts, and the workers. */
const serveTree = (served: ServeProcess) => {
  const [primary] = childrenOf(served.child.pid as number);
  return { primary: primary as number, workers: childrenOf(primary as number) };
};

const exited = (served: ServeProcess) =>
  new Promise<number | null>((resolve) => {
    if (served.child.exitCode !== null) resolve(served.child.exitCode);
    else served.child.once('exit', (code) => resolve(code));
  });

describe('hscode serve --workers 2', () => {
  let model: TrainedModel;
  let served: ServeProcess;
  let analystKey: string;

  beforeAll(async () => {
    model = await trainTinyModel({ seed: 11 });
    analystKey = (await addApiKey(model.home, 'workers analyst')).key;
    served = await startServeProcess(model.home, ['--workers', '2', '--no-jobs', '--no-batch']);
  }, 120_000);
  afterAll(() => {
    served?.child.kill('SIGTERM');
  });

  it('answers from two worker processes on one port, with the metrics of both at /metrics', async () => {
    expect(serveTree(served).workers).toHaveLength(2);
    await predictionIds(served.url, 10, 'metrics');
    const text = await (await fetch(`${served.url}/metrics`)).text();
    const answered =
      /hscode_http_requests_total\{route="\/v1\/predict",method="POST",status="200"\} (\d+)/.exec(text);
    expect(Number(answered?.[1])).toBeGreaterThanOrEqual(10);
    expect((await fetch(`${served.url}/v1/dashboard`)).status).toBe(200);
  });

  it('finds a prediction another worker answered a moment ago when feedback names it', async () => {
    const ids = await predictionIds(served.url, 6, 'feedback');
    // Within the audit buffer's second: half of these reach the other worker first.
    const answers = await Promise.all(
      ids.map((predictionId) =>
        post(
          served.url,
          '/v1/feedback',
          { predictionId, hs6: '610910' },
          { authorization: `Bearer ${analystKey}` },
        ),
      ),
    );
    expect(answers.map((a) => [a.status, a.body.predictionFound])).toEqual(ids.map(() => [201, true]));
  });

  it('starts another worker when one dies', async () => {
    const { workers } = serveTree(served);
    process.kill(workers[0] as number, 'SIGKILL');
    const replaced = () => {
      const now = serveTree(served).workers;
      return now.length === 2 && !now.includes(workers[0] as number);
    };
    const logged = () => /worker \d+ stopped \(signal SIGKILL\); starting another/.test(served.stderr());
    const deadline = Date.now() + 30_000;
    while (!(replaced() && logged()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(replaced()).toBe(true);
    expect(logged()).toBe(true);
    await predictionIds(served.url, 4, 'after');
  }, 40_000);

  it('keeps answering at the announced port when every worker dies at once (it was port 0)', async () => {
    const { workers } = serveTree(served);
    for (const pid of workers) process.kill(pid, 'SIGKILL');
    // With no worker holding it, a port 0 would be let go and the next worker given another one.
    const deadline = Date.now() + 30_000;
    let answered = false;
    while (!answered && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = serveTree(served).workers;
      if (now.length === 2 && !now.some((pid) => workers.includes(pid))) {
        answered = await predictionIds(served.url, 2, 'reborn').then(
          () => true,
          () => false,
        );
      }
    }
    expect(answered).toBe(true);
  }, 40_000);
});

describe('hscode serve --workers 2 with a champion that cannot be loaded', () => {
  it('exits once, saying why and what to do, without a stack trace or a promise to retry', async () => {
    const model = await trainTinyModel({ seed: 12 });
    const onnx = join(model.dir, 'model.onnx');
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff;
    writeFileSync(onnx, bytes);
    const { status, stderr } = runCli(['serve', '--workers', '2', '--port', '0', '--no-train', '--no-jobs'], {
      HSCODE_HOME: model.home,
    });
    expect(status).toBe(1);
    // The model's own reason, not only "a worker exited".
    expect(stderr).toMatch(new RegExp(`${model.ref.version}[\\s\\S]*sha256`, 'i'));
    expect(stderr).not.toMatch(/retry in/);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('says the port is taken, as a single process does, when the workers cannot listen', async () => {
    const model = await trainTinyModel({ seed: 13 });
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const { status, stderr } = runCli(
        ['serve', '--workers', '2', '--port', String(port), '--no-train', '--no-jobs', '--no-batch'],
        { HSCODE_HOME: model.home },
      );
      expect(status).toBe(1);
      expect(stderr).toMatch(/that port is already in use/);
      expect(stderr).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
    }
  }, 120_000);
});

describe('audit records of hscode serve', () => {
  let model: TrainedModel;
  beforeAll(async () => {
    model = await trainTinyModel({ seed: 12 });
  }, 120_000);

  it.each([['1'], ['2']])(
    'with %s worker(s), are all on disk once the server stops on SIGTERM, however recent',
    async (workers) => {
      const served = await startServeProcess(model.home, ['--workers', workers, '--no-jobs', '--no-batch']);
      const ids = await predictionIds(served.url, 20, `term${workers}`);
      served.child.kill('SIGTERM');
      expect(await exited(served)).toBe(0);
      const audited = auditedIds(model.home);
      expect(ids.filter((id) => !audited.has(id))).toEqual([]);
    },
    60_000,
  );

  it('are on disk when the server is stopped while a worker is still starting, which is not waited for', async () => {
    // The first worker answers as soon as it listens; the second is forked only then.
    const served = await startServeProcess(model.home, ['--workers', '2', '--no-jobs', '--no-batch']);
    const ids = await predictionIds(served.url, 3, 'early');
    const stoppedAt = Date.now();
    served.child.kill('SIGTERM');
    expect(await exited(served)).toBe(0);
    // Far inside the 15 s a worker gets to finish its requests, which a starting one has none of.
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const audited = auditedIds(model.home);
    expect(ids.filter((id) => !audited.has(id))).toEqual([]);
  }, 60_000);

  it('are all on disk 1 s after they were answered, even if every process is then killed', async () => {
    const served = await startServeProcess(model.home, ['--workers', '2', '--no-jobs', '--no-batch']);
    const tree = serveTree(served);
    const ids = await predictionIds(served.url, 20, 'kill');
    // The stated bound: a record is durable at most 1 s after its prediction was answered.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const pid of [...tree.workers, tree.primary]) process.kill(pid, 'SIGKILL');
    served.child.kill('SIGKILL');
    await exited(served);
    const audited = auditedIds(model.home);
    expect(ids.filter((id) => !audited.has(id))).toEqual([]);
  }, 60_000);
});
