// A real PDF written by pdf-lib (the chatbot service's own dependency), for
// the suites that drive the portal: the browser e2e, tests/gateway.test.mjs
// and scripts/bench-ui.mjs.
import { createRequire } from 'node:module';
import path from 'node:path';

// Every caller runs from the repository root (npm test, Playwright, the
// benchmark); no import.meta, which Playwright's CommonJS transform refuses.
const root = process.cwd();
const { PDFDocument, StandardFonts } = createRequire(
  path.join(root, 'services/chatbot/package.json'),
)('pdf-lib');

/**
 * A two-page router manual: page 2 says how long to hold the reset button.
 * `unique` goes into page 1, so a re-run never uploads the same file twice.
 */
export async function routerManualPdf(unique = '') {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = [
    `Router quick start${
      unique ? ` (${unique})` : ''
    }. Connect the power cable and wait for the green status light.`,
    'Factory reset. The reset button is on the back panel. Hold the reset button for ten seconds to restore factory settings.',
  ];
  for (const text of pages) {
    doc
      .addPage([595, 842])
      .drawText(text, { x: 40, y: 780, size: 10, font, maxWidth: 520 });
  }
  return Buffer.from(await doc.save());
}
