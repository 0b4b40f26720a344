"""aiortc 1.4 as a WHIP publisher and a WHEP subscriber of a Casto node, for the forwarding interop test.

python3 aiortc_whip.py BASE [--stream live] [--seconds N]
  publishes green VideoStreamTrack frames (VP8) with WHIP (POST BASE/whip/STREAM, application/sdp, non-trickle),
  subscribes with WHEP (POST BASE/whep/STREAM, recvonly), counts the frames decoded for N seconds, DELETEs both
  resources and prints one JSON line.
Loopback only: aioice is patched to gather 127.0.0.1 (run inside `unshare -n` with only lo up).
"""
import argparse
import asyncio
import json
import time
import urllib.request
from urllib.parse import urljoin

import aioice.ice

aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack  # noqa: E402


def request(method, url, body=None):
    req = urllib.request.Request(url, data=body.encode() if body is not None else None, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/sdp")
    with urllib.request.urlopen(req, timeout=20) as res:
        return res.status, res.headers.get("Location"), res.read().decode()


async def negotiate(pc, url):
    await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers before returning (non-trickle)
    status, location, answer = await asyncio.get_running_loop().run_in_executor(None, request, "POST", url, pc.localDescription.sdp)
    if status != 201:
        raise RuntimeError(f"{url} answered {status}")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return urljoin(url, location)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--stream", default="live")
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    config = RTCConfiguration(iceServers=[])

    publisher = RTCPeerConnection(config)
    publisher.addTransceiver(VideoStreamTrack(), direction="sendonly")
    published = await negotiate(publisher, f"{args.base}/whip/{args.stream}")
    await asyncio.sleep(1)

    subscriber = RTCPeerConnection(config)
    subscriber.addTransceiver("video", direction="recvonly")
    counter = {"frames": 0, "size": None, "first_frame_s": None}
    t0 = time.monotonic()
    tasks = []

    async def count(track):
        try:
            while True:
                frame = await track.recv()
                counter["frames"] += 1
                counter["size"] = [frame.width, frame.height]
                if counter["first_frame_s"] is None:
                    counter["first_frame_s"] = round(time.monotonic() - t0, 3)
        except Exception:  # track ended
            pass

    @subscriber.on("track")
    def on_track(track):
        if track.kind == "video":
            tasks.append(asyncio.ensure_future(count(track)))

    watched = await negotiate(subscriber, f"{args.base}/whep/{args.stream}")
    await asyncio.sleep(args.seconds)
    result = {
        "publisher": publisher.connectionState,
        "subscriber": subscriber.connectionState,
        "framesReceived": counter["frames"],
        "size": counter["size"],
        "firstFrameSeconds": counter["first_frame_s"],
    }
    loop = asyncio.get_running_loop()
    result["deleteWhep"] = (await loop.run_in_executor(None, request, "DELETE", watched))[0]
    result["deleteWhip"] = (await loop.run_in_executor(None, request, "DELETE", published))[0]
    await subscriber.close()
    await publisher.close()
    for t in tasks:
        t.cancel()
    print(json.dumps(result), flush=True)


asyncio.run(main())
