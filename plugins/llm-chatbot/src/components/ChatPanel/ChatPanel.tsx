import { Box, Typography } from '@material-ui/core';
import { ErrorPanel, Progress } from '@backstage/core-components';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useChat } from '../../hooks/useChat';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

/**
 * Heard, not seen. Moved off-screen only, a long answer still laid out a
 * full-width strip over the buttons above it, swallowing their clicks.
 */
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  border: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/** The conversation's turns, the answer streaming in, and the question box. */
export function ChatPanel(props: {
  entity: CompoundEntityRef;
  conversationId?: string;
  canChat: boolean;
  denialReason?: string;
  /** After each answer, e.g. to refresh a conversation's title. */
  onAnswered?: () => void;
}) {
  const { entity, conversationId, canChat, denialReason, onAnswered } = props;
  const { turns, loading, error, streaming, send, stop, retry } = useChat(
    entity,
    conversationId,
    onAnswered,
  );
  const last = turns[turns.length - 1];
  const announcement =
    last?.role === 'assistant' && last.status !== 'streaming'
      ? last.content
      : '';

  return (
    <Box display="flex" flexDirection="column" height="100%">
      <Box flex={1} minHeight={0}>
        {loading && <Progress />}
        {error && (
          <ErrorPanel
            error={error}
            title={`Could not load this conversation: ${error.message}`}
          />
        )}
        {!conversationId && (
          <Box p={2}>
            <Typography color="textSecondary">
              Start a new conversation to ask this chatbot about its documents.
            </Typography>
          </Box>
        )}
        {conversationId && !loading && !error && (
          <MessageList turns={turns} onRetry={retry} />
        )}
      </Box>
      {/* Screen readers hear each finished answer once. */}
      <div aria-live="polite" role="status" style={visuallyHidden}>
        {announcement}
      </div>
      {!canChat && denialReason && (
        <Typography variant="caption" color="textSecondary">
          {denialReason}
        </Typography>
      )}
      <Composer
        disabled={!conversationId || !canChat}
        streaming={streaming}
        focusKey={conversationId}
        onSend={send}
        onStop={stop}
      />
    </Box>
  );
}
