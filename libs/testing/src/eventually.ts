/**
 * Retries an assertion until it passes: for asynchronous effects (a pod becoming Running).
 * The bound is generous and only there so a broken test fails instead of hanging; nothing
 * here asserts on time.
 */
export async function eventually<T>(
  assertion: () => Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
