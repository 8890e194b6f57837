import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CHATBOT_COLLECTION_ID } from './annotations';

describe('CHATBOT_COLLECTION_ID', () => {
  it('is the CollectionId pattern of the chatbot service contract', () => {
    const contract = parse(
      fs.readFileSync(
        path.resolve(__dirname, '../../../services/chatbot/openapi.yaml'),
        'utf8',
      ),
    );
    expect(CHATBOT_COLLECTION_ID.source).toBe(
      contract.components.schemas.CollectionId.pattern,
    );
  });
});
