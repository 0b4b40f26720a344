package main

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v3"
)

// trackWait is how long a WHEP request waits for the publisher's track (the example blocks on localTrackChan).
const trackWait = 10 * time.Second

type server struct {
	api      *webrtc.API
	mu       sync.Mutex
	streams  map[string]*stream
	sessions map[string]*webrtc.PeerConnection // by Location path
}

func newServer(api *webrtc.API) *server {
	return &server{api: api, streams: map[string]*stream{}, sessions: map[string]*webrtc.PeerConnection{}}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || (parts[0] != "whip" && parts[0] != "whep") || parts[1] == "" {
		http.NotFound(w, r)
		return
	}
	switch {
	case len(parts) == 2 && r.Method == http.MethodPost:
		s.post(w, r, parts[0], parts[1])
	case len(parts) == 3 && r.Method == http.MethodDelete:
		s.delete(w, r)
	case len(parts) <= 3:
		w.Header().Set("Allow", map[bool]string{true: "POST", false: "DELETE"}[len(parts) == 2])
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	default:
		http.NotFound(w, r)
	}
}

func (s *server) post(w http.ResponseWriter, r *http.Request, kind, name string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	st := s.stream(name)
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}

	if kind == "whip" {
		// Allow us to receive 1 video track (the example's AddTransceiverFromKind) and forward it.
		if _, err = pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo); err == nil {
			pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { st.onTrack(pc, track) })
		}
	} else {
		select {
		case <-st.ready:
			err = addSubscriber(pc, st.localTrack)
		case <-time.After(trackWait):
			_ = pc.Close()
			http.Error(w, "stream has no published track", http.StatusServiceUnavailable)
			return
		}
	}
	if err != nil {
		_ = pc.Close()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}

	answer, err := answer(pc, string(body))
	if err != nil {
		_ = pc.Close()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}

	location := "/" + kind + "/" + name + "/" + newID()
	s.mu.Lock()
	s.sessions[location] = pc
	s.mu.Unlock()
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		if state == webrtc.PeerConnectionStateFailed || state == webrtc.PeerConnectionStateClosed {
			s.remove(location)
		}
	})

	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", location)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, answer)
}

// answer is the example's SetRemoteDescription, CreateAnswer, SetLocalDescription and wait for gathering (no trickle).
func answer(pc *webrtc.PeerConnection, offer string) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", err
	}
	gatherComplete := webrtc.GatheringCompletePromise(pc)
	if err = pc.SetLocalDescription(answer); err != nil {
		return "", err
	}
	<-gatherComplete
	return pc.LocalDescription().SDP, nil
}

func (s *server) delete(w http.ResponseWriter, r *http.Request) {
	pc := s.remove(r.URL.Path)
	if pc == nil {
		http.NotFound(w, r)
		return
	}
	if err := pc.Close(); err != nil {
		log.Println(err)
	}
	w.WriteHeader(http.StatusOK)
}

// remove forgets a session; a publisher's removal also forgets its stream (a new WHIP can publish again).
func (s *server) remove(location string) *webrtc.PeerConnection {
	s.mu.Lock()
	defer s.mu.Unlock()
	pc := s.sessions[location]
	delete(s.sessions, location)
	if pc != nil && strings.HasPrefix(location, "/whip/") {
		delete(s.streams, strings.Split(location, "/")[2])
	}
	return pc
}

func (s *server) stream(name string) *stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.streams[name]
	if st == nil {
		st = newStream()
		s.streams[name] = st
	}
	return st
}

func (s *server) closeAll() {
	s.mu.Lock()
	pcs := make([]*webrtc.PeerConnection, 0, len(s.sessions))
	for _, pc := range s.sessions {
		pcs = append(pcs, pc)
	}
	s.sessions = map[string]*webrtc.PeerConnection{}
	s.mu.Unlock()
	for _, pc := range pcs {
		_ = pc.Close()
	}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
