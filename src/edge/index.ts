export { HandlerError } from './runner.js';
export { EdgeFabricError, edgeEnv, type EdgeTarget } from './fabric-target.js';
export { invokeHandler, DEFAULT_TIMEOUT_MS, type InvokeOptions, type InvokeResult } from './invoke.js';
export { startDevServer, type DevOptions, type DevServer } from './dev-server.js';
