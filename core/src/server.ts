import type { Engine } from './boot.js'
import type { Logger } from './logger.js'

/**
 * Stops the engine once on SIGTERM/SIGINT. A hard exit timer bounds the graceful path, so a stuck
 * plugin cannot keep a node from being replaced.
 */
export function stopOnSignals(engine: Engine, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'shutting down')
      const hardExit = setTimeout(() => {
        logger.error(
          { timeoutMs: engine.config.shutdownTimeoutMs },
          'graceful shutdown timed out; exiting',
        )
        process.exit(1)
      }, engine.config.shutdownTimeoutMs)
      hardExit.unref()
      engine.stop().then(
        () => {
          clearTimeout(hardExit)
          logger.info('stopped')
          resolve()
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed')
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  })
}
