package main

import (
	"errors"
	"io"
	"log"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"
)

// rtcpPLIInterval is the broadcast example's: the publisher is asked for a keyframe every 3 s.
const rtcpPLIInterval = time.Second * 3

// stream is one published stream: the broadcast example's localTrack, ready once the publisher's track arrives.
type stream struct {
	once       sync.Once
	ready      chan struct{}
	localTrack *webrtc.TrackLocalStaticRTP
}

func newStream() *stream { return &stream{ready: make(chan struct{})} }

// onTrack is the broadcast example's OnTrack handler: a PLI ticker, one local track, and a read/write loop.
// Only the publisher's first remote video track is forwarded.
func (s *stream) onTrack(pc *webrtc.PeerConnection, remoteTrack *webrtc.TrackRemote) {
	if remoteTrack.Kind() != webrtc.RTPCodecTypeVideo {
		return
	}
	first := false
	s.once.Do(func() { first = true })
	if !first {
		return
	}

	// Send a PLI on an interval so that the publisher is pushing a keyframe every rtcpPLIInterval.
	done := make(chan struct{})
	defer close(done)
	go func() {
		ticker := time.NewTicker(rtcpPLIInterval)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				if err := pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(remoteTrack.SSRC())}}); err != nil {
					log.Println(err)
				}
			}
		}
	}()

	// Create a local track, all subscribers are fed via this track.
	localTrack, err := webrtc.NewTrackLocalStaticRTP(remoteTrack.Codec().RTPCodecCapability, "video", "pion")
	if err != nil {
		log.Println(err)
		return
	}
	s.localTrack = localTrack
	close(s.ready)

	// The example's Read + localTrack.Write, written as Read, Unmarshal, WriteRTP (what Write does inside).
	rtpBuf := make([]byte, 1400)
	packet := &rtp.Packet{}
	for {
		n, _, readErr := remoteTrack.Read(rtpBuf)
		if readErr != nil {
			return // the publisher went away (the example panics here)
		}
		if err = packet.Unmarshal(rtpBuf[:n]); err != nil {
			continue
		}
		// ErrClosedPipe means we don't have any subscribers, this is ok if no peers have connected yet.
		if err = localTrack.WriteRTP(packet); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			log.Println(err)
		}
	}
}

// addSubscriber is the example's loop body: AddTrack(localTrack) and read the sender's RTCP, which the
// interceptors (NACK responder, reports) need.
func addSubscriber(pc *webrtc.PeerConnection, localTrack *webrtc.TrackLocalStaticRTP) error {
	rtpSender, err := pc.AddTrack(localTrack)
	if err != nil {
		return err
	}
	go func() {
		rtcpBuf := make([]byte, 1500)
		for {
			if _, _, rtcpErr := rtpSender.Read(rtcpBuf); rtcpErr != nil {
				return
			}
		}
	}()
	return nil
}
