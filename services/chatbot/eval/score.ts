/** The eval set's shape (eval/set.json) and how answers are scored against it. */
export interface EvalQuestion {
  id: string;
  question: string;
  kind: 'literal' | 'paraphrase' | 'uncovered' | 'followup';
  document?: string;
  pages?: number[];
  phrases?: string[];
  followUpOf?: string;
}

export interface EvalSet {
  documents: {
    id: string;
    package: string;
    version: string;
    deb: string;
    debSha256: string;
    pathInDeb: string;
    pdfSha256: string;
    pages: number;
  }[];
  questions: EvalQuestion[];
}

/** What the service answered to one question. */
export interface Asked {
  id: string;
  sources: { document: string; page: number }[];
  answer: string;
  answered: boolean;
  standalone: string;
}

/** Whitespace, dashes and quotes as plain ASCII, both in answers and phrases. */
const normalise = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/[‐-―]/g, '-')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .toLowerCase()
    .trim();

/** 1-based rank of the first source on an expected page, or 0. */
export function rankOf(q: EvalQuestion, a: Asked, depth = 5): number {
  const index = a.sources
    .slice(0, depth)
    .findIndex(s => s.document === q.document && q.pages!.includes(s.page));
  return index + 1;
}

export function scoreQuestions(set: EvalSet, asked: Asked[]) {
  const byId = new Map(asked.map(a => [a.id, a]));
  const answerable = set.questions.filter(
    q => q.kind !== 'uncovered' && q.kind !== 'followup',
  );
  const uncovered = set.questions.filter(q => q.kind === 'uncovered');
  const followups = set.questions.filter(q => q.kind === 'followup');
  const misses: string[] = [];
  let hit1 = 0;
  let hit5 = 0;
  let reciprocal = 0;
  let wronglyDeclined = 0;
  let phrases = 0;
  for (const q of answerable) {
    const a = byId.get(q.id)!;
    const rank = a.answered ? rankOf(q, a) : 0;
    if (rank === 1) hit1++;
    if (rank > 0) {
      hit5++;
      reciprocal += 1 / rank;
    } else {
      misses.push(
        `MISS ${q.id} (${q.kind}) ${q.document} p.${q.pages!.join('/')}: ${
          q.question
        } -> ${
          a.sources
            .slice(0, 3)
            .map(s => `${s.document} p.${s.page}`)
            .join(', ') || 'no sources'
        }`,
      );
    }
    if (!a.answered) {
      wronglyDeclined++;
      misses.push(`DECLINED ${q.id} (${q.kind}): ${q.question}`);
    }
    const answer = normalise(a.answer);
    if ((q.phrases ?? []).some(p => answer.includes(normalise(p)))) phrases++;
  }
  let declined = 0;
  for (const q of uncovered) {
    const a = byId.get(q.id)!;
    if (!a.answered) declined++;
    else
      misses.push(
        `ANSWERED ${q.id} (uncovered): ${q.question} -> ${a.sources
          .slice(0, 2)
          .map(s => `${s.document} p.${s.page}`)
          .join(', ')}`,
      );
  }
  let followupHits = 0;
  for (const q of followups) {
    const a = byId.get(q.id)!;
    if (a.answered && rankOf(q, a) > 0) followupHits++;
    else
      misses.push(
        `FOLLOW-UP MISS ${q.id}: ${q.question} (rewritten: ${
          a.standalone
        }) -> ${a.sources
          .slice(0, 3)
          .map(s => `${s.document} p.${s.page}`)
          .join(', ')}`,
      );
  }
  return {
    answerable: answerable.length,
    uncovered: uncovered.length,
    followups: followups.length,
    hit1: hit1 / answerable.length,
    hit5: hit5 / answerable.length,
    mrr: reciprocal / answerable.length,
    declined,
    declineRate: declined / Math.max(1, uncovered.length),
    wronglyDeclined,
    wrongDeclineRate: wronglyDeclined / answerable.length,
    followupHit5: followupHits / Math.max(1, followups.length),
    phraseRate: phrases / answerable.length,
    misses,
  };
}
