/** A real redis-server: a free 127.0.0.1 port, a temp dir, no persistence. */
export interface TestRedis {
  host: string;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server, or throws an error naming the fix (`apt-get install redis-server`). */
export function startRedis(binary?: string): Promise<TestRedis>;
