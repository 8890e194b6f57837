import { screen, waitFor, fireEvent, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  MockConfigApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { configApiRef } from '@backstage/core-plugin-api';
import { llmChatbotApiRef } from '../../api';
import { FakeLlmChatbotApi, gate } from '../../__testUtils__/FakeLlmChatbotApi';
import { ChatPanel } from './ChatPanel';

const entity = {
  kind: 'component',
  namespace: 'default',
  name: 'demo-chatbot',
};
const done = {
  event: 'done' as const,
  data: {
    conversationId: 'c1',
    answered: true,
    usage: { promptTokens: 1, completionTokens: 2 },
    timings: { retrievalMs: 1, firstTokenMs: 1, totalMs: 2 },
  },
};

// jsdom has no layout: give the virtualised list a viewport.
beforeAll(() => {
  for (const prop of [
    'clientHeight',
    'clientWidth',
    'offsetHeight',
    'offsetWidth',
  ]) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      value: 600,
    });
  }
});

/** The turns on screen (the aria-live region repeats finished answers). */
const turns = () => within(screen.getByTestId('message-list'));

function renderPanel(
  api: FakeLlmChatbotApi,
  props: Partial<Parameters<typeof ChatPanel>[0]> = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmChatbotApiRef, api]]}>
      <ChatPanel entity={entity} conversationId="conv-1" canChat {...props} />
    </TestApiProvider>,
  );
}

