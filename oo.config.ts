import { defineConfig, env } from '@oo/core'
import tenancy from './plugins/tenancy/index.js'
import oidc from './plugins/oidc/index.js'
import adminPanel from './plugins/admin-panel/index.js'
import storefront from './plugins/storefront/index.js'
import media from './plugins/media/index.js'
import catalog from './plugins/catalog/index.js'
import config from './plugins/config/index.js'
import chat from './plugins/chat/index.js'
import chatAssistant from './plugins/chat-assistant/index.js'
import orders from './plugins/orders/index.js'
import kds from './plugins/kds/index.js'
import brokerage from './plugins/brokerage/index.js'
import webhooks from './plugins/webhooks/index.js'

export default defineConfig({
  mode: env.string('NODE_ENV') === 'production' ? 'production' : 'development',
  http: {
    port: env.int('PORT', 3000),
    host: env.string('HOST', '127.0.0.1'),
    // Host-based tenancy must honour X-Forwarded-Host only behind a proxy we control.
    trustProxy: env.bool('TRUST_PROXY', false),
    corsOrigins: env.list('CORS_ORIGINS'),
    // The client address is read from the right of X-Forwarded-For: one proxy (deploy/nginx.conf)
    // unless told otherwise; or the right-most address outside the proxies' CIDRs.
    proxyHops: env.int('TRUST_PROXY_HOPS', 1),
    trustedProxies: env.list('TRUST_PROXY_CIDRS'),
    // SIGTERM: /ready 503 and Connection: close for this long before the listener closes.
    drainMs: env.int('OO_DRAIN_MS', 5000),
    // Per peer address; behind TRUST_PROXY the peer is the proxy, so the default is off (nginx caps).
    maxConnectionsPerIp: env.int(
      'OO_MAX_CONNECTIONS_PER_IP',
      env.bool('TRUST_PROXY', false) ? 0 : 256,
    ),
    metrics: {
      port: env.string('METRICS_PORT') ? env.int('METRICS_PORT', 0) : undefined,
      host: env.string('METRICS_HOST', '127.0.0.1'),
      token: env.secret('METRICS_TOKEN', { optional: true }),
    },
  },
  database: {
    url: env.url('DATABASE_URL'),
    appUrl: env.url('DATABASE_APP_URL'),
    dataDir: env.string('OO_DATA_DIR', '.oo'),
    poolMax: env.int('DB_POOL_MAX', 4),
  },
  redis: { url: env.url('REDIS_URL') },
  plugins: [
    tenancy({
      superAdmins: env.list('OO_SUPER_ADMINS', ['admin@platform.localhost']),
      // The platform's own host is never a tenant's domain.
      platformUrl: env.url('OO_PUBLIC_URL'),
    }),
    // Sign-in: an external OIDC issuer when OIDC_ISSUER is set, else the built-in development issuer at /oidc.
    oidc({
      tokenSecret: env.secret('OO_TOKEN_SECRET', { optional: true }),
      issuers: env.url('OIDC_ISSUER')
        ? [
            {
              issuer: env.url('OIDC_ISSUER')!,
              audience: env.required('OIDC_AUDIENCE'),
              clientId: env.required('OIDC_CLIENT_ID'),
              clientSecret: env.secret('OIDC_CLIENT_SECRET'),
              claims: { roles: env.string('OIDC_ROLES_CLAIM', 'groups')! },
            },
          ]
        : [],
      devIssuer: {
        publicUrl: env.url('OO_PUBLIC_URL'),
        allowInProduction: env.bool('OO_DEV_ISSUER_IN_PRODUCTION', false),
      },
    }),
    // The react-admin panel at /admin/ on every tenant domain (built from admin/).
    adminPanel({ dist: env.string('OO_ADMIN_DIST') }),
    // The shop itself at / on every tenant domain, in the tenant's theme (built from storefront-themes/).
    storefront(),
    media({
      dir: env.string('MEDIA_DIR'),
      // S3/MinIO when S3_ENDPOINT is set (then bucket and keys are required); else local disk.
      s3: env.url('S3_ENDPOINT')
        ? {
            endpoint: env.required('S3_ENDPOINT'),
            bucket: env.required('S3_BUCKET'),
            accessKey: env.required('S3_ACCESS_KEY'),
            secretKey: env.secret('S3_SECRET_KEY')!,
            region: env.string('S3_REGION', 'us-east-1'),
            pathStyle: env.bool('S3_PATH_STYLE', true),
          }
        : undefined,
      maxBytes: env.int('MEDIA_MAX_BYTES', 15 * 1024 * 1024),
      signedUrlSeconds: env.int('MEDIA_SIGNED_URL_SECONDS', 0),
    }),
    catalog(),
    config({ reconcileIntervalMs: env.int('OO_CONFIG_RECONCILE_MS', 30_000) }),
    chat(),
    chatAssistant(),
    orders(),
    kds(),
    brokerage(),
    webhooks({ allowPrivateTargets: env.bool('OO_WEBHOOKS_ALLOW_PRIVATE_TARGETS', false) }),
  ],
})
