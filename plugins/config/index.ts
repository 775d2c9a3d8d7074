import { aliasTo, asClass, asFunction, asValue, definePlugin, type Cradle } from '@oo/core'
import { configOptions } from './config.js'
import { adminRoutes } from './routes/admin.js'
import { SettingsBus } from './services/settings-bus.js'
import { SettingsService } from './services/settings-service.js'
import { SettingsStore } from './services/settings-store.js'
import './cradle.js'

export default definePlugin({
  name: 'config',
  dependsOn: ['tenancy'],
  options: configOptions,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    'config.settings.read': ['owner', 'admin', 'manager'],
    'config.settings.write': ['owner', 'admin'],
  },

  register({ container, options }) {
    container.register({
      configOptions: asValue(options),
      settingsStore: asClass(SettingsStore).singleton(),
      settings: aliasTo('settingsStore'),
      settingsBus: asFunction(
        (c: Cradle) =>
          new SettingsBus({
            redis: c.redis,
            channel: `${c.config.redis.keyPrefix}:config:changed`,
            logger: c.logger,
            publish: options.broadcast,
          }),
      ).singleton(),
      settingsService: asClass(SettingsService).scoped(),
    })
  },

  routes: { admin: adminRoutes },
  admin: { entry: './admin/index.ts' },

  // Subscribe first, then load: a change committed in between is either in the load or announced.
  async start({ container, options, logger }) {
    const { settingsStore: store, settingsBus: bus } = container.cradle
    await bus.start(
      (notice) =>
        void store
          .onNotice(notice)
          .catch((err: unknown) => logger.error({ err, ...notice }, 'settings reload failed')),
      () =>
        void store
          .reconcile()
          .catch((err: unknown) => logger.error({ err }, 'settings reconcile failed')),
    )
    await store.loadAll()
    store.startReconciling(options.reconcileIntervalMs)
  },

  async stop({ container }) {
    await container.cradle.settingsBus.stop()
    await container.cradle.settingsStore.stop()
  },
})
