import fs from 'node:fs';
import { api, ingest, startService } from '../test/helpers/service.js';
import { Retriever, weightedTerms } from '../src/retrieval/Retriever.js';
import { SqliteLexicalIndex } from '../src/retrieval/SqliteLexicalIndex.js';
import { HashingEmbeddings } from '../src/embeddings/HashingEmbeddings.js';
import { openDatabase } from '../src/store/database.js';
import { SqliteMetadataStore } from '../src/store/SqliteMetadataStore.js';
import { EmbeddedVectorStore } from '../src/vector/EmbeddedVectorStore.js';
import { idf } from '../src/retrieval/sparse.js';
const out: string[] = [];
for (const [name, setFile, extra] of [
  ['T', 'eval/set.json', '/tmp/uncov/tuned.json'],
  ['V', 'eval/set-validation.json', '/tmp/uncov/validation.json'],
]) {
  const set = JSON.parse(fs.readFileSync(setFile, 'utf8'));
  const more = fs.existsSync(extra)
    ? JSON.parse(fs.readFileSync(extra, 'utf8')).map((q: any) => ({
        ...q,
        kind: 'uncovered-new',
      }))
    : [];
  const svc = await startService({});
  await api(svc.url, 'PUT', '/v1/collections/eval');
  for (const d of set.documents)
    await ingest(
      svc.url,
      'eval',
      `${d.id}.pdf`,
      fs.readFileSync(`eval/manuals/${d.id}.pdf`),
      600000,
    );
  const db = await openDatabase(svc.dataDir);
  const lexical = new SqliteLexicalIndex(db);
  const r = new Retriever(
    new EmbeddedVectorStore(db),
    new HashingEmbeddings(),
    lexical,
    {
      mode: 'lexical',
      topK: 5,
      minScore: 0.1,
      minCoverage: 0,
      denseWeight: 0.5,
    },
    new SqliteMetadataStore(db),
  );
  for (const q of [...set.questions, ...more]) {
    if (q.kind === 'followup') continue;
    const res = await r.retrieve('eval', q.question, q.question);
    const terms = weightedTerms(q.question, q.question);
    const st = lexical.termStatistics(terms.map(t => t.term));
    const mass = (f: (n: number) => boolean) =>
      terms
        .filter(t => f(st.frequencies.get(t.term) ?? 0))
        .reduce(
          (a, t) => a + idf(st.chunks, st.frequencies.get(t.term) ?? 0),
          0,
        );
    const total = mass(() => true);
    const known = mass(n => n > 0);
    const top = res.hits[0]?.score ?? 0;
    const kind =
      q.kind === 'uncovered' || q.kind === 'uncovered-new'
        ? q.kind
        : 'answerable';
    out.push(
      [
        name,
        kind,
        q.id,
        res.declined ?? '-',
        (res.coverage ?? 0).toFixed(3),
        top.toFixed(3),
        (top / (known || 1)).toFixed(3),
        (1 - known / (total || 1)).toFixed(3),
        terms.length,
      ].join('\t'),
    );
  }
  await svc.close();
}
fs.writeFileSync('/tmp/uncov/features.tsv', out.join('\n') + '\n');
console.log(out.length);
