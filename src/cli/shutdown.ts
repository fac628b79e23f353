/** SIGINT/SIGTERM: let in-flight requests finish, close databases, exit 0. */
export function onShutdown(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`fabric-emu: ${signal}: finishing in-flight requests and closing databases`);
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('fabric-emu: error while stopping:', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A PoP started by `up --processes` holds an IPC channel to its parent. The channel closes when the
  // parent dies, however it dies (even SIGKILL), so the child never outlives it holding its port.
  if (process.send) process.on('disconnect', () => stop('parent process gone'));
}
