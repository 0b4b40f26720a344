namespace Casto.Sdk;

/// <summary>What the <see cref="CastoViewer"/> is doing.</summary>
public enum CastoViewerState
{
    /// <summary>Not started, or stopped.</summary>
    Stopped,

    /// <summary>Looking for the stream (first try, or again after it was not found or ended).</summary>
    Joining,

    /// <summary>Receiving frames.</summary>
    Watching,

    /// <summary>Gave up on an error that retrying cannot fix (bad options, port in use, key file); see <see cref="CastoViewer.LastError"/>.</summary>
    Failed,
}
