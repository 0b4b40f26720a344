// Drives headless Chromium (playwright-core, /usr/bin/chromium) as a webrtc-echoes client against a server URL.
// Client: node chromium-echo.mjs --url http://127.0.0.1:PORT/offer [--mode echo|recv] [--seconds 5] [--audio]
//         prints one JSON line with the page's result.
// Server: node chromium-echo.mjs --serve  prints {"url":"http://127.0.0.1:PORT/offer"}; POST /offer is answered by the
//         page, which echoes every track; GET /stats returns the page's getStats summary; stops on stdin EOF.
// Meant to run inside `unshare -n` with only lo up.
import { launchChromium } from './chromium.mjs'
import http from 'node:http'
import { readFile } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { url: { type: 'string' }, mode: { type: 'string', default: 'echo' }, seconds: { type: 'string', default: '5' }, audio: { type: 'boolean', default: false }, serve: { type: 'boolean', default: false } } })
const here = dirname(fileURLToPath(import.meta.url))
const script = await readFile(join(here, 'browser-peer.js'), 'utf8')
const page = `<!doctype html><meta charset=utf-8><title>casto echo client</title><script>${script}</script>`
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page) })
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const chromium = await launchChromium()
const browser = chromium.browser
let exit = 0

async function serve (tab) {
  const api = http.createServer(async (req, res) => {
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-allow-headers', 'content-type')
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end()
      } else if (req.method === 'POST' && req.url === '/offer') {
        let body = ''
        for await (const chunk of req) body += chunk
        const answer = await tab.evaluate((o) => window.castoAnswer(o), JSON.parse(body))
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
      } else if (req.url === '/stats') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await tab.evaluate(() => window.castoStats())))
      } else {
        res.writeHead(404).end()
      }
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e) }))
    }
  })
  await new Promise((r) => api.listen(0, '127.0.0.1', r))
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${api.address().port}/offer` }) + '\n')
  process.stdin.resume()
  await new Promise((r) => process.stdin.on('end', r))
  process.stdout.write(JSON.stringify(await tab.evaluate(() => window.castoStats())) + '\n')
  api.close()
}
try {
  const tab = browser.pages()[0] ?? await browser.newPage()
  tab.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`))
  await tab.goto(`http://127.0.0.1:${server.address().port}/`)
  if (values.serve) {
    await serve(tab)
  } else {
    const result = await tab.evaluate((o) => window.castoEcho(o), { url: values.url, mode: values.mode, seconds: Number(values.seconds), audio: values.audio })
    process.stdout.write(JSON.stringify(result) + '\n')
  }
} catch (e) {
  process.stderr.write(String(e?.stack ?? e) + '\n')
  exit = 1
} finally {
  await chromium.close()
  server.close()
}
process.exit(exit)
