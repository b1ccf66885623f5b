/** The soak: scenario 2 against a gateway of its own for BENCH_SOAK_SECONDS, after the matrix. */
import { soak, type SoakFigures } from './measure.js';
import { SANDBOX_UPSTREAMS } from './sandbox-control.js';
import { withGateway } from './variants.js';
import type { RunContext } from './workspaces.js';
import { SCENARIOS } from '../scenarios/index.js';

/** The soak's figures, or undefined when it is not run (no seconds, no s2, no gateway variant). */
export async function runSoak(context: RunContext): Promise<SoakFigures | undefined> {
  const { options, dir, gatewayEnv, sandbox, control, fixtures, selected } = context;
  const soakScenario = SCENARIOS.find((s) => s.id === 's2');
  if (!(options.soakSeconds > 0 && soakScenario && selected.includes('gateway'))) return undefined;
  await control.setLatency(SANDBOX_UPSTREAMS, 0);
  const connections = Math.max(...options.connections);
  console.log(`bench: ${options.soakSeconds} s soak of s2 at ${connections} connections`);
  return withGateway(options, dir, gatewayEnv, true, async (gw) => {
    const request = soakScenario.request(
      'gateway',
      { gateway: gw.origin, peer: '', limit: '', sandbox: sandbox.origin },
      fixtures,
    );
    if ('notApplicable' in request) throw new Error('scenario 2 does not apply to the gateway');
    return soak({
      request,
      connections,
      warmupSeconds: options.warmupSeconds,
      runSeconds: options.runSeconds,
      runs: 1,
      pids: [gw.process.pid],
      sandbox: control,
      seconds: options.soakSeconds,
    });
  });
}
