import { Box, IconButton, LinearProgress, Typography } from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import type { UploadState } from '../../hooks/useUploads';

function describe(upload: UploadState): string {
  const p = upload.job?.progress;
  switch (upload.phase) {
    case 'sending':
      return `Sending… ${upload.sentPercent}%`;
    case 'ingesting':
      return p && p.pagesTotal
        ? `Reading pages ${p.pagesParsed}/${p.pagesTotal}, ${p.chunksStored} chunks stored`
        : 'Queued for ingestion…';
    case 'done':
      return `Ready: ${p?.pagesTotal ?? '?'} pages, ${
        p?.chunksStored ?? '?'
      } chunks`;
    default:
      return upload.error ?? 'Failed';
  }
}

function percent(upload: UploadState): number {
  if (upload.phase === 'sending') return upload.sentPercent;
  const p = upload.job?.progress;
  if (upload.phase === 'done') return 100;
  return p && p.pagesTotal
    ? Math.round((p.pagesParsed / p.pagesTotal) * 100)
    : 0;
}

/** One progress bar per file: bytes sent, then pages parsed and chunks stored. */
export function UploadList(props: {
  uploads: UploadState[];
  onDismiss: (key: string) => void;
}) {
  return (
    <Box aria-label="Uploads">
      {props.uploads.map(upload => (
        <Box key={upload.key} my={1} data-testid="upload">
          <Box
            display="flex"
            alignItems="center"
            justifyContent="space-between"
          >
            <Typography variant="body2" noWrap title={upload.filename}>
              {upload.filename}
            </Typography>
            {(upload.phase === 'done' || upload.phase === 'failed') && (
              <IconButton
                size="small"
                aria-label={`Dismiss ${upload.filename}`}
                onClick={() => props.onDismiss(upload.key)}
              >
                <CloseIcon fontSize="small" />
              </IconButton>
            )}
          </Box>
          <LinearProgress
            variant="determinate"
            value={percent(upload)}
            color={upload.phase === 'failed' ? 'secondary' : 'primary'}
            aria-label={`${upload.filename} progress`}
          />
          <Typography
            variant="caption"
            color={upload.phase === 'failed' ? 'error' : 'textSecondary'}
            role={upload.phase === 'failed' ? 'alert' : undefined}
          >
            {describe(upload)}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
