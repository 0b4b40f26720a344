// Headless Chromium (playwright-core, /usr/bin/chromium) as a WHIP publisher and a /watch viewer of a Casto node.
//   node chromium-whip.mjs --base http://127.0.0.1:PORT [--stream live] [--seconds 6]
// Tab 1 publishes the fake camera and microphone with WHIP (POST BASE/whip/STREAM, application/sdp, non-trickle) from
// another origin (so CORS preflight is exercised); tab 2 opens BASE/watch?stream=STREAM (the node's WHEP viewer page).
// Prints one JSON line: the publisher's state and outbound stats, the viewer's castoStats sampled twice.
// Meant to run inside `unshare -n` with only lo up.
import { launchChromium } from './chromium.mjs'
import http from 'node:http'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { base: { type: 'string' }, stream: { type: 'string', default: 'live' }, seconds: { type: 'string', default: '6' } } })
const publisherPage = `<!doctype html><meta charset=utf-8><title>casto whip publisher</title><script>
window.publish = async (url) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true })
  const pc = new RTCPeerConnection({ iceServers: [] })
  for (const t of media.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [media] })
  await pc.setLocalDescription(await pc.createOffer())
  await new Promise(r => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 2000) })
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp })
  if (res.status !== 201) throw new Error('WHIP answered ' + res.status + ': ' + await res.text())
  window.resource = new URL(res.headers.get('Location'), url).toString()
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() })
  window.pc = pc
  return window.resource
}
window.publisherStats = async () => {
  const out = { connectionState: window.pc.connectionState }
  ;(await window.pc.getStats()).forEach(r => { if (r.type === 'outbound-rtp') out[r.kind] = { packetsSent: r.packetsSent, framesEncoded: r.framesEncoded, nackCount: r.nackCount, pliCount: r.pliCount } })
  return out
}
</script>`
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(publisherPage) })
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const chromium = await launchChromium()
const browser = chromium.browser
let exit = 0
const sleep = (ms) => new Promise(r => setTimeout(r, ms))
try {
  const publisher = browser.pages()[0] ?? await browser.newPage()
  publisher.on('console', (m) => process.stderr.write(`[publisher] ${m.text()}\n`))
  await publisher.goto(`http://127.0.0.1:${server.address().port}/`)
  const resource = await publisher.evaluate((u) => window.publish(u), `${values.base}/whip/${values.stream}`)
  await sleep(1000)
  const viewer = await browser.newPage()
  viewer.on('console', (m) => process.stderr.write(`[viewer] ${m.text()}\n`))
  await viewer.goto(`${values.base}/watch?stream=${encodeURIComponent(values.stream)}`)
  const seconds = Number(values.seconds)
  await sleep(seconds * 500)
  const first = await viewer.evaluate(() => ({ ...window.castoStats }))
  await sleep(seconds * 500)
  const second = await viewer.evaluate(() => ({ ...window.castoStats }))
  const title = await viewer.title()
  const published = await publisher.evaluate(() => window.publisherStats())
  process.stdout.write(JSON.stringify({ resource, publisher: published, viewer: { title, first, second } }) + '\n')
} catch (e) {
  process.stderr.write(String(e?.stack ?? e) + '\n')
  exit = 1
} finally {
  await chromium.close()
  server.close()
}
process.exit(exit)
