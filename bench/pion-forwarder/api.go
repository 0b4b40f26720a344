package main

import (
	"net"

	"github.com/pion/dtls/v2"
	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v3"
)

// newAPI builds what webrtc.NewPeerConnection builds by default in the broadcast example (default codecs and
// default interceptors), plus a SettingEngine that keeps every candidate on 127.0.0.1/UDP4 with no mDNS.
// gcmOnly offers only AEAD_AES_128_GCM in DTLS-SRTP; by default Pion offers GCM and AES_CM_128_HMAC_SHA1_80 and
// the DTLS server (the WHIP/WHEP client, which offered actpass) picks.
func newAPI(gcmOnly bool) (*webrtc.API, error) {
	mediaEngine := &webrtc.MediaEngine{}
	if err := mediaEngine.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}

	// Same as NewPeerConnection: NACK generator/responder, RTCP sender/receiver reports, TWCC.
	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(mediaEngine, registry); err != nil {
		return nil, err
	}

	settings := webrtc.SettingEngine{}
	settings.SetIncludeLoopbackCandidate(true)
	settings.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	settings.SetIPFilter(func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) })
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if gcmOnly {
		settings.SetSRTPProtectionProfiles(dtls.SRTP_AEAD_AES_128_GCM)
	}

	return webrtc.NewAPI(
		webrtc.WithMediaEngine(mediaEngine),
		webrtc.WithInterceptorRegistry(registry),
		webrtc.WithSettingEngine(settings),
	), nil
}
