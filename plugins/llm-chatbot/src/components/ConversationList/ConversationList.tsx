import { useState } from 'react';
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
  TextField,
  Typography,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import type { ChatbotConversation } from '@internal/plugin-llm-chatbot-common';

/** The user's conversations with this chatbot: pick, start, rename, delete. */
export function ConversationList(props: {
  conversations: ChatbotConversation[];
  selectedId?: string;
  disabled: boolean;
  onSelect: (id: string) => void;
  onCreate: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}) {
  const {
    conversations,
    selectedId,
    disabled,
    onSelect,
    onCreate,
    onRename,
    onDelete,
  } = props;
  const [editing, setEditing] = useState<string>();
  const [title, setTitle] = useState('');
  // Deleting loses the messages: asked first, as deleting a document is.
  const [confirm, setConfirm] = useState<ChatbotConversation>();

  return (
    <Box>
      <Button
        variant="outlined"
        color="primary"
        fullWidth
        onClick={onCreate}
        disabled={disabled}
      >
        New conversation
      </Button>
      {conversations.length === 0 && (
        <Box mt={2}>
          <Typography variant="body2" color="textSecondary">
            No conversations yet.
          </Typography>
        </Box>
      )}
      <List dense aria-label="Conversations">
        {conversations.map(c =>
          editing === c.id ? (
            <ListItem key={c.id}>
              <TextField
                // Focus follows the user's own Rename click, for the keyboard.
                inputRef={(el: HTMLInputElement | null) => el?.focus()}
                size="small"
                fullWidth
                value={title}
                inputProps={{
                  'aria-label': 'Conversation title',
                  maxLength: 200,
                }}
                onChange={e => setTitle(e.target.value)}
                onKeyDown={e => {
                  if (e.key === 'Enter' && title.trim()) {
                    onRename(c.id, title.trim());
                    setEditing(undefined);
                  } else if (e.key === 'Escape') {
                    setEditing(undefined);
                  }
                }}
                onBlur={() => setEditing(undefined)}
              />
            </ListItem>
          ) : (
            <ListItem
              key={c.id}
              button
              selected={c.id === selectedId}
              onClick={() => onSelect(c.id)}
            >
              <ListItemText
                primary={c.title}
                secondary={new Date(c.updatedAt).toLocaleString()}
              />
              <ListItemSecondaryAction>
                <IconButton
                  size="small"
                  aria-label={`Rename ${c.title}`}
                  onClick={() => {
                    setEditing(c.id);
                    setTitle(c.title);
                  }}
                >
                  <EditIcon fontSize="small" />
                </IconButton>
                <IconButton
                  size="small"
                  aria-label={`Delete ${c.title}`}
                  onClick={() => setConfirm(c)}
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </ListItemSecondaryAction>
            </ListItem>
          ),
        )}
      </List>

      <Dialog open={!!confirm} onClose={() => setConfirm(undefined)}>
        <DialogTitle>Delete “{confirm?.title}”?</DialogTitle>
        <DialogContent>
          <Typography>
            Its questions and answers are deleted with it.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
          <Button
            color="secondary"
            onClick={() => {
              if (confirm) onDelete(confirm.id);
              setConfirm(undefined);
            }}
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
