export interface Config {
  llmChatbot?: {
    /** Where the entity page links dashboards, logs and traces. */
    grafana?: {
      /**
       * Grafana's public URL; unset, the card says to add it.
       * @visibility frontend
       */
      baseUrl?: string;
      /**
       * The chatbot dashboard's uid. Default llm-chatbot (helm/monitoring).
       * @visibility frontend
       */
      dashboardUid?: string;
      /**
       * The Loki datasource uid. Default loki.
       * @visibility frontend
       */
      lokiDatasourceUid?: string;
      /**
       * The Tempo datasource uid. Default tempo.
       * @visibility frontend
       */
      tempoDatasourceUid?: string;
      /**
       * The chatbot service's OTEL_SERVICE_NAME. Default llm-chatbot.
       * @visibility frontend
       */
      traceServiceName?: string;
    };
  };
}
