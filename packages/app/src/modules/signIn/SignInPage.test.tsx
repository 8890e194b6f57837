import { Suspense } from 'react';
import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SignInPage } from './SignInPage';

// core-components' SignInPage loads its translations lazily, so it needs a
// Suspense boundary of its own in a test.
function renderSignIn(auth: object = {}) {
  return renderInTestApp(
    <Suspense fallback="loading">
      <SignInPage onSignInSuccess={jest.fn()} />
    </Suspense>,
    {
      config: {
        app: { title: 'Test portal' },
        backend: { baseUrl: 'http://localhost:7007' },
        auth,
      },
    },
  );
}

describe('SignInPage', () => {
  it('offers guest sign-in when no production auth is configured', async () => {
    await renderSignIn();
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText('Google')).not.toBeInTheDocument();
  });

  it('offers only Google sign-in in production', async () => {
    await renderSignIn({ environment: 'production' });
    expect(await screen.findByText('Google')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  });
});