describe('ChatPanel', () => {
  it('renders the answer as its tokens stream in, then its sources with page numbers', async () => {
    const api = new FakeLlmChatbotApi();
    const second = gate();
    api.chatScript = async emit => {
      emit({
        event: 'start',
        data: { conversationId: 'c1', standaloneQuestion: 'q' },
      });
      emit({
        event: 'sources',
        data: {
          sources: [
            {
              documentId: 'd',
              filename: 'router.pdf',
              page: 2,
              snippet: 'Hold reset for ten seconds.',
              score: 0.9,
            },
          ],
        },
      });
      emit({ event: 'token', data: { text: 'Hold the button ' } });
      await second.promise;
      emit({ event: 'token', data: { text: 'for ten seconds.' } });
      emit(done);
    };
    await renderPanel(api);
    await userEvent.type(screen.getByLabelText('Question'), 'How long?{Enter}');
    expect(await screen.findByText('Hold the button')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Stop the answer' }),
    ).toBeInTheDocument();
    second.release();
    expect(
      await turns().findByText('Hold the button for ten seconds.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'Hold the button for ten seconds.',
    );
    const chip = screen.getByRole('button', {
      name: 'Source 1: router.pdf, page 2',
    });
    await userEvent.click(chip);
    expect(screen.getByText('Hold reset for ten seconds.')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Send question' }),
    ).toBeInTheDocument();
  });

  it('stops a streaming answer with the Stop button and with Esc', async () => {
    const api = new FakeLlmChatbotApi();
    api.chatScript = async (emit, signal) => {
      emit({ event: 'token', data: { text: 'Partial' } });
      await new Promise(resolve => signal.addEventListener('abort', resolve));
    };
    await renderPanel(api);
    await userEvent.type(screen.getByLabelText('Question'), 'First?{Enter}');
    await screen.findByText('Partial');
    await userEvent.click(
      screen.getByRole('button', { name: 'Stop the answer' }),
    );
    expect(await screen.findByText('Stopped')).toBeInTheDocument();
    // The Stop button it was on is gone: the focus goes back to the question.
    await waitFor(() =>
      expect(screen.getByLabelText('Question')).toHaveFocus(),
    );

    await userEvent.type(screen.getByLabelText('Question'), 'Second?{Enter}');
    await waitFor(() => expect(screen.getAllByText('Partial')).toHaveLength(2));
    fireEvent.keyDown(screen.getByLabelText('Question'), { key: 'Escape' });
    await waitFor(() => expect(screen.getAllByText('Stopped')).toHaveLength(2));
  });

  it('says when an answer was cut at the token limit, streaming and from history', async () => {
    const api = new FakeLlmChatbotApi();
    api.messages.set('conv-1', [
      {
        seq: 1,
        role: 'assistant',
        content: 'Stored cut answer',
        status: 'truncated',
        createdAt: '',
        sources: [],
      },
    ]);
    api.chatScript = async emit => {
      emit({ event: 'token', data: { text: 'Streamed cut answer' } });
      emit({ ...done, data: { ...done.data, truncated: true } });
    };
    await renderPanel(api);
    await turns().findByText('Stored cut answer');
    expect(turns().getAllByText(/reached its token limit/)).toHaveLength(1);
    await userEvent.type(screen.getByLabelText('Question'), 'Long?{Enter}');
    await turns().findByText('Streamed cut answer');
    await waitFor(() =>
      expect(turns().getAllByText(/reached its token limit/)).toHaveLength(2),
    );
  });

  it('shows an error in place and asks again on Retry', async () => {
    const api = new FakeLlmChatbotApi();
    let calls = 0;
    api.chatScript = async emit => {
      calls++;
      if (calls === 1) {
        emit({
          event: 'error',
          data: { message: 'the model server answered 503' },
        });
        return;
      }
      emit({ event: 'token', data: { text: 'Second time lucky.' } });
      emit(done);
    };
    await renderPanel(api);
    await userEvent.type(screen.getByLabelText('Question'), 'Anyone?{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'the model server answered 503',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await turns().findByText('Second time lucky.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getAllByText('Anyone?')).toHaveLength(1);
  });

  it('sends on Enter and adds a line on Shift+Enter', async () => {
    const api = new FakeLlmChatbotApi();
    const asked: string[] = [];
    api.chatScript = async (emit, _signal, message) => {
      asked.push(message);
      emit(done);
    };
    await renderPanel(api);
    await userEvent.type(
      screen.getByLabelText('Question'),
      'line one{Shift>}{Enter}{/Shift}line two{Enter}',
    );
    await waitFor(() => expect(asked).toEqual(['line one\nline two']));
  });

  it('puts the focus in the question box when a conversation opens', async () => {
    await renderPanel(new FakeLlmChatbotApi());
    await waitFor(() =>
      expect(screen.getByLabelText('Question')).toHaveFocus(),
    );
  });

  it('shows stored history when a conversation opens', async () => {
    const api = new FakeLlmChatbotApi();
    api.messages.set('conv-1', [
      {
        seq: 1,
        role: 'user',
        content: 'Old question',
        status: 'complete',
        createdAt: '',
      },
      {
        seq: 2,
        role: 'assistant',
        content: 'Old answer',
        status: 'complete',
        createdAt: '',
        sources: [],
      },
    ]);
    await renderPanel(api);
    expect(await turns().findByText('Old answer')).toBeInTheDocument();
  });

  it('disables the question box with the reason when the user may not chat', async () => {
    await renderPanel(new FakeLlmChatbotApi(), {
      canChat: false,
      denialReason: 'You lack the llm-chatbot.chat permission on this chatbot.',
    });
    expect(screen.getByLabelText('Question')).toBeDisabled();
    expect(
      screen.getByText(/llm-chatbot\.chat permission/),
    ).toBeInTheDocument();
  });

  it("links the answer's trace in Tempo when the service reports one and Grafana is configured", async () => {
    const api = new FakeLlmChatbotApi();
    api.chatScript = async emit => {
      emit({ event: 'token', data: { text: 'Traced answer.' } });
      emit({
        ...done,
        data: { ...done.data, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
      });
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [llmChatbotApiRef, api],
          [
            configApiRef,
            new MockConfigApi({
              llmChatbot: { grafana: { baseUrl: 'https://g.example.com' } },
            }),
          ],
        ]}
      >
        <ChatPanel entity={entity} conversationId="conv-1" canChat />
      </TestApiProvider>,
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Question' }),
      'Traced?{Enter}',
    );
    const link = await turns().findByRole('link', {
      name: /Trace of this answer/,
    });
    expect(link.getAttribute('href')).toContain(
      encodeURIComponent('4bf92f3577b34da6a3ce929d0e0e4736'),
    );
  });

  it("keeps a question asked before the conversation's history arrived", async () => {
    const api = new FakeLlmChatbotApi();
    const history = gate();
    api.getMessages = async () => {
      await history.promise;
      return [];
    };
    api.chatScript = async emit => {
      emit({ event: 'token', data: { text: 'Quick answer.' } });
      emit(done);
    };
    await renderPanel(api);
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Question' }),
      'Fast?{Enter}',
    );
    history.release();
    const list = within(await screen.findByTestId('message-list'));
    expect(await list.findByText('Quick answer.')).toBeInTheDocument();
    expect(list.getByText('Fast?')).toBeInTheDocument();
  });
});
