// A Jenkins fake for the browser e2e: crumbs tied to a session cookie, the
// demo-chatbot folder job, and queue items that become builds 101, 102, …
// Plain HTTP on loopback. Run: node fakeJenkins.mjs (FAKE_JENKINS_PORT, default 6480).
import http from 'node:http';

export function startFakeJenkins({ port = 0, host = '127.0.0.1' } = {}) {
  let nextBuild = 101;
  const queue = new Map();
  const auth = `Basic ${Buffer.from('portal:e2e-jenkins-token').toString(
    'base64',
  )}`;
  const server = http.createServer((req, res) => {
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
    const build = url.pathname.match(
      /^\/job\/chatbots\/job\/demo-chatbot\/build$/,
    );
    if (req.method === 'POST' && build) {
      if (
        req.headers['jenkins-crumb'] !== 'e2e-crumb' ||
        !req.headers.cookie?.includes('JSESSIONID.e2e=session')
      ) {
        return json(403, {
          message: 'No valid crumb was included in the request',
        });
      }
      const id = queue.size + 1;
      queue.set(id, nextBuild++);
      res.writeHead(201, {
        location: `http://${host}:${server.address().port}/queue/item/${id}/`,
      });
      return res.end();
    }
    const item = url.pathname.match(/^\/queue\/item\/(\d+)\/api\/json$/);
    if (item && queue.has(Number(item[1]))) {
      const number = queue.get(Number(item[1]));
      return json(200, {
        id: Number(item[1]),
        executable: {
          number,
          url: `http://${host}:${
            server.address().port
          }/job/chatbots/job/demo-chatbot/${number}/`,
        },
      });
    }
    return json(404, { message: 'Not Found' });
  });
  return new Promise(resolve =>
    server.listen(port, host, () =>
      resolve({
        server,
        url: `http://${host}:${server.address().port}`,
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
