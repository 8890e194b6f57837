import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { llmChatbotApiRef } from '../../api';
import { FakeLlmChatbotApi, gate } from '../../__testUtils__/FakeLlmChatbotApi';
import { DocumentsPanel } from './DocumentsPanel';

const entity = {
  kind: 'component',
  namespace: 'default',
  name: 'demo-chatbot',
};
const pdf = (name: string) =>
  new File(['%PDF-1.7'], name, { type: 'application/pdf' });
const job = (
  id: string,
  status: 'running' | 'succeeded' | 'failed',
  pagesParsed: number,
  error?: string,
) => ({
  id,
  collectionId: 'demo-chatbot',
  documentId: `doc-${id}`,
  filename: 'x.pdf',
  status,
  progress: {
    pagesTotal: 4,
    pagesParsed,
    chunksEmbedded: pagesParsed,
    chunksStored: status === 'succeeded' ? 9 : 0,
  },
  ...(error ? { error } : {}),
  createdAt: '',
  updatedAt: '',
});

/** What the service lists once job-0 has ingested manual.pdf. */
const manualDocument = () => ({
  id: 'doc-job-0',
  filename: 'manual.pdf',
  pages: 4,
  chunks: 9,
  bytes: 2048,
  createdAt: new Date().toISOString(),
});

function renderPanel(api: FakeLlmChatbotApi, canManage = true) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmChatbotApiRef, api]]}>
      <DocumentsPanel
        entity={entity}
        canManage={canManage}
        manageDenialReason="Only the chatbot's owners may upload and delete documents (llm-chatbot.documents.manage)."
      />
    </TestApiProvider>,
  );
}

describe('DocumentsPanel', () => {
  it("shows each file's bytes sent, then its ingestion, then lists the document", async () => {
    const api = new FakeLlmChatbotApi();
    const sent = gate();
    api.uploadScript = async (files, onProgress) => {
      onProgress({ loaded: 50, total: 100 });
      await sent.promise;
      onProgress({ loaded: 100, total: 100 });
      return files.map((_, i) => `job-${i}`);
    };
    api.jobs.set('job-0', [
      job('job-0', 'running', 2),
      job('job-0', 'succeeded', 4),
    ]);
    await renderPanel(api);
    await userEvent.upload(screen.getByTestId('upload-input'), [
      pdf('manual.pdf'),
    ]);
    expect(await screen.findByText('Sending… 50%')).toBeInTheDocument();
    api.documents = [manualDocument()];
    sent.release();
    expect(await screen.findByText(/Reading pages 2\/4/)).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Ready: 4 pages, 9 chunks',
        {},
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Documents' });
    expect(await within(list).findByText('manual.pdf')).toBeInTheDocument();
  });

  it('lists a document whose ingestion finished while the first list was still loading', async () => {
    const api = new FakeLlmChatbotApi();
    const firstList = gate();
    api.listHold = firstList.promise;
    api.uploadScript = async files => files.map((_, i) => `job-${i}`);
    api.jobs.set('job-0', [job('job-0', 'succeeded', 4)]);
    await renderPanel(api); // the first list is asked for, and held
    // The document exists by the time its job says it succeeded.
    api.documents = [manualDocument()];
    await userEvent.upload(screen.getByTestId('upload-input'), [
      pdf('manual.pdf'),
    ]);
    expect(
      await screen.findByText('Ready: 4 pages, 9 chunks'),
    ).toBeInTheDocument();
    firstList.release(); // the load from before the upload answers last, empty
    const list = screen.getByRole('list', { name: 'Documents' });
    expect(await within(list).findByText('manual.pdf')).toBeInTheDocument();
  });

  it("shows the service's reason when a file fails", async () => {
    const api = new FakeLlmChatbotApi();
    api.jobs.set('job-0', [
      job(
        'job-0',
        'failed',
        0,
        'no extractable text: its pages are blank or only images (scanned?); run OCR on it first if it was scanned',
      ),
    ]);
    await renderPanel(api);
    await userEvent.upload(screen.getByTestId('upload-input'), [
      pdf('scan.pdf'),
    ]);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /run OCR on it first/,
    );
  });

  it("shows a refused upload's message, per file, when several are sent at once", async () => {
    const api = new FakeLlmChatbotApi();
    api.uploadScript = async files => {
      if (files[0].name === 'big.pdf')
        throw new Error('big.pdf is larger than the 25 MB limit');
      return ['job-ok'];
    };
    api.jobs.set('job-ok', [job('job-ok', 'succeeded', 4)]);
    await renderPanel(api);
    await userEvent.upload(screen.getByTestId('upload-input'), [
      pdf('big.pdf'),
      pdf('ok.pdf'),
    ]);
    expect(
      await screen.findByText('big.pdf is larger than the 25 MB limit'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Ready: 4 pages, 9 chunks'),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('upload')).toHaveLength(2);
  });

  it('deletes a document after confirmation', async () => {
    const api = new FakeLlmChatbotApi();
    api.documents = [
      {
        id: 'd1',
        filename: 'old.pdf',
        pages: 3,
        chunks: 5,
        bytes: 4096,
        createdAt: new Date().toISOString(),
      },
    ];
    await renderPanel(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete old.pdf' }),
    );
    expect(screen.getByText('Delete old.pdf?')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.deleted).toEqual(['d1']));
    await waitFor(() =>
      expect(screen.queryByText('old.pdf')).not.toBeInTheDocument(),
    );
  });

  it('disables upload and delete, saying why, for users who may not manage documents', async () => {
    const api = new FakeLlmChatbotApi();
    api.documents = [
      {
        id: 'd1',
        filename: 'old.pdf',
        pages: 3,
        chunks: 5,
        bytes: 4096,
        createdAt: new Date().toISOString(),
      },
    ];
    await renderPanel(api, false);
    expect(
      await screen.findByRole('button', { name: 'Delete old.pdf' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Choose PDFs' })).toBeDisabled();
    expect(
      screen.getByText(/llm-chatbot\.documents\.manage/),
    ).toBeInTheDocument();
  });

  it('says there are no documents yet', async () => {
    await renderPanel(new FakeLlmChatbotApi());
    expect(await screen.findByText(/No documents yet/)).toBeInTheDocument();
  });
});
