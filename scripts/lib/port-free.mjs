// Exit 0 when nothing listens on <port> on any local address (IPv4 or
// IPv6: a development server on "localhost" may take ::1 only), 1 when
// something does, 2 when <port> is not a port number: a server already
// there would answer the portal in place of the one about to start.
//   node scripts/lib/port-free.mjs 8080
import net from 'node:net';

const port = Number(process.argv[2]);
if (!/^\d+$/.test(process.argv[2] ?? '') || port < 1 || port > 65535) {
  console.error(`"${process.argv[2]}" is not a port number`);
  process.exit(2);
}
// Something answering on either loopback address holds the port.
const answers = host =>
  new Promise(resolve => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
const held = (await answers('127.0.0.1')) || (await answers('::1'));
process.exit(held ? 1 : 0);
