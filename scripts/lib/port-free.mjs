// Exit 0 when nothing listens on 127.0.0.1:<port>, 1 (naming the port) when
// something does: a server already there would answer the portal in place
// of the one about to start.
//   node scripts/lib/port-free.mjs 8080
import net from 'node:net';

const port = Number(process.argv[2]);
const server = net.createServer();
server.once('error', () => process.exit(1));
server.listen(port, '127.0.0.1', () => server.close(() => process.exit(0)));
