/**
 * Polls `check` until it returns a truthy value and returns that value; fails naming `what` after
 * `timeoutMs`. For conditions reached asynchronously (frames processed, leases moved, rows landed).
 * Timeouts here are patience for a slow machine, never a speed requirement.
 * @example const camera = await until('camera to run', async () => (await getCamera()).state === 'running' && camera);
 */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 90_000, pollMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
