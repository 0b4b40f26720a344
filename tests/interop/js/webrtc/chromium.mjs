// Headless Chromium 156 for the interop scripts: playwright-core on /usr/bin/chromium with the loopback WebRTC flags
// (../../../../shared/notes/reference-peers.md), a fresh profile directory, and close() that removes it.
import { chromium } from 'playwright-core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function launchChromium () {
  const userDataDir = await mkdtemp(join(tmpdir(), 'casto-chromium-'))
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-default-apps', '--disable-domain-reliability', '--no-pings', '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required']
  })
  return {
    browser,
    async close () {
      await browser.close()
      await rm(userDataDir, { recursive: true, force: true })
    }
  }
}
