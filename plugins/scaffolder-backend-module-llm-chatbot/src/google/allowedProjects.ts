import type { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';

const CONFIG_KEY = 'llmChatbot.scaffolder.google.projects';

/**
 * The GCP projects the template may create clusters in and deploy to. The
 * form names the project, and the steps act there with the portal's own
 * Google credentials and place its Secrets (GitHub, Jenkins and portal
 * tokens, the TLS key) in the cluster: a project named freely could be one
 * an outsider owns and reads. Empty (unset) allows none.
 */
export class AllowedProjects {
  static fromConfig(config: Config): AllowedProjects {
    return new AllowedProjects(config.getOptionalStringArray(CONFIG_KEY) ?? []);
  }

  constructor(private readonly projects: readonly string[]) {}

  /** Throws NotAllowedError, before any call, for a project not listed. */
  assert(project: string): void {
    if (this.projects.includes(project)) return;
    throw new NotAllowedError(
      this.projects.length
        ? `GCP project ${project} is not one the portal deploys to (${this.projects.join(
            ', ',
          )}); an administrator can add it to ${CONFIG_KEY}`
        : `no GCP project is open to the template yet: an administrator lists them in ${CONFIG_KEY}`,
    );
  }
}
