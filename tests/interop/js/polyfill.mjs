// Loaded with `node --import ./polyfill.mjs` before any js-libp2p module (Node 20 lacks Promise.withResolvers).
import { WebSocket as WsSocket } from 'ws'

if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = () => {
    const out = {}
    out.promise = new Promise((resolve, reject) => { out.resolve = resolve; out.reject = reject })
    return out
  }
}

globalThis.WebSocket ??= WsSocket
