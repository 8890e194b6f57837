import { useState } from 'react';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JENKINS_JOB_ANNOTATION,
  llmChatbotPipelineRunPermission,
  type ChatbotPipelineRun,
} from '@internal/plugin-llm-chatbot-common';
import { llmChatbotApiRef } from '../../api';
import { useReloadable } from '../../hooks/useReloadable';

/** Runs the entity's Jenkins job through the gateway, for users who may. */
export function PipelineSection({ entity }: { entity: Entity }) {
  const api = useApi(llmChatbotApiRef);
  const job = entity.metadata.annotations?.[JENKINS_JOB_ANNOTATION];
  const permission = usePermission({
    permission: llmChatbotPipelineRunPermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const ref = getCompoundEntityRef(entity);
  const builds = useReloadable(
    async () => (job ? api.listBuilds(ref) : []),
    [api, job, ref.kind, ref.namespace, ref.name],
  );
  const [running, setRunning] = useState(false);
  const [run, setRun] = useState<ChatbotPipelineRun>();
  const [error, setError] = useState<string>();

  const trigger = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setRun(await api.runPipeline(ref));
      builds.retry();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Box>
      <Typography variant="h6" component="h3">
        Pipeline
      </Typography>
      {!job ? (
        <Typography variant="body2" color="textSecondary">
          No pipeline: add the {JENKINS_JOB_ANNOTATION} annotation
          (&lt;instance&gt;:&lt;folder/job&gt;).
        </Typography>
      ) : (
        <>
          <Typography variant="body2">
            Jenkins job <code>{job}</code>
          </Typography>
          <Box display="flex" alignItems="center" style={{ gap: 8 }} mt={1}>
            <Button
              variant="contained"
              color="primary"
              size="small"
              onClick={trigger}
              disabled={!permission.allowed || running}
            >
              {running ? 'Starting…' : 'Run pipeline'}
            </Button>
            {!permission.loading && !permission.allowed && (
              <Typography variant="caption" color="textSecondary">
                Only the chatbot&apos;s owners may run its pipeline
                (llm-chatbot.pipeline.run).
              </Typography>
            )}
          </Box>
          {builds.error && (
            <Typography variant="caption" color="textSecondary" display="block">
              Builds unavailable: {builds.error.message}
            </Typography>
          )}
          {builds.value && builds.value.length > 0 && (
            <List dense aria-label="Latest builds">
              {builds.value.map(b => (
                <ListItem key={b.number} disableGutters>
                  <ListItemText
                    primary={
                      <>
                        <Link to={b.url}>#{b.number}</Link>{' '}
                        {b.building
                          ? 'running'
                          : b.result?.toLowerCase() ?? 'unknown'}
                      </>
                    }
                    secondary={`${new Date(b.startedAt).toLocaleString()}${
                      b.building ? '' : `, ${Math.round(b.durationMs / 1000)} s`
                    }`}
                  />
                </ListItem>
              ))}
            </List>
          )}
          {run && (
            <Typography variant="body2" role="status">
              {run.buildNumber ? (
                <>
                  Started build{' '}
                  {run.buildUrl ? (
                    <Link to={run.buildUrl}>#{run.buildNumber}</Link>
                  ) : (
                    `#${run.buildNumber}`
                  )}
                </>
              ) : (
                'Queued in Jenkins; it has not started yet.'
              )}
            </Typography>
          )}
          {error && (
            <Typography variant="body2" color="error" role="alert">
              {error}
            </Typography>
          )}
        </>
      )}
    </Box>
  );
}
