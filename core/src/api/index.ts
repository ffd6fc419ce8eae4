// The HTTP API (fastify): bearer-token auth by role, zod-validated bodies, one JSON error shape, OpenAPI.
export { buildApi, TLS_MIN_VERSION, HSTS_DEFAULT_MAX_AGE, type ApiDeps } from './server.ts';
export type { MetricsPort, ReadinessCheck } from './routes/host.ts';
export { ApiTokens, Role, roleAllows, TokenInfo, TokenCreate, TokenCreated, type AdminBootstrap } from './auth.ts';
export { ApiErrors, toActionhostError, errorBody, type ErrorBody } from './errors.ts';
export { buildOpenApi } from './openapi.ts';
export type { ItsmPort, CredentialsPort, PluginsPort, EnginePort, ApplicationsPort, ConnectorsPort } from './ports.ts';
export { PLUGIN_UPLOAD_LIMIT, TARBALL_MEDIA_TYPES } from './routes/admin.ts';
export { registerConsole, CONSOLE_CSP } from './console.ts';
