import { useState, type KeyboardEvent } from 'react';
import { Box, Button, TextField } from '@material-ui/core';

/** Enter sends, Shift+Enter adds a line; Stop (or Esc) aborts the answer. */
export function Composer(props: {
  disabled: boolean;
  streaming: boolean;
  onSend: (message: string) => void;
  onStop: () => void;
}) {
  const { disabled, streaming, onSend, onStop } = props;
  const [text, setText] = useState('');

  const send = () => {
    const message = text.trim();
    if (!message || streaming || disabled) return;
    onSend(message);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && streaming) {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <Box display="flex" alignItems="flex-end" style={{ gap: 8 }} mt={1}>
      <TextField
        label="Ask a question"
        placeholder="Ask about the uploaded documents (Enter to send, Shift+Enter for a new line)"
        multiline
        maxRows={6}
        fullWidth
        variant="outlined"
        size="small"
        value={text}
        disabled={disabled}
        onChange={e => setText(e.target.value)}
        onKeyDown={onKeyDown}
        inputProps={{ maxLength: 4000, 'aria-label': 'Question' }}
      />
      {streaming ? (
        <Button
          variant="outlined"
          color="secondary"
          onClick={onStop}
          aria-label="Stop the answer"
        >
          Stop
        </Button>
      ) : (
        <Button
          variant="contained"
          color="primary"
          onClick={send}
          disabled={disabled || !text.trim()}
          aria-label="Send question"
        >
          Send
        </Button>
      )}
    </Box>
  );
}
