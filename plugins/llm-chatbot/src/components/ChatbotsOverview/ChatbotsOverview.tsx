import useAsync from 'react-use/esm/useAsync';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { type Entity } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { useKubernetesObjects } from '@backstage/plugin-kubernetes-react';
import { LLM_CHATBOT_SERVICE_ANNOTATION } from '@internal/plugin-llm-chatbot-common';
import { summarizeClusters } from '../ChatbotOverviewCard/summarizeClusters';

/** "3/3 ready", "1/3 ready, CrashLoopBackOff", or why there is nothing to say. */
function Health({ entity }: { entity: Entity }) {
  const { kubernetesObjects, loading, error } = useKubernetesObjects(
    entity,
    30_000,
  );
  if (loading && !kubernetesObjects) return <>checking…</>;
  if (error) return <>health unknown: {error}</>;
  const clusters = summarizeClusters(kubernetesObjects ?? { items: [] });
  if (clusters.length === 0) return <>no cluster reports it</>;
  return (
    <>
      {clusters
        .map(c => {
          const trouble = Object.keys(c.phases).filter(p => p !== 'Running');
          return `${c.cluster}: ${c.ready}/${c.total} ready${
            trouble.length ? `, ${trouble.join(', ')}` : ''
          }`;
        })
        .join('; ')}
    </>
  );
}

/** The chatbots in the catalog, each with its pods' health: the home page's first card. */
export function ChatbotsOverview() {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(
    () =>
      catalogApi.getEntities({
        filter: {
          kind: 'Component',
          [`metadata.annotations.${LLM_CHATBOT_SERVICE_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
      }),
    [catalogApi],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.items.length) {
    return (
      <Typography color="textSecondary">
        No chatbots yet: a Component with the {LLM_CHATBOT_SERVICE_ANNOTATION}{' '}
        annotation appears here.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Chatbots">
      {value.items.map(entity => (
        <ListItem key={entity.metadata.uid ?? entity.metadata.name}>
          <ListItemText
            primary={<EntityRefLink entityRef={entity} />}
            secondary={<Health entity={entity} />}
          />
        </ListItem>
      ))}
    </List>
  );
}
