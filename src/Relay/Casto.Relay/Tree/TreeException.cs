namespace Casto.Relay.Tree;

/// <summary>What went wrong in the tree.</summary>
public enum TreeError
{
    /// <summary>The peer broke the protocol (bad or out-of-order message, oversized frame).</summary>
    Protocol,

    /// <summary>The node does not carry the stream.</summary>
    NoStream,

    /// <summary>Taking that parent would make a cycle.</summary>
    Cycle,

    /// <summary>The node is closed or closing.</summary>
    Closed,
}

/// <summary>A tree failure with its <see cref="TreeError"/>.</summary>
public sealed class TreeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TreeException(TreeError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    /// <summary>The kind of failure.</summary>
    public TreeError Error { get; }
}
