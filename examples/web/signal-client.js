// Casto star signalling client for browsers (ES module, no dependencies).
// Spec: docs/signal-protocol.md — JSON text frames over WebSocket, registration signed with a libp2p Ed25519 key.
// Needs WebCrypto Ed25519 (Chromium ≥ 137, Firefox ≥ 129, Safari ≥ 17; Node ≥ 20 with a global WebSocket).

const AUTH_DOMAIN = 'casto-signal-auth/v1\n'
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function base58btc (bytes) {
  const digits = [0]
  for (const byte of bytes) {
    let carry = byte
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i] << 8
      digits[i] = carry % 58
      carry = (carry / 58) | 0
    }
    while (carry > 0) {
      digits.push(carry % 58)
      carry = (carry / 58) | 0
    }
  }
  let out = ''
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) out += '1'
  for (let i = digits.length - 1; i >= 0; i--) out += BASE58[digits[i]]
  return out
}

const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes))

/**
 * A new libp2p Ed25519 identity held by WebCrypto (the private key is not extractable).
 * publicKey is the protobuf PublicKey (Type=Ed25519, Data=32 bytes); peerId is its identity multihash in base58btc.
 */
export async function createIdentity () {
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey))
  const publicKey = new Uint8Array([0x08, 0x01, 0x12, 0x20, ...raw])
  const peerId = base58btc(new Uint8Array([0x00, publicKey.length, ...publicKey]))
  const sign = async (bytes) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, bytes))
  return { peerId, publicKey, sign }
}

/** ws:// URL of a signal server multiaddr such as /ip4/127.0.0.1/tcp/9090/ws/p2p-webrtc-star. */
export function toUrl (multiaddr) {
  const parts = multiaddr.split('/')
  const [, proto, host, tcp, port, ws] = parts
  if (tcp !== 'tcp' || (ws !== 'ws' && ws !== 'wss')) throw new Error(`not a signal address: ${multiaddr}`)
  const h = proto === 'ip6' ? `[${host}]` : host
  return `${ws}://${h}:${port}/`
}

export class SignalError extends Error {
  constructor (code, message) {
    super(`${code}: ${message ?? ''}`)
    this.code = code
  }
}

/**
 * A registered connection to a signal server. Events (CustomEvent, detail = the message):
 * 'peer-joined' {room, peerId, addrs}, 'peer-left' {room, peerId}, 'signal' {from, kind, data}, 'close' {code}.
 */
export class SignalClient extends EventTarget {
  #ws
  #nextId = 0
  #pending = new Map()

  constructor (ws, peerId) {
    super()
    this.#ws = ws
    this.peerId = peerId
  }

  /** Connects, answers the challenge with a signature, resolves once registered. */
  static connect (url, identity, { timeoutMs = 10000 } = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      const client = new SignalClient(ws, identity.peerId)
      const timer = setTimeout(() => { ws.close(); reject(new SignalError('timeout', 'no registration in time')) }, timeoutMs)
      let registered = false
      ws.onmessage = async (frame) => {
        const msg = JSON.parse(frame.data)
        if (registered) return client.#dispatch(msg)
        if (msg.type === 'challenge') {
          const payload = new TextEncoder().encode(AUTH_DOMAIN + msg.nonce + '\n' + msg.server)
          const signature = await identity.sign(payload)
          ws.send(JSON.stringify({
            type: 'register', nonce: msg.nonce, peerId: identity.peerId,
            publicKey: toBase64(identity.publicKey), signature: toBase64(signature)
          }))
        } else if (msg.type === 'registered') {
          registered = true
          clearTimeout(timer)
          resolve(client)
        } else if (msg.type === 'error') {
          clearTimeout(timer)
          reject(new SignalError(msg.code, msg.message))
        }
      }
      ws.onclose = (e) => {
        clearTimeout(timer)
        if (!registered) reject(new SignalError('connection-closed', e.reason))
        for (const { reject: fail } of client.#pending.values()) fail(new SignalError('connection-closed', e.reason))
        client.#pending.clear()
        client.dispatchEvent(new CustomEvent('close', { detail: { code: e.reason || 'closed' } }))
      }
      ws.onerror = () => {}
    })
  }

  #request (msg) {
    const id = ++this.#nextId
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#ws.send(JSON.stringify({ ...msg, id }))
    })
  }

  #dispatch (msg) {
    if (msg.type === 'ping') return this.#ws.send('{"type":"pong"}')
    if (msg.id !== undefined && this.#pending.has(msg.id)) {
      const { resolve, reject } = this.#pending.get(msg.id)
      this.#pending.delete(msg.id)
      return msg.type === 'error' ? reject(new SignalError(msg.code, msg.message)) : resolve(msg)
    }
    if (msg.type === 'peer-joined' || msg.type === 'peer-left' || msg.type === 'signal') {
      this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }))
    }
  }

  /** Joins a room advertising addrs (multiaddr strings); resolves with the other members [{peerId, addrs}]. */
  async join (room, addrs = []) {
    return (await this.#request({ type: 'join', room, addrs })).members
  }

  async leave (room) {
    await this.#request({ type: 'leave', room })
  }

  /** Relays data (a string ≤ 64 KiB) to a peer id; kind is 'offer', 'answer', 'candidate' or 'opaque'. */
  async send (to, kind, data) {
    await this.#request({ type: 'signal', to, kind, data })
  }

  close () {
    this.#ws.close(1000)
  }
}
