"""aiortc 1.4 as a webrtc-echoes peer (client or server) for Casto's interop tests.

client: python3 aiortc_echo.py client URL [--mode echo|recv] [--seconds N]
        offers (non-trickle), POSTs to URL, sends green VideoStreamTrack frames (mode echo), counts frames received.
server: python3 aiortc_echo.py server [--port 0]
        prints {"url": ...}; answers POST /offer and echoes every received track (MediaRelay), prints a report per
        session when it ends. Stops on SIGTERM or stdin EOF.
Loopback only: aioice is patched to gather 127.0.0.1 (run inside `unshare -n` with only lo up).
"""
import argparse
import asyncio
import json
import signal
import sys
import time
import urllib.request

import aioice.ice

aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack  # noqa: E402
from aiortc.contrib.media import MediaRelay  # noqa: E402


def config():
    return RTCConfiguration(iceServers=[])


async def count_frames(track, counter):
    try:
        while True:
            frame = await track.recv()
            counter["frames"] += 1
            counter["size"] = [frame.width, frame.height]
            if counter["first_frame_s"] is None:
                counter["first_frame_s"] = time.monotonic() - counter["t0"]
    except Exception:  # track ended (MediaStreamError) or connection closed
        pass


async def run_client(url, mode, seconds):
    pc = RTCPeerConnection(config())
    counter = {"frames": 0, "size": None, "first_frame_s": None, "t0": time.monotonic()}
    tasks = []

    @pc.on("track")
    def on_track(track):
        if track.kind == "video":
            tasks.append(asyncio.ensure_future(count_frames(track, counter)))

    if mode == "echo":
        pc.addTrack(VideoStreamTrack())
    else:
        pc.addTransceiver("video", direction="recvonly")
    counter["t0"] = time.monotonic()
    await pc.setLocalDescription(await pc.createOffer())
    body = json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}).encode()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    reply = await asyncio.get_running_loop().run_in_executor(None, lambda: urllib.request.urlopen(request, timeout=30).read())
    answer = json.loads(reply)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
    await asyncio.sleep(seconds)
    state = pc.connectionState
    await pc.close()
    for t in tasks:
        t.cancel()
    first = counter["first_frame_s"]
    print(json.dumps({"connectionState": state, "framesReceived": counter["frames"], "size": counter["size"],
                      "firstFrameMs": None if first is None else round(first * 1000, 1)}), flush=True)


async def run_server(port):
    relay = MediaRelay()
    sessions = set()
    number = 0

    async def handle(reader, writer):
        nonlocal number
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.decode("latin-1").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length > 65536:
                raise ValueError("offer too large")
            offer = json.loads(await reader.readexactly(length))
            pc = RTCPeerConnection(config())
            number += 1
            report = {"session": number, "tracks": [], "framesEchoed": 0}
            sessions.add(pc)

            @pc.on("track")
            def on_track(track):
                report["tracks"].append(track.kind)
                pc.addTrack(relay.subscribe(track))

            @pc.on("connectionstatechange")
            async def on_state():
                report["state"] = pc.connectionState
                if pc.connectionState in ("failed", "closed"):
                    print(json.dumps(report), flush=True)
                    sessions.discard(pc)
                    await pc.close()

            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type=offer["type"]))
            await pc.setLocalDescription(await pc.createAnswer())
            body = json.dumps({"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}).encode()
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body) + body)
        except Exception as e:  # bad request: answer 400 and carry on
            body = json.dumps({"error": str(e)}).encode()
            writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print(json.dumps({"url": "http://127.0.0.1:%d/offer" % server.sockets[0].getsockname()[1]}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_reader(sys.stdin, lambda: stop.set() if not sys.stdin.readline() else None)
    await stop.wait()
    for pc in list(sessions):
        await pc.close()
    server.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["client", "server"])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--mode", default="echo", choices=["echo", "recv"])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.role == "client":
        asyncio.run(run_client(args.url, args.mode, args.seconds))
    else:
        asyncio.run(run_server(args.port))


if __name__ == "__main__":
    main()
