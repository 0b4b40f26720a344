using System.Text.Json.Serialization;
using Casto.Relay.Demo;
using Casto.WebRtc.Echo;

namespace Casto.Cli.Commands;

/// <summary>The records the tool prints, serialised by generated code (camelCase), so the tool publishes with NativeAOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebRtcEchoReport))]
[JsonSerializable(typeof(DemoStart))]
[JsonSerializable(typeof(DemoViewerStatus))]
[JsonSerializable(typeof(DemoTreeStatus))]
[JsonSerializable(typeof(DemoChaosEvent))]
internal sealed partial class CliJson : JsonSerializerContext;
