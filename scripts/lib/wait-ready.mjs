// Waits until the chatbot service started as process `pid` answers
// {"status":"ready"} on its /readyz: exit 0 when it does, 1 when the
// process died first or 60 s passed.
//   node scripts/lib/wait-ready.mjs http://127.0.0.1:8080/readyz 1234
const [url, pid] = process.argv.slice(2);
const alive = () => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};
const deadline = Date.now() + 60_000;
while (Date.now() < deadline && alive()) {
  const ready = await fetch(url, { signal: AbortSignal.timeout(2000) })
    .then(res => res.json())
    .then(body => body?.status === 'ready')
    .catch(() => false);
  if (ready) process.exit(0);
  await new Promise(resolve => setTimeout(resolve, 250));
}
process.exit(1);
