/*
 * The portal backend: create-app's plugins plus the events bus, started only
 * after the configuration has every value it cannot run without.
 */

import { createBackend } from '@backstage/backend-defaults';
import { ConfigSources } from '@backstage/config-loader';
import {
  findMissingConfig,
  formatMissingConfig,
} from './config/requiredConfig';
import { llmChatbotPolicyModule } from './permissions/llmChatbotPolicyModule';

async function assertRequiredConfig() {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({ watch: false }),
  );
  config.close();
  const missing = findMissingConfig(config);
  if (missing.length > 0) {
    process.stderr.write(`${formatMissingConfig(missing)}\n`);
    process.exit(1);
  }
}

function createPortalBackend() {
  const backend = createBackend();

  backend.add(import('@backstage/plugin-app-backend'));
  backend.add(import('@backstage/plugin-proxy-backend'));
  backend.add(import('@backstage/plugin-events-backend'));

  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
  backend.add(
    import('@backstage/plugin-scaffolder-backend-module-notifications'),
  );
  // The create-chatbot template's actions: GKE, Helm, Jenkins, catalog.
  backend.add(import('@internal/plugin-scaffolder-backend-module-llm-chatbot'));

  backend.add(import('@backstage/plugin-techdocs-backend'));

  // Guest sign-in locally; Google sign-in in production (see app-config.*.yaml).
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-auth-backend-module-google-provider'));

  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  );
  backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

  backend.add(import('@backstage/plugin-permission-backend'));
  // Chat for everyone signed in; documents and pipeline for the owners.
  backend.add(llmChatbotPolicyModule);

  backend.add(import('@internal/plugin-llm-chatbot-backend'));

  backend.add(import('@backstage/plugin-search-backend'));
  backend.add(import('@backstage/plugin-search-backend-module-pg'));
  backend.add(import('@backstage/plugin-search-backend-module-catalog'));
  backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

  backend.add(import('@backstage/plugin-kubernetes-backend'));
  backend.add(import('@backstage/plugin-user-settings-backend'));
  backend.add(import('@backstage/plugin-notifications-backend'));
  backend.add(import('@backstage/plugin-signals-backend'));
  backend.add(import('@backstage/plugin-mcp-actions-backend'));

  return backend;
}

assertRequiredConfig()
  .then(() => createPortalBackend().start())
  .catch(error => {
    process.stderr.write(`Backstage failed to start: ${error}\n`);
    process.exit(1);
  });
