import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import type { GoogleAuth } from 'google-auth-library';
import { createCatalogRegisterAction } from './actions/catalog/createCatalogRegisterAction';
import { createGkeClusterEnsureAction } from './actions/gke/createGkeClusterEnsureAction';
import { createGithubRepoFindAction } from './actions/github/createGithubRepoFindAction';
import { createHelmReleaseUpgradeAction } from './actions/helm/createHelmReleaseUpgradeAction';
import { createJenkinsBuildTriggerAction } from './actions/jenkins/createJenkinsBuildTriggerAction';
import { createJenkinsJobEnsureAction } from './actions/jenkins/createJenkinsJobEnsureAction';
import { jenkinsClientFactory } from './actions/jenkins/jenkinsInstances';
import { readClusterSecrets } from './actions/kubernetes/clusterSecrets';
import { createKubernetesSecretEnsureAction } from './actions/kubernetes/createKubernetesSecretEnsureAction';
import { createSourceFetchAction } from './actions/source/createSourceFetchAction';
import { createPlatformHostsAction } from './actions/platform/createPlatformHostsAction';
import {
  DEFAULT_TEMPLATES,
  onlyForTemplates,
} from './actions/onlyForTemplates';
import {
  accessTokenProvider,
  googleAuthFromConfig,
} from './google/credentials';
import { GkeClusters } from './google/GkeClusters';
import { clusterResolver } from './google/clusterAccess';
import { AllowedProjects } from './google/allowedProjects';
import { NodeServiceAccount } from './google/NodeServiceAccount';

/**
 * The create-chatbot template's actions: GKE, Helm, Kubernetes Secrets from
 * config, Jenkins, and the repository and catalog steps that make a re-run
 * safe.
 */
export const scaffolderModuleLlmChatbot = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'llm-chatbot',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        reader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, reader, catalog }) {
        const integrations = ScmIntegrations.fromConfig(config);
        // Read on first use: a portal with missing or malformed Google
        // credentials still starts, and only the steps that need them fail,
        // saying why.
        let auth: GoogleAuth | undefined;
        const googleAuth = () => (auth ??= googleAuthFromConfig(config));
        const accessToken = accessTokenProvider(googleAuth);
        const jenkins = jenkinsClientFactory(config);
        const projects = AllowedProjects.fromConfig(config);
        const clusters = clusterResolver(
          () => new GkeClusters(googleAuth()),
          projects,
        );
        const templates =
          config.getOptionalStringArray('llmChatbot.scaffolder.templates') ??
          DEFAULT_TEMPLATES;
        // Those acting with the portal's credentials run only from its templates.
        const privileged = [
          createGkeClusterEnsureAction({
            gke: () => new GkeClusters(googleAuth()),
            projects,
            serviceAccounts: new NodeServiceAccount({
              request: options => googleAuth().request(options),
            }),
            pollMs:
              (config.getOptionalNumber(
                'llmChatbot.scaffolder.gke.operationPollSeconds',
              ) ?? 10) * 1000,
          }),
          createHelmReleaseUpgradeAction({
            accessToken,
            clusters,
            helmBinary:
              config.getOptionalString('llmChatbot.scaffolder.helm.binary') ??
              'helm',
          }),
          createKubernetesSecretEnsureAction({
            accessToken,
            clusters,
            clusterSecrets: readClusterSecrets(config),
          }),
          createJenkinsJobEnsureAction({
            jenkins,
            permittedClouds: config.getOptionalStringArray(
              'llmChatbot.scaffolder.jenkins.permittedClouds',
            ) ?? ['chatbots-delivery'],
          }),
          createJenkinsBuildTriggerAction({ jenkins }),
        ].map(action => onlyForTemplates(action, templates));
        scaffolder.addActions(
          createSourceFetchAction({ reader, integrations }),
          createGithubRepoFindAction({ integrations }),
          ...privileged,
          createPlatformHostsAction({
            jenkins,
            grafanaBaseUrl: config.getOptionalString(
              'llmChatbot.grafana.baseUrl',
            ),
          }),
          createCatalogRegisterAction({ catalog, integrations }),
        );
      },
    });
  },
});
