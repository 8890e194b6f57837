import {
  detectErrors,
  groupResponses,
  type DetectedError,
  type ObjectsByEntityResponse,
} from '@backstage/plugin-kubernetes-common';

/** What the card says about the chatbot in one cluster. */
export interface ClusterSummary {
  cluster: string;
  ready: number;
  total: number;
  restarts: number;
  phases: Record<string, number>;
  /** The image tag the pods run (the chatbot container's, else the first). */
  imageTag?: string;
  /** When the current ReplicaSet was created: the last rollout. */
  deployedAt?: string;
  problems: DetectedError[];
  /** The backend could not fetch some resources from this cluster. */
  fetchErrors: string[];
}

const tagOf = (image?: string) => {
  if (!image) return undefined;
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : 'latest';
};

/** Pods ready/total, restarts, phases, warnings and the running image, per cluster. */
export function summarizeClusters(
  objects: ObjectsByEntityResponse,
): ClusterSummary[] {
  const problems = detectErrors(objects);
  return objects.items.map(item => {
    const grouped = groupResponses(item.resources);
    const pods = grouped.pods;
    const phases: Record<string, number> = {};
    let ready = 0;
    let restarts = 0;
    for (const pod of pods) {
      const statuses = pod.status?.containerStatuses ?? [];
      const waiting = statuses.find(s => s.state?.waiting?.reason)?.state
        ?.waiting?.reason;
      const phase = waiting ?? pod.status?.phase ?? 'Unknown';
      phases[phase] = (phases[phase] ?? 0) + 1;
      if (statuses.length > 0 && statuses.every(s => s.ready)) ready++;
      restarts += statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
    }
    const containers = pods[0]?.spec?.containers ?? [];
    const image = (containers.find(c => c.name === 'chatbot') ?? containers[0])
      ?.image;
    const newest = [...grouped.replicaSets]
      .filter(rs => (rs.status?.replicas ?? 0) > 0)
      .map(rs => rs.metadata?.creationTimestamp)
      .filter(Boolean)
      .map(t => new Date(t as unknown as string).toISOString())
      .sort()
      .pop();
    return {
      cluster: item.cluster.title ?? item.cluster.name,
      ready,
      total: pods.length,
      restarts,
      phases,
      imageTag: tagOf(image),
      deployedAt: newest,
      problems: problems.get(item.cluster.name) ?? [],
      fetchErrors: item.errors.map(e =>
        'resourcePath' in e
          ? `${e.errorType} fetching ${e.resourcePath}`
          : `${e.errorType}`,
      ),
    };
  });
}
