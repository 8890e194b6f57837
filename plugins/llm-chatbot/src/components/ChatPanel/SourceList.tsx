import { useState } from 'react';
import { Box, Button, Chip, Typography } from '@material-ui/core';
import type { ChatbotSource } from '@internal/plugin-llm-chatbot-common';

/** Document and page of each passage an answer used; the snippet on request. */
export function SourceList({ sources }: { sources: ChatbotSource[] }) {
  const [open, setOpen] = useState<number>();
  if (sources.length === 0) return null;
  return (
    <Box mt={1} aria-label="Sources">
      <Typography variant="caption" color="textSecondary">
        Sources
      </Typography>
      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
        {sources.map((source, i) => (
          <Chip
            key={`${source.documentId}-${source.page}-${i}`}
            size="small"
            variant={open === i ? 'default' : 'outlined'}
            label={`${source.filename}, p. ${source.page}`}
            onClick={() => setOpen(open === i ? undefined : i)}
            aria-expanded={open === i}
            aria-label={`Source ${i + 1}: ${source.filename}, page ${
              source.page
            }`}
          />
        ))}
      </Box>
      {open !== undefined && (
        <Box mt={1} p={1} bgcolor="background.default" borderRadius={4}>
          <Typography variant="body2" component="blockquote">
            {sources[open].snippet}
          </Typography>
          <Button size="small" onClick={() => setOpen(undefined)}>
            Hide snippet
          </Button>
        </Box>
      )}
    </Box>
  );
}
