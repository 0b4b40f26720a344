// Command pion-forwarder is the Pion v3 reference forwarder for Casto's forwarder benchmark
// (bench/forwarder/run.sh). It is Pion's examples/broadcast behind WHIP/WHEP instead of base64 SDP on stdin:
// the publisher's first remote video track is forwarded through one TrackLocalStaticRTP to every subscriber,
// with the default interceptors (NACK generator/responder, RR/SR, TWCC) and the example's PLI every 3 s.
// It is a reference: keep it like the example, don't optimise it.
//
// HTTP (loopback only):
//
//	POST   /whip/{stream}       publisher offer (application/sdp) -> 201 answer, Location: /whip/{stream}/{id}
//	POST   /whep/{stream}       subscriber recvonly offer         -> 201 sendonly answer, Location: /whep/{stream}/{id}
//	DELETE /whip|whep/{stream}/{id}  closes that peer connection
//
// Prints {"http":"127.0.0.1:PORT","pid":N} once listening; exits on SIGINT/SIGTERM. -srtp gcm offers only
// AEAD_AES_128_GCM (Casto's DTLS server otherwise picks AES_CM_128_HMAC_SHA1_80, which costs Pion more CPU).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("http", "127.0.0.1:0", "HTTP listen address (loopback only)")
	srtp := flag.String("srtp", "default", "DTLS-SRTP profiles offered: default (GCM and AES_CM_128_HMAC_SHA1_80) or gcm (GCM only)")
	flag.Parse()
	if *srtp != "default" && *srtp != "gcm" {
		log.Fatalf("-srtp must be default or gcm, got %q", *srtp)
	}

	host, _, err := net.SplitHostPort(*addr)
	if err != nil || host != "127.0.0.1" {
		log.Fatalf("-http must be 127.0.0.1:PORT, got %q", *addr)
	}

	api, err := newAPI(*srtp == "gcm")
	if err != nil {
		log.Fatal(err)
	}

	listener, err := net.Listen("tcp4", *addr)
	if err != nil {
		log.Fatal(err)
	}

	srv := newServer(api)
	start, _ := json.Marshal(map[string]interface{}{"http": listener.Addr().String(), "pid": os.Getpid()})
	fmt.Println(string(start))

	go func() {
		if serveErr := http.Serve(listener, srv); serveErr != nil && !errors.Is(serveErr, net.ErrClosed) {
			log.Fatal(serveErr)
		}
	}()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	_ = listener.Close()
	srv.closeAll()
}
