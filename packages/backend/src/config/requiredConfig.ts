import { Config } from '@backstage/config';

/** A config value the backend cannot start without, and how it is usually set. */
export interface RequiredKey {
  key: string;
  env: string;
}

/**
 * Lists the required keys that are missing from the loaded configuration.
 *
 * Backstage drops a `${VAR}` whose variable is unset, so a production config
 * without POSTGRES_HOST would otherwise boot and retry connecting to
 * 127.0.0.1:5432 forever. Which keys are required depends on what the config
 * turns on: PostgreSQL, production sign-in, the GKE cluster locator.
 */
export function findMissingConfig(config: Config): RequiredKey[] {
  const required: RequiredKey[] = [
    { key: 'app.baseUrl', env: 'APP_BASE_URL' },
    { key: 'backend.baseUrl', env: 'BACKEND_BASE_URL' },
  ];

  if (config.getOptionalString('backend.database.client') === 'pg') {
    required.push(
      { key: 'backend.database.connection.host', env: 'POSTGRES_HOST' },
      { key: 'backend.database.connection.port', env: 'POSTGRES_PORT' },
      { key: 'backend.database.connection.user', env: 'POSTGRES_USER' },
      { key: 'backend.database.connection.password', env: 'POSTGRES_PASSWORD' },
    );
  }

  if (config.getOptionalString('auth.environment') === 'production') {
    required.push({ key: 'auth.session.secret', env: 'AUTH_SESSION_SECRET' });
    if (config.has('auth.providers.google')) {
      required.push(
        {
          key: 'auth.providers.google.production.clientId',
          env: 'AUTH_GOOGLE_CLIENT_ID',
        },
        {
          key: 'auth.providers.google.production.clientSecret',
          env: 'AUTH_GOOGLE_CLIENT_SECRET',
        },
      );
    }
  }

  const missing = required.filter(({ key }) => !hasValue(config, key));

  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  locators.forEach((locator, index) => {
    if (
      locator.getOptionalString('type') === 'gke' &&
      !hasValue(locator, 'projectId')
    ) {
      missing.push({
        key: `kubernetes.clusterLocatorMethods[${index}].projectId`,
        env: 'GKE_PROJECT_ID',
      });
    }
  });

  return missing;
}

// Reads the parent and then the leaf: ConfigReader throws on a dotted key when
// a lower config layer holds a scalar there, as app-config.yaml's
// `connection: ':memory:'` does under the production database object.
function hasValue(config: Config, key: string): boolean {
  const dot = key.lastIndexOf('.');
  const parent = dot < 0 ? undefined : config.getOptional(key.slice(0, dot));
  const value =
    dot < 0
      ? config.getOptional(key)
      : (parent as Record<string, unknown> | undefined)?.[key.slice(dot + 1)];
  return value !== undefined && value !== null && value !== '';
}

/** One line per missing key, naming the key and the variable that sets it. */
export function formatMissingConfig(missing: RequiredKey[]): string {
  const lines = missing.map(
    ({ key, env }) => `  - ${key} (set the environment variable ${env})`,
  );
  return [
    'Backstage cannot start: required configuration is missing.',
    ...lines,
    'See README.md#production-configuration for every variable.',
  ].join('\n');
}
