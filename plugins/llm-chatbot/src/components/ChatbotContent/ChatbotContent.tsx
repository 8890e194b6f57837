import { useEffect, useState } from 'react';
import { Grid, Paper, Typography, makeStyles } from '@material-ui/core';
import { ErrorPanel, Progress } from '@backstage/core-components';
import { errorApiRef, useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  llmChatbotChatPermission,
  llmChatbotDocumentsManagePermission,
} from '@internal/plugin-llm-chatbot-common';
import { useConversations } from '../../hooks/useConversations';
import { ChatPanel } from '../ChatPanel';
import { ConversationList } from '../ConversationList';
import { DocumentsPanel } from '../DocumentsPanel';
import { LinksSection } from '../ChatbotOverviewCard/LinksSection';
import { PodsSection } from '../ChatbotOverviewCard/PodsSection';

const useStyles = makeStyles(theme => ({
  column: { padding: theme.spacing(2), height: '100%' },
  chat: {
    padding: theme.spacing(2),
    height: '70vh',
    display: 'flex',
    flexDirection: 'column',
  },
}));

/** The "Chatbot" tab: conversations, the chat, and the documents it answers from. */
export function ChatbotContent() {
  const classes = useStyles();
  const { entity } = useEntity();
  const ref = getCompoundEntityRef(entity);
  const resourceRef = stringifyEntityRef(entity);
  const chat = usePermission({
    permission: llmChatbotChatPermission,
    resourceRef,
  });
  const manage = usePermission({
    permission: llmChatbotDocumentsManagePermission,
    resourceRef,
  });
  const conversations = useConversations(ref);
  const [selected, setSelected] = useState<string>();

  // Open the most recent conversation when the page (re)loads; never one
  // just deleted (the list still shows it until it reloads).
  const [deleted, setDeleted] = useState<string>();
  useEffect(() => {
    const first = conversations.value?.find(c => c.id !== deleted);
    if (!selected && first) setSelected(first.id);
  }, [selected, deleted, conversations.value]);

  const errorApi = useApi(errorApiRef);
  /** Runs a conversation action; a refusal is reported, never left unhandled. */
  const report =
    <A extends unknown[]>(action: (...args: A) => Promise<unknown>) =>
    (...args: A) => {
      action(...args).catch(error => errorApi.post(error));
    };

  const createAndSelect = report(async () => {
    const conversation = await conversations.create();
    setSelected(conversation.id);
  });

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={3}>
        <Paper className={classes.column}>
          <Typography variant="h6" component="h2" gutterBottom>
            Conversations
          </Typography>
          {conversations.loading && !conversations.value && <Progress />}
          {conversations.error && (
            <ErrorPanel
              error={conversations.error}
              title={`Could not load conversations: ${conversations.error.message}`}
            />
          )}
          <ConversationList
            conversations={conversations.value ?? []}
            selectedId={selected}
            disabled={!chat.allowed}
            onSelect={setSelected}
            onCreate={createAndSelect}
            onRename={report(conversations.rename)}
            onDelete={report(async (id: string) => {
              await conversations.remove(id);
              if (id === selected) {
                setDeleted(id);
                setSelected(undefined);
              }
            })}
          />
        </Paper>
      </Grid>
      <Grid item xs={12} md={6}>
        <Paper className={classes.chat}>
          <Typography variant="h6" component="h2" gutterBottom>
            Chat
          </Typography>
          <ChatPanel
            entity={ref}
            conversationId={selected}
            canChat={chat.allowed}
            onAnswered={conversations.reload}
            denialReason={
              chat.loading
                ? undefined
                : 'You lack the llm-chatbot.chat permission on this chatbot.'
            }
          />
        </Paper>
      </Grid>
      <Grid item xs={12} md={3}>
        <Paper className={classes.column}>
          <Typography variant="h6" component="h2" gutterBottom>
            Knowledge
          </Typography>
          <DocumentsPanel
            entity={ref}
            canManage={manage.allowed}
            manageDenialReason={
              manage.loading
                ? undefined
                : "Only the chatbot's owners may upload and delete documents (llm-chatbot.documents.manage)."
            }
          />
        </Paper>
        {/* The pods that serve this chat and where to look when it misbehaves. */}
        <Paper
          className={classes.column}
          style={{ marginTop: 16, height: 'auto' }}
        >
          <PodsSection entity={entity} />
          <LinksSection entity={entity} />
        </Paper>
      </Grid>
    </Grid>
  );
}
