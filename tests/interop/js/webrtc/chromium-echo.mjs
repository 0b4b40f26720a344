// Drives headless Chromium (playwright-core, /usr/bin/chromium) as a webrtc-echoes client against a server URL.
// Usage: node chromium-echo.mjs --url http://127.0.0.1:PORT/offer [--mode echo|recv] [--seconds 5] [--audio]
// Prints one JSON line with the page's result. Meant to run inside `unshare -n` with only lo up.
import { chromium } from 'playwright-core'
import http from 'node:http'
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { url: { type: 'string' }, mode: { type: 'string', default: 'echo' }, seconds: { type: 'string', default: '5' }, audio: { type: 'boolean', default: false } } })
const here = dirname(fileURLToPath(import.meta.url))
const script = await readFile(join(here, 'browser-peer.js'), 'utf8')
const page = `<!doctype html><meta charset=utf-8><title>casto echo client</title><script>${script}</script>`
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page) })
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const userDataDir = await mkdtemp(join(tmpdir(), 'casto-chromium-'))
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-default-apps', '--disable-domain-reliability', '--no-pings', '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required']
})
let exit = 0
try {
  const tab = browser.pages()[0] ?? await browser.newPage()
  tab.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`))
  await tab.goto(`http://127.0.0.1:${server.address().port}/`)
  const result = await tab.evaluate((o) => window.castoEcho(o), { url: values.url, mode: values.mode, seconds: Number(values.seconds), audio: values.audio })
  process.stdout.write(JSON.stringify(result) + '\n')
} catch (e) {
  process.stderr.write(String(e?.stack ?? e) + '\n')
  exit = 1
} finally {
  await browser.close()
  server.close()
  await rm(userDataDir, { recursive: true, force: true })
}
process.exit(exit)
