// Runs inside the page (Chromium): one RTCPeerConnection that POSTs its non-trickle offer to a webrtc-echoes server
// and reports getStats after `seconds`. mode "echo": sends the fake camera and expects it back; mode "recv": receive only.
// Exposed as window.castoEcho({ url, mode, seconds, audio }) → a JSON-able result.
window.castoEcho = async ({ url, mode, seconds, audio }) => {
  const pc = new RTCPeerConnection({ iceServers: [] })
  let firstFrameMs = null
  if (mode === 'echo') {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 30 }, audio: !!audio })
    for (const track of stream.getTracks()) pc.addTrack(track, stream)
  } else {
    pc.addTransceiver('video', { direction: 'recvonly' })
  }
  const tracks = []
  pc.ontrack = (e) => tracks.push(e.track.kind)
  const t0 = performance.now() // offer → first decoded frame
  await pc.setLocalDescription(await pc.createOffer())
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((resolve) => {
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve() }
      setTimeout(resolve, 3000)
    })
  }
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pc.localDescription) })
  const answer = await response.json()
  if (!response.ok) return { error: answer }
  await pc.setRemoteDescription(answer)
  const deadline = performance.now() + seconds * 1000
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
    if (firstFrameMs === null) {
      for (const s of (await pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) firstFrameMs = performance.now() - t0
      }
    }
  }
  const stats = { inbound: {}, outbound: {} }
  for (const s of (await pc.getStats()).values()) {
    if (s.type === 'inbound-rtp') stats.inbound[s.kind] = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, framesDecoded: s.framesDecoded, framesReceived: s.framesReceived, keyFramesDecoded: s.keyFramesDecoded, nackCount: s.nackCount, pliCount: s.pliCount, codec: s.codecId }
    if (s.type === 'outbound-rtp') stats.outbound[s.kind] = { packetsSent: s.packetsSent, framesEncoded: s.framesEncoded, nackCount: s.nackCount, pliCount: s.pliCount }
  }
  const result = { connectionState: pc.connectionState, tracks, firstFrameMs, stats, answerSdp: answer.sdp }
  pc.close()
  return result
}

// Server role: answer an offer (non-trickle) and echo every received track back on its own transceiver.
// window.castoAnswer(offerInit) → answerInit; window.castoStats() → the same stats shape as castoEcho.
window.castoAnswer = async (offer) => {
  const pc = new RTCPeerConnection({ iceServers: [] })
  window.castoPc = pc
  pc.ontrack = (e) => {
    e.transceiver.direction = 'sendrecv'
    e.transceiver.sender.replaceTrack(e.track)
  }
  await pc.setRemoteDescription(offer)
  await pc.setLocalDescription(await pc.createAnswer())
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((resolve) => {
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve() }
      setTimeout(resolve, 3000)
    })
  }
  return { type: 'answer', sdp: pc.localDescription.sdp }
}

window.castoStats = async () => {
  const pc = window.castoPc
  const stats = { connectionState: pc?.connectionState, inbound: {}, outbound: {} }
  if (!pc) return stats
  for (const s of (await pc.getStats()).values()) {
    if (s.type === 'inbound-rtp') stats.inbound[s.kind] = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, framesDecoded: s.framesDecoded, framesReceived: s.framesReceived, keyFramesDecoded: s.keyFramesDecoded, nackCount: s.nackCount, pliCount: s.pliCount }
    if (s.type === 'outbound-rtp') stats.outbound[s.kind] = { packetsSent: s.packetsSent, framesEncoded: s.framesEncoded, nackCount: s.nackCount, pliCount: s.pliCount }
  }
  return stats
}
