import { unsafeFormValues } from './unsafeFormValues';

describe('unsafeFormValues', () => {
  it('finds secrets by their value and env entries named like one, whatever the key', () => {
    expect(
      unsafeFormValues({
        env: [
          { name: 'OPENAI_API_KEY', value: 'anything' },
          { name: 'LOG_LEVEL', value: 'info' },
        ],
        databaseUrl: 'postgres://chatbot:hunter22@10.0.0.3/chatbot',
        tls: { cert: '-----BEGIN RSA PRIVATE KEY-----\nMIIE' },
        headers: { Authorization: 'Bearer abcdefgh12345678' },
        config: 'model: x\nkey: sk-abcdefghijklmnopqrstuvwx',
        auth: 'user:pass',
      }),
    ).toEqual([
      "env.0: OPENAI_API_KEY given a value (a secret's name)",
      'databaseUrl: a URL with a password',
      'tls.cert: a private key',
      'headers.Authorization: a bearer token',
      'config: an API key',
    ]);
  });

  it('finds what escalates a pod or adds RBAC objects, at any depth', () => {
    expect(
      unsafeFormValues({
        hostNetwork: true,
        securityContext: { privileged: true },
        controller: { initScripts: { x: 'Jenkins.instance' } },
        extraObjects: [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
          },
        ],
      }),
    ).toEqual([
      'hostNetwork: escalates a pod or adds to the chart',
      'securityContext.privileged: escalates a pod or adds to the chart',
      'controller.initScripts: escalates a pod or adds to the chart',
      'extraObjects: escalates a pod or adds to the chart',
      'extraObjects.0: a ClusterRoleBinding',
    ]);
  });

  it("passes what the template's own steps send", () => {
    expect(
      unsafeFormValues({
        grafana: {
          ingress: {
            hosts: ['grafana.example.com'],
            tls: [
              { secretName: 'grafana-tls', hosts: ['grafana.example.com'] },
            ],
          },
        },
        controller: {
          jenkinsUrl: 'https://jenkins.example.com',
          ingress: { hostName: 'jenkins.example.com' },
        },
        existingSecret: 'chatbot-env',
        env: [{ name: 'LLM_MODEL', value: 'qwen' }],
      }),
    ).toEqual([]);
  });
});
