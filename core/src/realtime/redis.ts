import { createClient } from 'redis'

export type Redis = ReturnType<typeof createClient>

/** Connects a Redis client; failure to connect fails boot (no log-and-continue). */
export async function connectRedis(url: string): Promise<Redis> {
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 2000) },
  })
  client.on('error', () => {
    // Reconnects are handled by the client; readiness reports the outage.
  })
  await client.connect()
  return client
}
