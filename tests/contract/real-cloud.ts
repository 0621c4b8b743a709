/**
 * Runs `body` (the contract against a real bucket or container) only when every variable in
 * `required` is set; otherwise registers it as skipped and says, in the test output, what to set.
 * Credentials are never read here: each SDK finds them in its own default chain.
 */
export function describeWhenConfigured(
  cloud: string,
  required: string[],
  body: (env: NodeJS.ProcessEnv) => void,
): void {
  const missing = required.filter((name) => !process.env[name]);
  const title = `ObjectStore contract against real ${cloud}`;
  if (missing.length === 0) {
    describe(title, () => body(process.env));
    return;
  }
  const hint = `set ${missing.join(', ')} (and ${cloud} credentials) to run it; see runtime/README.md`;
  console.info(`${title}: skipped, ${hint}`);
  describe.skip(`${title} (skipped: ${hint})`, () => {
    it('passes the same contract as the stand-in', () => undefined);
  });
}
