import { Box, Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { chatbotLinks, readGrafanaConfig } from '../../links';

/** The Grafana dashboard, logs (Loki) and traces (Tempo) for this chatbot. */
export function LinksSection({ entity }: { entity: Entity }) {
  const grafana = readGrafanaConfig(useApi(configApiRef));
  return (
    <Box>
      <Typography variant="h6" component="h3">
        Monitoring
      </Typography>
      {grafana ? (
        <Box display="flex" style={{ gap: 16 }}>
          {(() => {
            const links = chatbotLinks(entity, grafana);
            return (
              <>
                <Link to={links.dashboard}>Dashboard</Link>
                <Link to={links.logs}>Logs</Link>
                <Link to={links.traces}>Traces</Link>
              </>
            );
          })()}
        </Box>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No Grafana is configured: add llmChatbot.grafana.baseUrl to
          app-config.
        </Typography>
      )}
    </Box>
  );
}
