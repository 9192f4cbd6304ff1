import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import type { Logger } from '../log.js';

/** workflowsPath is the workflows entry: compiled JS under dist/, or the TypeScript source under tsx/vitest. */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('../../workflows/index.js', import.meta.url));
  return fs.existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

let runtimeInstalled = false;

/** installTemporalRuntime routes the SDK's own logs into pino (once per process). */
export function installTemporalRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  const sdkLog = log.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => sdkLog[levels[entry.level]]({ ...entry.meta }, entry.message)),
    telemetryOptions: { logging: { filter: 'WARN', forward: {} } },
  });
}

export interface GatewayWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build one per run); default: bundle workflowsPath() at start. */
  workflowBundle?: WorkflowBundleOption;
}

export interface GatewayWorker {
  /** Resolves when the worker stops; rejects if it fails. */
  readonly done: Promise<void>;
  shutdown(): Promise<void>;
}

/** startGatewayWorker connects to Temporal and polls the gateway's task queue until shut down. */
export async function startGatewayWorker(opts: GatewayWorkerOptions): Promise<GatewayWorker> {
  installTemporalRuntime(opts.deps.log);
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: createActivities(opts.deps),
    shutdownGraceTime: '10 seconds',
  });
  const done = worker.run().finally(() => connection.close().catch(() => undefined));
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
