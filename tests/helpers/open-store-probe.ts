import { openStore } from '../../runtime/store/open-store';

/** The cloud SDKs a process has loaded, by the folder their modules come from. */
const SDK_FOLDERS = {
  aws: '/node_modules/@aws-sdk/',
  gcp: '/node_modules/@google-cloud/',
  azure: '/node_modules/@azure/',
};

function loadedSdks(): string[] {
  const modules = Object.keys(require.cache);
  return Object.entries(SDK_FOLDERS)
    .filter(([, folder]) => modules.some((path) => path.includes(folder)))
    .map(([cloud]) => cloud);
}

/**
 * Opens each store location given on the command line, in order, and prints which cloud SDKs the
 * process had loaded after each: a fresh process is the only honest place to see what an import
 * pulls in.
 */
async function main(): Promise<void> {
  const steps: { url: string; loaded: string[] }[] = [{ url: '(start)', loaded: loadedSdks() }];
  for (const url of process.argv.slice(2)) {
    await openStore(url, { env: {} });
    steps.push({ url, loaded: loadedSdks() });
  }
  process.stdout.write(JSON.stringify(steps));
}

main().catch((err: unknown) => {
  process.stderr.write(String(err));
  process.exit(1);
});
