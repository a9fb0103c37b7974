import type { LoggerService } from '@nestjs/common';
import { replyPopper, type CallReply, type RedisClient } from '@slm-fleet/queue';

/** Replies taken per wake-up at most: drains a burst in few round trips. */
const DRAIN_BATCH = 256;
/** BLPOP timeout: bounds how long a stop waits for the loop. */
const BLOCK_SECONDS = 1;

/**
 * Reads this router's reply list: one blocking pop of up to DRAIN_BATCH replies at a time.
 * Runs on its own connection (a blocking command holds it) and keeps going
 * through Redis restarts: ioredis reconnects and the loop carries on.
 */
export class ReplyListener {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pop: () => Promise<string[]>;

  constructor(
    private readonly connection: RedisClient,
    key: string,
    private readonly onReply: (reply: CallReply) => void,
    private readonly logger: LoggerService,
    /** Called after a failed read: replies may have been lost while Redis was away. */
    private readonly onTrouble: () => void,
  ) {
    this.pop = replyPopper(connection, key, DRAIN_BATCH, BLOCK_SECONDS);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Ends the loop and closes the connection. While Redis is away a queued BLPOP never settles,
   * even on disconnect (ioredis keeps its offline queue), so the wait for the loop is bounded.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.connection.disconnect();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, (BLOCK_SECONDS + 1) * 1000)));
    await Promise.race([this.loop, bound]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        for (const raw of await this.pop()) this.deliver(raw);
      } catch (error) {
        if (!this.running) break;
        this.logger.warn?.({ msg: 'reading replies failed; retrying', error: (error as Error).message });
        this.onTrouble();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private deliver(raw: string): void {
    try {
      this.onReply(JSON.parse(raw) as CallReply);
    } catch (error) {
      this.logger.warn?.({ msg: 'unreadable reply dropped', error: (error as Error).message });
    }
  }
}
