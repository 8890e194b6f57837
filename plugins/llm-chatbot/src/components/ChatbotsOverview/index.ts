export { ChatbotsOverview } from './ChatbotsOverview';
