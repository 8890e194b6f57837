import { spawn } from 'node:child_process';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { HelmError } from '../../errors';

/** The helm CLI, one process per call, killed when the task is cancelled. */
export class HelmCli {
  constructor(
    private readonly binary: string,
    private readonly env: Record<string, string>,
    private readonly logger: LoggerService,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Runs helm; resolves with stdout, rejects with stderr's last lines.
   * `quiet` keeps stderr out of the task log, for lookups whose failure is
   * an answer (history of a release not installed yet).
   */
  run(args: string[], options: { quiet?: boolean } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        env: { ...helmEnvironment(), ...this.env },
        signal: this.signal,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', chunk => {
        stdout += chunk;
      });
      child.stderr.on('data', chunk => {
        stderr += chunk;
        if (options.quiet) return;
        // helm writes progress and warnings on stderr: show them as they come.
        for (const line of String(chunk).split('\n')) {
          if (line.trim()) this.logger.info(`helm: ${line.trim()}`);
        }
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          reject(
            new HelmError(
              `helm is not installed on the portal backend ("${this.binary}" was not found): install helm 3 on its PATH, or set llmChatbot.scaffolder.helm.binary`,
            ),
          );
        } else if (error.name === 'AbortError') {
          reject(new HelmError(`helm ${args[0]} was stopped: task cancelled`));
        } else {
          reject(new HelmError(`helm ${args[0]} could not run`, error));
        }
      });
      child.on('close', code => {
        if (code === 0) {
          resolve(stdout);
          return;
        }
        const reason = stderr.trim().split('\n').slice(-3).join(' ');
        reject(
          new HelmError(
            `helm ${args.slice(0, 2).join(' ')} failed (exit ${code}): ${
              reason || 'no message'
            }`,
          ),
        );
      });
    });
  }
}

/**
 * What helm needs of the backend's environment: where to find things and
 * its own settings, never the backend's secrets (GitHub token, database
 * password…), which a chart's plugin or post-renderer could read.
 */
function helmEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        /^(PATH|HOME|TMPDIR|LANG|LC_\w+|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|SSL_CERT_(FILE|DIR)|HELM_\w+|XDG_\w+)$/.test(
          entry[0],
        ) &&
        // HELM_KUBEAPISERVER, HELM_KUBETOKEN…: they would override the
        // run's own kubeconfig (its cluster, its token).
        !entry[0].startsWith('HELM_KUBE'),
    ),
  );
}
