/**
 * Retrieval smoke evaluation, the pipeline's "model correctness" gate: a
 * sample manual with known facts on known pages, questions about them, and
 * a check that the right page comes back among the sources. Runs against
 * the real service over HTTP with whatever providers the environment
 * configures (offline by default). Exits 1 below the threshold.
 */
import { api, chat, ingest, startService } from '../test/helpers/service.js';
import { textPdf } from '../test/helpers/pdfs.js';

const PAGES = [
  'Contents. Installation, networking, maintenance, troubleshooting and warranty of the X200 pump controller.',
  'Installation. Mount the X200 controller on a vertical wall at least 30 cm above the floor. Use the four M6 anchors supplied.',
  'Networking. The controller joins Wi-Fi in the 2.4 GHz band only. Its default IP address is 192.168.50.1 and the admin port is 8443.',
  'Maintenance. Replace the intake filter every 6 months. Lubricate the bearing with lithium grease once a year.',
  'Troubleshooting. Error E17 means the pressure sensor is disconnected. Error E42 means the motor overheated; let it cool for 20 minutes.',
  'Warranty. The warranty lasts 36 months from purchase and does not cover damage from frost.',
];
const CASES: [string, number][] = [
  ['How high above the floor should the controller be mounted?', 2],
  ['What is the default IP address of the controller?', 3],
  ['Which Wi-Fi band does it support?', 3],
  ['How often should the intake filter be replaced?', 4],
  ['What does error E42 mean?', 5],
  ['What does error E17 mean?', 5],
  ['How long is the warranty?', 6],
  ['Does the warranty cover frost damage?', 6],
];
const THRESHOLD = Number(process.env.EVAL_MIN_HIT_RATE ?? 0.85);

const svc = await startService();
try {
  await api(svc.url, 'PUT', '/v1/collections/eval');
  const job = await ingest(
    svc.url,
    'eval',
    'x200-manual.pdf',
    await textPdf(PAGES),
  );
  if (job.status !== 'succeeded')
    throw new Error(`ingestion failed: ${job.error}`);
  let hits = 0;
  let reciprocal = 0;
  for (const [question, page] of CASES) {
    const { events } = await chat(svc.url, 'eval', { message: question });
    const pages: number[] =
      events
        .find(e => e.event === 'sources')
        ?.data.sources.map((s: any) => s.page) ?? [];
    const rank = pages.indexOf(page);
    if (rank >= 0) {
      hits++;
      reciprocal += 1 / (rank + 1);
    }
    console.log(
      `${rank >= 0 ? 'hit ' : 'MISS'} p.${page} rank ${
        rank + 1 || '-'
      }  ${question}`,
    );
  }
  const hitRate = hits / CASES.length;
  console.log(
    `retrieval smoke eval: hit@k ${hitRate.toFixed(2)}, MRR ${(
      reciprocal / CASES.length
    ).toFixed(2)}, threshold ${THRESHOLD}`,
  );
  process.exitCode = hitRate >= THRESHOLD ? 0 : 1;
} finally {
  await svc.close();
}
