import { join } from 'node:path'
import { asClass, asValue, definePlugin } from '@oo/core'
import { mediaOptions } from './config.js'
import { LocalDiskStorage } from './drivers/local-disk.js'
import { S3Storage } from './drivers/s3.js'
import { adminRoutes } from './routes/admin.js'
import { storeRoutes } from './routes/store.js'
import { MediaJanitor } from './services/media-janitor.js'
import { MediaService } from './services/media-service.js'
import './cradle.js'

export default definePlugin({
  name: 'media',
  dependsOn: ['tenancy'],
  options: mediaOptions,
  permissions: { 'media.cleanup': ['owner', 'admin'] },

  register({ container, options }) {
    const dir = options.dir ?? join(container.cradle.config.database.dataDir, 'media')
    container.register({
      mediaOptions: asValue({ ...options, dir }),
      mediaStorage: asValue(options.s3 ? new S3Storage(options.s3) : new LocalDiskStorage(dir)),
      mediaJanitor: asClass(MediaJanitor).singleton(),
      mediaService: asClass(MediaService).scoped(),
    })
  },

  migrations: new URL('./migrations/', import.meta.url),
  routes: { admin: adminRoutes, store: storeRoutes },

  async start({ container, logger }) {
    const storage = container.cradle.mediaStorage
    await storage.ensureReady()
    container.cradle.healthChecks.add('media-storage', () => storage.ping())
    logger.info({ driver: storage.driver }, 'media storage ready')
  },
})
