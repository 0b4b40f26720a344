// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 (PLI), https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1 (FIR)
namespace Casto.WebRtc.Rtcp;

/// <summary>The peer asked for a key frame: PLI or FIR for <paramref name="MediaSsrc"/>.</summary>
/// <param name="MediaSsrc">The SSRC of the media the request is about (one of ours).</param>
/// <param name="IsFullIntraRequest">True for FIR, false for PLI.</param>
public readonly record struct KeyFrameRequest(uint MediaSsrc, bool IsFullIntraRequest);
