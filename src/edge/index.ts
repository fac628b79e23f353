export { HandlerError, RUNTIMES, type RuntimeKind } from './runtime.js';
export { EdgeFabricError, type EdgeLocation, type Placement } from './fabric-target.js';
export { DEFAULT_GDN_HOSTS, type FabricCall } from './outbound.js';
export { DEFAULT_TIMEOUT_MS, type FunctionOptions } from './session.js';
export { LAMBDA_TRIGGERS, type LambdaTrigger } from './lambda/runtime.js';
export { invokeHandler, type InvokeOptions, type InvokeResult, type InvokeRun } from './invoke.js';
export { startDevServer, type DevOptions, type DevServer } from './dev-server.js';
