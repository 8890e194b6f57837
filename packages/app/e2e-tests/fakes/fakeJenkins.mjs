// A Jenkins fake for the browser e2e, the gateway process test and the UI
// benchmark: crumbs tied to a session cookie, the demo-chatbot folder job,
// queue items that become builds 101, 102, …, and the job's latest builds.
// Plain HTTP on loopback. Run: node fakeJenkins.mjs (FAKE_JENKINS_PORT, default 6480).
import http from 'node:http';

export const FAKE_JENKINS_USER = 'portal';
export const FAKE_JENKINS_TOKEN = 'e2e-jenkins-token';

export function startFakeJenkins({ port = 0, host = '127.0.0.1' } = {}) {
  let nextBuild = 101;
  const queue = new Map();
  /** Each build request as it arrived: its crumb and session cookie. */
  const requests = [];
  const auth = `Basic ${Buffer.from(
    `${FAKE_JENKINS_USER}:${FAKE_JENKINS_TOKEN}`,
  ).toString('base64')}`;
  const server = http.createServer();
  const base = () => `http://${host}:${server.address().port}`;
  const build = (number, result, minutesAgo) => ({
    number,
    result,
    building: result === null,
    timestamp: Date.now() - minutesAgo * 60_000,
    duration: result === null ? 0 : 95_000,
    url: `${base()}/job/chatbots/job/demo-chatbot/${number}/`,
  });
  server.on('request', (req, res) => {
    const url = new URL(req.url, 'http://x');
    const json = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/json') return json(200, { mode: 'NORMAL' });
    if (req.headers.authorization !== auth)
      return json(401, { message: 'Unauthorized' });
    if (url.pathname === '/crumbIssuer/api/json') {
      return json(
        200,
        { crumb: 'e2e-crumb', crumbRequestField: 'Jenkins-Crumb' },
        { 'set-cookie': 'JSESSIONID.e2e=session; Path=/; HttpOnly' },
      );
    }
    if (url.pathname === '/job/chatbots/job/demo-chatbot/api/json') {
      const started = [...queue.values()].reverse().map(n => build(n, null, 0));
      return json(200, {
        builds: [
          ...started,
          build(100, 'SUCCESS', 60),
          build(99, 'FAILURE', 120),
        ].slice(0, 5),
      });
    }
    if (
      req.method === 'POST' &&
      url.pathname === '/job/chatbots/job/demo-chatbot/build'
    ) {
      requests.push({
        crumb: req.headers['jenkins-crumb'],
        cookie: req.headers.cookie,
      });
      if (
        req.headers['jenkins-crumb'] !== 'e2e-crumb' ||
        req.headers.cookie !== 'JSESSIONID.e2e=session'
      ) {
        return json(403, {
          message: 'No valid crumb was included in the request',
        });
      }
      const id = queue.size + 1;
      queue.set(id, nextBuild++);
      res.writeHead(201, { location: `${base()}/queue/item/${id}/` });
      return res.end();
    }
    const item = url.pathname.match(/^\/queue\/item\/(\d+)\/api\/json$/);
    if (item && queue.has(Number(item[1]))) {
      const number = queue.get(Number(item[1]));
      return json(200, {
        id: Number(item[1]),
        executable: { number, url: build(number, null, 0).url },
      });
    }
    return json(404, { message: 'Not Found' });
  });
  return new Promise(resolve =>
    server.listen(port, host, () =>
      resolve({
        server,
        requests,
        url: base(),
        close: () => new Promise(r => server.close(r)),
      }),
    ),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeJenkins({
    port: Number(process.env.FAKE_JENKINS_PORT ?? 6480),
  });
  process.stdout.write(`fake Jenkins on ${fake.url}\n`);
}
