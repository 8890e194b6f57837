import { escapeXml } from '@internal/plugin-llm-chatbot-node';

/** What a pipeline job needs: where its Jenkinsfile lives. */
export interface PipelineJobSpec {
  description: string;
  repoUrl: string;
  branch: string;
  scriptPath: string;
  /** A Jenkins credentials id for the clone; none for a public repository. */
  credentialsId?: string;
  /** How often Jenkins polls the branch for new commits (cron, H-hashed). */
  pollSchedule: string;
}

/**
 * The config.xml of a pipeline job that runs the repository's Jenkinsfile
 * from one branch (workflow-job + workflow-cps + git, all in the Jenkins
 * chart's default plugins). Only the named branch builds, so only reviewed
 * code reaches the deploy stages. Jenkins polls it for new commits, which
 * needs no webhook from GitHub into the cluster.
 */
export function pipelineJobXml(spec: PipelineJobSpec): string {
  const credentials = spec.credentialsId
    ? `<credentialsId>${escapeXml(spec.credentialsId)}</credentialsId>`
    : '';
  return `<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>${escapeXml(spec.description)}</description>
  <keepDependencies>false</keepDependencies>
  <properties>
    <org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
      <triggers>
        <hudson.triggers.SCMTrigger>
          <spec>${escapeXml(spec.pollSchedule)}</spec>
          <ignorePostCommitHooks>false</ignorePostCommitHooks>
        </hudson.triggers.SCMTrigger>
      </triggers>
    </org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
  </properties>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps">
    <scm class="hudson.plugins.git.GitSCM" plugin="git">
      <configVersion>2</configVersion>
      <userRemoteConfigs>
        <hudson.plugins.git.UserRemoteConfig>
          <url>${escapeXml(spec.repoUrl)}</url>${credentials}
        </hudson.plugins.git.UserRemoteConfig>
      </userRemoteConfigs>
      <branches>
        <hudson.plugins.git.BranchSpec><name>*/${escapeXml(
          spec.branch,
        )}</name></hudson.plugins.git.BranchSpec>
      </branches>
    </scm>
    <scriptPath>${escapeXml(spec.scriptPath)}</scriptPath>
    <lightweight>true</lightweight>
  </definition>
  <disabled>false</disabled>
</flow-definition>
`;
}

const XML_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/**
 * The repository a pipeline job's config builds (its first git remote), as
 * pipelineJobXml writes it and Jenkins keeps it; undefined for a job of
 * another shape.
 */
export function builtRepository(configXml: string): string | undefined {
  const url =
    /<hudson\.plugins\.git\.UserRemoteConfig>\s*<url>([^<]*)<\/url>/.exec(
      configXml,
    )?.[1];
  return url?.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => XML_ENTITIES[e]);
}

/** Two ways of writing one repository: host case, a trailing .git or slash. */
export function sameRepository(a: string, b: string): boolean {
  const key = (url: string) => {
    try {
      const u = new URL(url.trim());
      return `${u.protocol}//${u.host}${u.pathname
        .replace(/\/+$/, '')
        .replace(/\.git$/, '')}`.toLowerCase();
    } catch {
      return url.trim();
    }
  };
  return key(a) === key(b);
}
