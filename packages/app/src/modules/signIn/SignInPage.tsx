import { SignInPage as CoreSignInPage } from '@backstage/core-components';
import {
  configApiRef,
  googleAuthApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';

const googleProvider = {
  id: 'google-auth-provider',
  title: 'Google',
  message: 'Sign in with your Google Workspace account',
  apiRef: googleAuthApiRef,
};

/**
 * Guest sign-in for local development, Google sign-in in production.
 * `auth.environment` is the one auth key the frontend can read, and the
 * production config sets it, so the page follows whichever config is loaded.
 */
export function SignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const production =
    config.getOptionalString('auth.environment') === 'production';
  return (
    <CoreSignInPage
      {...props}
      providers={production ? [googleProvider] : ['guest']}
    />
  );
}
