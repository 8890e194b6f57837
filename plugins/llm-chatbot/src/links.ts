import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';

/**
 * Defaults that match helm/monitoring: the dashboard's uid (llm-chatbot, in
 * chatbot-dashboard.yaml) and the Loki and Tempo datasource uids (loki,
 * tempo, in kube-prometheus-stack.values.yaml).
 */
export const GRAFANA_DEFAULTS = {
  dashboardUid: 'llm-chatbot',
  lokiDatasourceUid: 'loki',
  tempoDatasourceUid: 'tempo',
  /** The chatbot service's OTEL_SERVICE_NAME default. */
  traceServiceName: 'llm-chatbot',
};

export interface GrafanaConfig {
  baseUrl: string;
  dashboardUid: string;
  lokiDatasourceUid: string;
  tempoDatasourceUid: string;
  traceServiceName: string;
}

/** `llmChatbot.grafana` from the frontend config; undefined when baseUrl is not set. */
export function readGrafanaConfig(config: Config): GrafanaConfig | undefined {
  const grafana = config.getOptionalConfig('llmChatbot.grafana');
  const baseUrl = grafana?.getOptionalString('baseUrl');
  if (!grafana || !baseUrl) return undefined;
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    dashboardUid:
      grafana.getOptionalString('dashboardUid') ??
      GRAFANA_DEFAULTS.dashboardUid,
    lokiDatasourceUid:
      grafana.getOptionalString('lokiDatasourceUid') ??
      GRAFANA_DEFAULTS.lokiDatasourceUid,
    tempoDatasourceUid:
      grafana.getOptionalString('tempoDatasourceUid') ??
      GRAFANA_DEFAULTS.tempoDatasourceUid,
    traceServiceName:
      grafana.getOptionalString('traceServiceName') ??
      GRAFANA_DEFAULTS.traceServiceName,
  };
}

export interface ChatbotLinks {
  dashboard: string;
  logs: string;
  traces: string;
}

const explore = (
  base: string,
  datasource: string,
  query: Record<string, unknown>,
) =>
  `${base}/explore?orgId=1&left=${encodeURIComponent(
    JSON.stringify({
      datasource,
      queries: [{ refId: 'A', datasource: { uid: datasource }, ...query }],
      range: { from: 'now-1h', to: 'now' },
    }),
  )}`;

/**
 * Where the entity's dashboard, logs and traces are, from config and the
 * annotations the Kubernetes and Grafana plugins already read.
 */
export function chatbotLinks(
  entity: Entity,
  grafana: GrafanaConfig,
): ChatbotLinks {
  const annotations = entity.metadata.annotations ?? {};
  const namespace =
    annotations['backstage.io/kubernetes-namespace'] ?? 'default';
  const release =
    annotations['backstage.io/kubernetes-id'] ?? entity.metadata.name;
  const overview = annotations['grafana/overview-dashboard'];
  const dashboard =
    overview && /^https?:\/\//.test(overview)
      ? overview
      : `${grafana.baseUrl}/d/${encodeURIComponent(
          grafana.dashboardUid,
        )}?var-namespace=${encodeURIComponent(
          namespace,
        )}&var-service=${encodeURIComponent(release)}`;
  return {
    dashboard,
    logs: explore(grafana.baseUrl, grafana.lokiDatasourceUid, {
      expr: `{namespace="${namespace}", instance="${release}"}`,
    }),
    traces: explore(grafana.baseUrl, grafana.tempoDatasourceUid, {
      queryType: 'traceql',
      query: `{ resource.service.name = "${grafana.traceServiceName}" }`,
    }),
  };
}

/** One answer's trace in Tempo, through Grafana Explore. */
export function traceLink(grafana: GrafanaConfig, traceId: string): string {
  return explore(grafana.baseUrl, grafana.tempoDatasourceUid, {
    queryType: 'traceql',
    query: traceId,
  });
}
