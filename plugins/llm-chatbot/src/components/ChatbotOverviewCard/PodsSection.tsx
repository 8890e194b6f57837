import { Box, Chip, Typography } from '@material-ui/core';
import { Progress, WarningPanel } from '@backstage/core-components';
import type { Entity } from '@backstage/catalog-model';
import { useKubernetesObjects } from '@backstage/plugin-kubernetes-react';
import {
  KUBERNETES_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION,
} from '@backstage/plugin-kubernetes-common';
import { summarizeClusters, type ClusterSummary } from './summarizeClusters';

function Cluster({ summary }: { summary: ClusterSummary }) {
  return (
    <Box mb={1} data-testid="cluster-summary">
      <Typography variant="subtitle2">
        {summary.cluster}: {summary.ready}/{summary.total} pods ready
        {summary.restarts > 0 ? `, ${summary.restarts} restarts` : ''}
      </Typography>
      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }} my={0.5}>
        {Object.entries(summary.phases).map(([phase, n]) => (
          <Chip
            key={phase}
            size="small"
            label={`${phase}: ${n}`}
            color={phase === 'Running' ? 'primary' : 'secondary'}
            variant={phase === 'Running' ? 'outlined' : 'default'}
          />
        ))}
      </Box>
      {summary.imageTag && (
        <Typography variant="body2">
          Image <code>{summary.imageTag}</code>
          {summary.deployedAt
            ? `, deployed ${new Date(summary.deployedAt).toLocaleString()}`
            : ''}
        </Typography>
      )}
      {summary.problems.map((p, i) => (
        <Typography key={i} variant="body2" color="error" role="alert">
          {p.sourceRef.kind} {p.sourceRef.name}: {p.message}
        </Typography>
      ))}
      {summary.fetchErrors.map((e, i) => (
        <Typography
          key={i}
          variant="caption"
          color="textSecondary"
          display="block"
        >
          {e}
        </Typography>
      ))}
    </Box>
  );
}

/** Ready/total, restarts, phases and warnings per cluster, through the Kubernetes plugin's API. */
export function PodsSection({ entity }: { entity: Entity }) {
  const annotations = entity.metadata.annotations ?? {};
  const annotated =
    annotations[KUBERNETES_ANNOTATION] ||
    annotations[KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION];
  return (
    <Box>
      <Typography variant="h6" component="h3">
        Pods
      </Typography>
      {annotated ? (
        <PodsOf entity={entity} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No pods to show: add the {KUBERNETES_ANNOTATION} annotation (and{' '}
          {KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION}) to this entity.
        </Typography>
      )}
    </Box>
  );
}

function PodsOf({ entity }: { entity: Entity }) {
  const { kubernetesObjects, loading, error } = useKubernetesObjects(
    entity,
    10_000,
  );
  if (loading && !kubernetesObjects) return <Progress />;
  if (error) {
    return (
      <WarningPanel severity="error" title="Could not read the pods">
        {error}
      </WarningPanel>
    );
  }
  if (!kubernetesObjects || kubernetesObjects.items.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="no-cluster"
      >
        No Kubernetes cluster reports this chatbot: list the cluster it runs in
        under kubernetes.clusterLocatorMethods in app-config (locally, npm start
        lists none).
      </Typography>
    );
  }
  return (
    <>
      {summarizeClusters(kubernetesObjects).map(summary => (
        <Cluster key={summary.cluster} summary={summary} />
      ))}
    </>
  );
}
