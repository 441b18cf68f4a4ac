/**
 * Test-only process entry (never shipped: it lives under test/): runs the real server entry,
 * main.ts, unchanged, and on SIGUSR2 leaves one promise rejection unhandled — a stand-in for a
 * bug nobody has found yet — so a test can show the process logs it and keeps serving.
 */
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('deliberate unhandled rejection from the test entry'));
});
await import('../../../src/server/main.ts');
export {};
