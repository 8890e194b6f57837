import { tokenize } from '../util/tokenize.js';

/**
 * Words that carry no topic in a question (NLTK's English list, plus the
 * verbs people wrap questions in): matching them only adds noise to BM25
 * and to the coverage check.
 */
const QUESTION_STOPWORDS = new Set(
  (
    'me my myself we our ours ourselves you yours yourself he him his she her hers it its itself ' +
    'they them theirs themselves what which who whom this that these those am is are was were be ' +
    'been being have has had having do does did doing a an the and but if or because as until while ' +
    'of at by for with about against between into through during before after above below to from ' +
    'up down in out on off over under again further then once here there when where why how all any ' +
    'both each few more most other some such no nor not only own same so than too very can will just ' +
    'don should now also could would may might must shall get gets got make makes making made want ' +
    'wants need needs way ways use using used instead tell know like one ones thing things something ' +
    'able possible there please himself herself yourselves ' +
    // What tokenize() leaves of contractions (hasn't → hasn, I've → ve),
    // as NLTK's list has them: found in one chunk of a manual, "hasn"
    // weighed more than any real word of the question.
    'll re ve ain aren couldn didn doesn hadn hasn haven isn ma mightn ' +
    'mustn needn shan shouldn wasn weren won wouldn'
  ).split(' '),
);

/** The topic words of a question, as the lexical index and the coverage check use them. */
export function queryTerms(text: string): string[] {
  return tokenize(text).filter(t => !QUESTION_STOPWORDS.has(t));
}
