/** Shutdown on SIGTERM/SIGINT, for `serve()` in a single process and for a cluster's primary alike. */

const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;

/** SIGTERM/SIGINT start a graceful close, then exit 0; a second signal exits at once. Returns the remover. */
export function onShutdownSignals(close: () => Promise<void>): () => void {
  let received = false;
  const onSignal = (signal: keyof typeof signalNumbers) => {
    if (received) {
      console.error(`adapt: ${signal} again; exiting without waiting`);
      process.exit(128 + signalNumbers[signal]);
    }
    received = true;
    console.error(`adapt: ${signal} received; finishing requests in flight (send it again to exit at once)`);
    close().then(
      () => process.exit(0),
      (error) => {
        console.error('adapt: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    if (received) return; // the handler that exits stays until the process ends
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
