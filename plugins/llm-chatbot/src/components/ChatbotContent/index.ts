export { ChatbotContent } from './ChatbotContent';
