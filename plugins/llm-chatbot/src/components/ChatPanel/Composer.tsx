import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Box, Button, TextField } from '@material-ui/core';

/**
 * Enter sends, Shift+Enter adds a line; Stop (or Esc) aborts the answer.
 * The question box takes the focus when a conversation opens (`focusKey`
 * changes) and when an answer ends with nothing else focused (the Stop
 * button it replaced was), so the next question needs no Tab stops.
 */
export function Composer(props: {
  disabled: boolean;
  streaming: boolean;
  focusKey?: string;
  onSend: (message: string) => void;
  onStop: () => void;
}) {
  const { disabled, streaming, focusKey, onSend, onStop } = props;
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (focusKey && !disabled) input.current?.focus();
  }, [focusKey, disabled]);
  useEffect(() => {
    // Nowhere, or on the Stop button that has just become a disabled Send.
    const active = document.activeElement as HTMLButtonElement | null;
    const lost = !active || active === document.body || active.disabled;
    if (!streaming && !disabled && lost) input.current?.focus();
  }, [streaming, disabled]);

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
        inputRef={input}
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
