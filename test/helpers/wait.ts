/**
 * Waits until `condition` holds, checking it every `intervalMs`; fails naming `what` when it
 * never does. Tests wait on the state they need, never for a fixed time.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  { intervalMs = 20, timeoutMs = 10_000 }: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
