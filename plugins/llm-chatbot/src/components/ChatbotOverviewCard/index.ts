export { ChatbotOverviewCard } from './ChatbotOverviewCard';
