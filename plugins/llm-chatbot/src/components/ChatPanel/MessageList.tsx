import { useEffect, useLayoutEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Box, Button, Typography, makeStyles } from '@material-ui/core';
import type { ChatTurn } from '../../hooks/useChat';
import { SourceList } from './SourceList';
import { Link } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { readGrafanaConfig, traceLink } from '../../links';

const useStyles = makeStyles(theme => ({
  scroller: { height: '100%', overflowY: 'auto', padding: theme.spacing(1) },
  user: {
    marginLeft: 'auto',
    maxWidth: '80%',
    background: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
    borderRadius: 8,
    padding: theme.spacing(1, 1.5),
    whiteSpace: 'pre-wrap',
  },
  assistant: {
    maxWidth: '90%',
    background: theme.palette.background.default,
    borderRadius: 8,
    padding: theme.spacing(1, 1.5),
    whiteSpace: 'pre-wrap',
  },
}));

/**
 * The turns, virtualised so a conversation of thousands of messages opens
 * and scrolls fast. It follows new text unless the reader scrolled up.
 */
export function MessageList(props: { turns: ChatTurn[]; onRetry: () => void }) {
  const { turns, onRetry } = props;
  const classes = useStyles();
  const grafana = readGrafanaConfig(useApi(configApiRef));
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const virtualizer = useVirtualizer({
    count: turns.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 80,
    overscan: 6,
    // Measuring a streamed answer inside the ResizeObserver callback resized
    // it again in the same frame: the browser's "ResizeObserver loop"
    // error, which the development server shows over the whole page.
    useAnimationFrameWithResizeObserver: true,
  });

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };

  const last = turns[turns.length - 1];
  useLayoutEffect(() => {
    if (following.current && turns.length > 0) {
      virtualizer.scrollToIndex(turns.length - 1, { align: 'end' });
    }
  }, [turns.length, last?.content, virtualizer]);

  // A new question always brings the view back down.
  const asked = turns.filter(t => t.role === 'user').length;
  useEffect(() => {
    following.current = true;
  }, [asked]);

  return (
    <div
      ref={scroller}
      className={classes.scroller}
      onScroll={onScroll}
      data-testid="message-list"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map(item => {
          const turn = turns[item.index];
          return (
            <div
              key={turn.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${item.start}px)`,
              }}
            >
              <Box py={0.5} display="flex" flexDirection="column">
                <div
                  className={
                    turn.role === 'user' ? classes.user : classes.assistant
                  }
                  aria-label={turn.role === 'user' ? 'Your question' : 'Answer'}
                >
                  <Typography variant="body2" component="div">
                    {turn.content || (turn.status === 'streaming' ? '…' : '')}
                  </Typography>
                  {turn.sources && <SourceList sources={turn.sources} />}
                  {turn.traceId && grafana && (
                    <Link
                      to={traceLink(grafana, turn.traceId)}
                      variant="caption"
                    >
                      Trace of this answer
                    </Link>
                  )}
                  {turn.status === 'truncated' && (
                    <Typography variant="caption" color="textSecondary">
                      Cut short: the model reached its token limit
                      (LLM_MAX_TOKENS on the chatbot service)
                    </Typography>
                  )}
                  {turn.status === 'stopped' && (
                    <Typography variant="caption" color="textSecondary">
                      Stopped
                    </Typography>
                  )}
                  {turn.status === 'failed' && (
                    <Box role="alert" mt={1}>
                      <Typography variant="caption" color="error">
                        {turn.error ?? 'The answer failed.'}
                      </Typography>
                      {item.index === turns.length - 1 && (
                        <Button size="small" onClick={onRetry}>
                          Retry
                        </Button>
                      )}
                    </Box>
                  )}
                </div>
              </Box>
            </div>
          );
        })}
      </div>
    </div>
  );
}
