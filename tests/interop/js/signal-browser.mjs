// Headless Chromium runs examples/web/signal-client.js against a Casto signal server:
// node signal-browser.mjs SERVER_MULTIADDR ROOM
// The page registers with a WebCrypto Ed25519 key, joins ROOM, sends "hello from the browser" to the first member,
// waits for one signal back, and prints {"peerId","members","reply"} as one JSON line.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const [server, room] = process.argv.slice(2)
const web = fileURLToPath(new URL('../../../examples/web/', import.meta.url))
// The page comes from a loopback HTTP server (127.0.0.1 is a secure context, so WebCrypto is available, and
// Chromium's local-network-access checks allow a loopback page to open a loopback WebSocket).
const http = createServer(async (req, res) => {
  const name = req.url === '/signal-client.js' ? 'signal-client.js' : null
  res.writeHead(200, { 'content-type': name ? 'text/javascript' : 'text/html' })
  res.end(name ? await readFile(web + name, 'utf8') : '<!doctype html><title>signal test</title>')
})
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${http.address().port}`
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
})
try {
  const page = await browser.newPage()
  await page.goto(`${origin}/blank.html`)
  const result = await page.evaluate(async ({ server, room, origin }) => {
    const { createIdentity, SignalClient, toUrl } = await import(`${origin}/signal-client.js`)
    const identity = await createIdentity()
    const client = await SignalClient.connect(toUrl(server), identity)
    const members = await client.join(room, ['/ip4/127.0.0.1/udp/9/webrtc-direct'])
    const reply = new Promise((resolve) => client.addEventListener('signal', (e) => resolve(e.detail), { once: true }))
    await client.send(members[0].peerId, 'opaque', 'hello from the browser')
    let unknown = null
    try {
      await client.send('12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA', 'opaque', 'x')
    } catch (e) {
      unknown = e.code
    }
    const got = await reply
    client.close()
    return { peerId: identity.peerId, members: members.map((m) => m.peerId), reply: got, unknown }
  }, { server, room, origin })
  console.log(JSON.stringify(result))
} finally {
  await browser.close()
  http.close()
}
