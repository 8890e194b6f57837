export interface Config {
  /** The portal's gateway to the chatbot services (plugins/llm-chatbot-backend). */
  llmChatbot?: {
    /**
     * The chatbot services the portal may call, by name. An entity's
     * `llm-chatbot.io/service` annotation names one of these; the portal never
     * calls a URL taken from the catalog.
     */
    services?: {
      [name: string]: {
        /**
         * The service's base URL, e.g. http://127.0.0.1:8080 (the service's
         * /v1 API lives below it). `https://{collection}.chat.example.com`
         * serves every chatbot the create-chatbot template deploys under
         * that domain: the entity's collection (a DNS label) fills the first
         * label of the host.
         */
        baseUrl: string;
        /**
         * The service's CHATBOT_API_TOKEN, sent as a bearer token.
         * @visibility secret
         */
        token?: string;
        /**
         * The entities allowed to use this service, as entity refs
         * (component:default/demo-chatbot). Unset, any entity naming the
         * service reaches it, and any entity's owner can manage the
         * collection its annotation names: set it wherever the catalog
         * accepts entities from more than one team.
         */
        entities?: string[];
      };
    };
    /** Calls to a chatbot service that give no answer within this many ms end with 504. Default 30000. */
    requestTimeoutMs?: number;
    /** A chat stream silent for this many ms (no event, no heartbeat) ends with an error event. Default 120000. */
    streamIdleTimeoutMs?: number;
    /** A chat stream still open after this many ms, heartbeats or not, ends with an error event. Default 600000. */
    streamMaxMs?: number;
    /** An answer longer than this many characters is cut off with an error event (it is stored whole otherwise). Default 100000. */
    maxAnswerChars?: number;
    /** Uploads through the portal. */
    uploads?: {
      /** Largest PDF accepted, in MB. Default 25 (the service's MAX_UPLOAD_MB default). */
      maxFileMb?: number;
      /** Most PDFs in one upload. Default 10. */
      maxFiles?: number;
    };
    /** Questions one user may ask a minute, across entities. Default 30. */
    chatRateLimitPerMinute?: number;
    /**
     * How long "run pipeline" waits for Jenkins to turn the queue item into a
     * build number before answering with the queue item only. Default 20000.
     */
    pipelineQueueWaitMs?: number;
  };

  /**
   * The community Jenkins plugin's block, shared: "run pipeline" triggers
   * builds on these instances. The `jenkins.io/job-full-name` annotation
   * reads `<instance>:<folder/job>` (or `<folder/job>` for the default).
   */
  jenkins?: {
    /** The default instance's base URL. */
    baseUrl?: string;
    /** The default instance's user. */
    username?: string;
    /**
     * The default instance's API token.
     * @visibility secret
     */
    apiKey?: string;
    instances?: Array<{
      /** The instance name the annotation uses; `default` for the default. */
      name: string;
      baseUrl: string;
      username: string;
      /**
       * An API token of that user.
       * @visibility secret
       */
      apiKey: string;
    }>;
  };
}
