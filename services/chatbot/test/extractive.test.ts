import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ExtractiveChat,
  EXTRACTIVE_NOTICE,
} from '../src/llm/ExtractiveChat.js';

const passage = (page: number, text: string) => ({
  documentId: 'd',
  filename: 'manual.pdf',
  page,
  text,
  score: 1,
});

async function answer(
  question: string,
  passages: ReturnType<typeof passage>[],
) {
  let text = '';
  for await (const event of new ExtractiveChat().streamAnswer({
    question,
    passages,
    history: [],
    signal: new AbortController().signal,
  }))
    if (event.type === 'token') text += event.text;
  return text;
}

describe('the offline extractive answer', () => {
  test('quotes the best sentence with the one after it, each with its page, and says it is quoting', async () => {
    const text = await answer('How do I reset the router password?', [
      passage(
        7,
        'Resetting the router password needs the pin on the label. Hold the pin hole down for ten seconds. The lamp then blinks green. Mounting brackets are sold separately.',
      ),
      passage(9, 'The router password can be changed from the admin page.'),
    ]);
    assert.ok(text.startsWith(EXTRACTIVE_NOTICE));
    const lines = text.split('\n').filter(l => l.startsWith('- '));
    assert.deepEqual(lines.slice(0, 2), [
      '- Resetting the router password needs the pin on the label. [manual.pdf p. 7]',
      '- Hold the pin hole down for ten seconds. [manual.pdf p. 7]',
    ]);
    assert.ok(
      lines.includes(
        '- The router password can be changed from the admin page. [manual.pdf p. 9]',
      ),
    );
    assert.ok(
      !text.includes('Mounting brackets'),
      'unrelated sentences stay out',
    );
    assert.equal(new Set(lines).size, lines.length, 'no sentence twice');
  });
});
