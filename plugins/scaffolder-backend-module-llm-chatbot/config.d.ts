export interface Config {
  llmChatbot?: {
    /** The create-chatbot template's actions (plugins/scaffolder-backend-module-llm-chatbot). */
    scaffolder?: {
      /**
       * The templates that may run the actions acting with the portal's
       * credentials (gke:cluster:ensure, helm:release:upgrade,
       * kubernetes:secret:ensure, jenkins:job:ensure, jenkins:build:trigger).
       * Anyone may register a Template; only these may use them. Default
       * [template:default/create-chatbot].
       */
      templates?: string[];
      google?: {
        /**
         * A service account key (JSON) for GKE, IAM and the clusters' API.
         * Unset: Application Default Credentials (Workload Identity when
         * the portal runs on GKE). Never taken from the form.
         * @visibility secret
         */
        credentials?: string;
        /**
         * The GCP projects the template may create clusters in and deploy
         * to, e.g. the one the Kubernetes plugin watches (GKE_PROJECT_ID).
         * The form names one; any other is refused before a call is made,
         * since the steps act with the portal's credentials and place its
         * Secrets there. Unset: none.
         */
        projects?: string[];
      };
      gke?: {
        /** How often to poll a running GKE operation, in seconds. Default 10. */
        operationPollSeconds?: number;
      };
      helm?: {
        /** The helm binary. Default "helm" on PATH. */
        binary?: string;
      };
      jenkins?: {
        /**
         * Usage-restricted Kubernetes clouds that the folders jenkins:job:ensure
         * creates may use. Default ["chatbots-delivery"], the cloud holding the
         * build and deploy pod templates in helm/jenkins/jenkins.values.yaml.
         */
        permittedClouds?: string[];
      };
      /**
       * Secrets the template may place in a cluster, by name, e.g.
       * jenkins-admin, grafana-admin, chatbot-portal-token, github-clone.
       * Templates name one; values never pass through forms or logs.
       */
      clusterSecrets?: {
        [name: string]: {
          /** Namespace it goes in (created when absent). */
          namespace: string;
          /** The Secret's type. Default Opaque; kubernetes.io/tls for a certificate (keys tls.crt, tls.key). */
          type?: string;
          /** Labels, e.g. jenkins.io/credentials-type for the Jenkins credentials provider. */
          labels?: { [key: string]: string };
          /** Annotations, e.g. jenkins.io/credentials-description. */
          annotations?: { [key: string]: string };
          /**
           * Its keys and values.
           * @visibility secret
           */
          data: { [key: string]: string };
        };
      };
    };
  };
}
