/** Resolves on the first SIGINT or SIGTERM; a second one exits at once, without waiting for the close. */
export function nextStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.on("SIGINT", () => process.exit(1));
      process.on("SIGTERM", () => process.exit(1));
      resolve();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}
