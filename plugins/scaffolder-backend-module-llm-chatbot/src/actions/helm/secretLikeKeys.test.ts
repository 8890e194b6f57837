import { findSecretLikeKeys } from './secretLikeKeys';

describe('findSecretLikeKeys', () => {
  it('finds keys that hold secrets, however they are spelled, at any depth', () => {
    expect(
      findSecretLikeKeys({
        controller: { admin: { password: 'x' } },
        hf: { token: 'x', 'api-key': 'x' },
        s3: { accessKey: 'x', secret_key: 'x', secret: 'x' },
        oauth: { clientSecret: 'x', privateKey: 'x' },
        gcp: { credentials: '{}' },
      }),
    ).toEqual([
      'controller.admin.password',
      'hf.token',
      'hf.api-key',
      's3.accessKey',
      's3.secret_key',
      's3.secret',
      'oauth.clientSecret',
      'oauth.privateKey',
      'gcp.credentials',
    ]);
  });

  it('leaves references to a Secret by name alone', () => {
    expect(
      findSecretLikeKeys({
        existingSecret: 'chatbot-env',
        hfTokenSecret: 'hf',
        secretName: 'tls',
        tokenSecretRef: { name: 'x' },
        model: { name: 'mistral', keySize: 4 },
      }),
    ).toEqual([]);
  });
});
