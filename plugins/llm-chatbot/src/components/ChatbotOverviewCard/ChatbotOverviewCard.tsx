import { Divider } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { LinksSection } from './LinksSection';
import { PipelineSection } from './PipelineSection';
import { PodsSection } from './PodsSection';

/** The overview card: is the chatbot healthy, where are its dashboards, how is its pipeline. */
export function ChatbotOverviewCard() {
  const { entity } = useEntity();
  return (
    <InfoCard title="Chatbot">
      <PodsSection entity={entity} />
      <Divider style={{ margin: '12px 0' }} />
      <LinksSection entity={entity} />
      <Divider style={{ margin: '12px 0' }} />
      <PipelineSection entity={entity} />
    </InfoCard>
  );
}
