import { Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { InputError } from '@backstage/errors';
import type { ChatbotUploadAccepted } from '@internal/plugin-llm-chatbot-common';
import type { ChatbotServiceClient } from './ChatbotServiceClient';
import { PayloadTooLargeError } from './errors';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Streams a multipart upload to the chatbot service unchanged (multipart in,
 * multipart out; nothing is held in memory), while busboy reads the same
 * bytes to enforce the limits (after assertUploadHeaders). A file, count or total found over the limit
 * mid-stream aborts the upstream request, and the service keeps nothing of
 * it (it creates jobs only once the whole body has arrived).
 */
/** The most bytes one upload may hold: every file at its limit, and room for the multipart framing. */
const ceilingOf = (limits: UploadLimits) =>
  limits.maxFiles * limits.maxFileBytes + 1024 * 1024;

const tooLarge = (bytes: number, limits: UploadLimits) =>
  new PayloadTooLargeError(
    `the upload is ${mb(bytes)}; at most ${limits.maxFiles} PDFs of ${mb(
      limits.maxFileBytes,
    )} each are accepted`,
  );

/**
 * What can be refused from the headers alone: checked before anything is
 * sent to the service (not even the collection it would go to).
 */
export function assertUploadHeaders(req: Request, limits: UploadLimits) {
  if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    throw new InputError(
      'send the PDFs as multipart/form-data, one or more in the field "files"',
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > ceilingOf(limits)) {
    throw tooLarge(declared, limits);
  }
}

export async function forwardUpload(
  req: Request,
  client: ChatbotServiceClient,
  collection: string,
  limits: UploadLimits,
): Promise<ChatbotUploadAccepted> {
  // The caller ran assertUploadHeaders before making the collection.
  const contentType = req.headers['content-type']!;

  const abort = new AbortController();
  let refusal: Error | undefined;
  const refuse = (error: Error) => {
    refusal ??= error;
    abort.abort(error);
  };
  let inspector: busboy.Busboy;
  try {
    inspector = busboy({
      headers: req.headers,
      limits: {
        files: limits.maxFiles,
        fileSize: limits.maxFileBytes,
        fields: 10,
      },
    });
  } catch (error) {
    throw new InputError(`bad multipart upload: ${(error as Error).message}`);
  }
  inspector.on('file', (field, file, info) => {
    if (field !== 'files') {
      refuse(
        new InputError(`send the PDFs in the field "files", not "${field}"`),
      );
    }
    file.on('limit', () =>
      refuse(
        new PayloadTooLargeError(
          `${info.filename} is larger than the ${mb(
            limits.maxFileBytes,
          )} limit (llmChatbot.uploads.maxFileMb)`,
        ),
      ),
    );
    file.resume();
  });
  inspector.on('filesLimit', () =>
    refuse(
      new InputError(
        `send at most ${limits.maxFiles} PDFs at once (llmChatbot.uploads.maxFiles)`,
      ),
    ),
  );
  inspector.on('error', error =>
    refuse(new InputError(`bad multipart upload: ${(error as Error).message}`)),
  );

  // Every chunk goes both ways: on to the service, and into busboy. Bytes
  // are counted too: a chunked body declares no length, and busboy's limits
  // see only file parts, not what follows the closing boundary.
  let bytes = 0;
  const tee = new Transform({
    transform(chunk, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > ceilingOf(limits)) {
        refuse(tooLarge(bytes, limits));
        callback();
        return;
      }
      inspector.write(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      inspector.end();
      callback();
    },
  });
  req.on('close', () => {
    if (!req.complete)
      abort.abort(new Error('the browser cancelled the upload'));
  });
  req.pipe(tee);

  try {
    const accepted = await client.upload(
      collection,
      Readable.toWeb(tee) as ReadableStream<Uint8Array>,
      contentType,
      abort.signal,
    );
    if (refusal) throw refusal;
    return accepted;
  } catch (error) {
    if (refusal) {
      req.unpipe(tee);
      req.resume(); // drain what the browser still sends
      throw refusal;
    }
    throw error;
  }
}
