import { startGcsStandin } from './server';

/** Runs the stand-in on its own: `node --import tsx main.ts <bucket>…`; prints its endpoint. */
startGcsStandin({ buckets: process.argv.slice(2) }).then(
  (standin) => console.log(`GCS JSON API stand-in listening on ${standin.apiEndpoint}`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
