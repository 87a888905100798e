namespace Arrakis.IoBypass.Block;

/// <summary>Per-write options.</summary>
[Flags]
public enum BlockWriteFlags
{
    None = 0,

    /// <summary>Force unit access: durable when it completes, without a flush (where <see cref="IQueuePair.HasFua"/>).</summary>
    Fua = 1,
}
