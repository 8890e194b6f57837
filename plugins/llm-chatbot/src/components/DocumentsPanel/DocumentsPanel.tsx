import { useRef, useState, type DragEvent } from 'react';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  Typography,
  makeStyles,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import { ErrorPanel, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { ChatbotDocument } from '@internal/plugin-llm-chatbot-common';
import { llmChatbotApiRef } from '../../api';
import { useDocuments } from '../../hooks/useDocuments';
import { useUploads } from '../../hooks/useUploads';
import { UploadList } from './UploadList';

const useStyles = makeStyles(theme => ({
  drop: {
    border: `2px dashed ${theme.palette.divider}`,
    borderRadius: 8,
    padding: theme.spacing(2),
    textAlign: 'center',
  },
  dragging: { borderColor: theme.palette.primary.main },
}));

const size = (bytes: number) =>
  bytes > 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} KB`;

/** Upload PDFs (drop or pick, several at once), follow them, list and delete documents. */
export function DocumentsPanel(props: {
  entity: CompoundEntityRef;
  canManage: boolean;
  manageDenialReason?: string;
}) {
  const { entity, canManage, manageDenialReason } = props;
  const classes = useStyles();
  const api = useApi(llmChatbotApiRef);
  const documents = useDocuments(entity);
  const { uploads, upload, dismiss } = useUploads(entity, documents.retry);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [confirm, setConfirm] = useState<ChatbotDocument>();
  const [deleteError, setDeleteError] = useState<Error>();

  const pdfs = (files: FileList | null) => Array.from(files ?? []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (canManage) upload(pdfs(e.dataTransfer.files));
  };

  const remove = async (doc: ChatbotDocument) => {
    setConfirm(undefined);
    try {
      await api.deleteDocument(entity, doc.id);
      setDeleteError(undefined);
    } catch (e) {
      setDeleteError(e as Error);
    }
    documents.retry();
  };

  return (
    <Box>
      <div
        className={`${classes.drop} ${dragging ? classes.dragging : ''}`}
        onDragOver={e => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        aria-label="Drop PDFs here"
      >
        <Typography variant="body2">Drop PDFs here, or</Typography>
        <Button
          variant="outlined"
          size="small"
          disabled={!canManage}
          onClick={() => input.current?.click()}
        >
          Choose PDFs
        </Button>
        <input
          ref={input}
          type="file"
          accept="application/pdf,.pdf"
          multiple
          hidden
          aria-label="PDF files to upload"
          data-testid="upload-input"
          onChange={e => {
            upload(pdfs(e.target.files));
            e.target.value = '';
          }}
        />
        {!canManage && manageDenialReason && (
          <Typography variant="caption" color="textSecondary" display="block">
            {manageDenialReason}
          </Typography>
        )}
      </div>
      <UploadList uploads={uploads} onDismiss={dismiss} />

      <Box mt={2}>
        <Typography variant="subtitle2">Documents</Typography>
        {documents.loading && !documents.value && <Progress />}
        {documents.error && (
          <ErrorPanel
            error={documents.error}
            title={`Could not list the documents: ${documents.error.message}`}
          />
        )}
        {deleteError && (
          <ErrorPanel
            error={deleteError}
            title={`Could not delete: ${deleteError.message}`}
          />
        )}
        {documents.value && documents.value.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            No documents yet: upload PDFs for this chatbot to answer from.
          </Typography>
        )}
        <List dense aria-label="Documents">
          {documents.value?.map(doc => (
            <ListItem key={doc.id}>
              <ListItemText
                primary={doc.filename}
                secondary={`${doc.pages} pages · ${size(
                  doc.bytes,
                )} · ${new Date(doc.createdAt).toLocaleDateString()}`}
              />
              <ListItemSecondaryAction>
                <IconButton
                  size="small"
                  aria-label={`Delete ${doc.filename}`}
                  title={
                    canManage ? `Delete ${doc.filename}` : manageDenialReason
                  }
                  disabled={!canManage}
                  onClick={() => setConfirm(doc)}
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </ListItemSecondaryAction>
            </ListItem>
          ))}
        </List>
      </Box>

      <Dialog open={!!confirm} onClose={() => setConfirm(undefined)}>
        <DialogTitle>Delete {confirm?.filename}?</DialogTitle>
        <DialogContent>
          <Typography>
            The chatbot will no longer answer from it. Its pages and chunks are
            removed.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
          <Button color="secondary" onClick={() => confirm && remove(confirm)}>
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
