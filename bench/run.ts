import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './harness/chart.js';
import { describeOptions } from './harness/console-lines.js';
import { runMatrix } from './harness/matrix.js';
import { measureMemory } from './harness/memory.js';
import { loadOptions } from './harness/options.js';
import { reexecPinned, stopAll } from './harness/processes.js';
import { writeResults } from './harness/report.js';
import { SandboxControl } from './harness/sandbox-control.js';
import { ensurePeerInstalled, ROOT, startSandbox } from './harness/servers.js';
import { runSoak } from './harness/soak-step.js';
import { setUpWorkspaces } from './harness/workspaces.js';
import { VARIANTS, type VariantId } from './scenarios/types.js';

/**
 * `npm run bench`: every scenario against every variant, on the same sandbox upstreams, with the
 * measured server pinned to one core and this process (the load generator) and the sandbox to the
 * other. See RESULTS.md for the parameters and the figures. The steps, in order: the memory of
 * `npm start` (harness/memory.ts), the workspaces' setup (harness/workspaces.ts), the run matrix
 * (harness/matrix.ts), the soak (harness/soak-step.ts), and the results (harness/report.ts).
 */

async function main(): Promise<void> {
  const options = loadOptions();
  // The load generator runs in this process: pin it to its core by running again under taskset.
  if (reexecPinned(options.loadCpu)) return;
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const dir = join(ROOT, 'bench/results/tmp', stamp);
  mkdirSync(dir, { recursive: true });
  console.log(`bench: logs and profiles in ${dir}`);
  describeOptions(options);

  const selected = (options.variants ?? [...VARIANTS]) as VariantId[];
  // The peers and the federated variants' router are Hive Gateway, installed in bench/peer.
  if (selected.some((v) => v.startsWith('peer') || v.startsWith('fed-')))
    await ensurePeerInstalled();

  const memory =
    options.memory && !options.soakOnly
      ? await measureMemory({ cpus: options.serverCpu, dir, databaseUrl: options.databaseUrl })
      : undefined;
  for (const m of memory ?? [])
    console.log(
      `bench: npm start (sandbox, ${m.store}) RSS idle ${m.idleRssMb.toFixed(0)} MiB, after the tour ${m.afterTourRssMb.toFixed(0)} MiB`,
    );

  const sandbox = await startSandbox(options.loadCpu, dir);
  const control = new SandboxControl(sandbox.origin);
  const { context, database } = await setUpWorkspaces({
    options,
    dir,
    stamp,
    selected,
    sandbox,
    control,
  });
  const cells = await runMatrix(context);
  const soakFigures = await runSoak(context);

  await sandbox.process.stop();
  await database?.drop();
  const { json, markdown } = await writeResults({
    startedAt,
    options,
    cells,
    soak: soakFigures,
    memory,
    chart: renderChart,
  });
  console.log(`bench: results in ${json} and ${markdown}`);
}

const interrupt = () => void stopAll().then(() => process.exit(130));
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exit(1);
});
