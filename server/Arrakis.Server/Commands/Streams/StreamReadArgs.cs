namespace Arrakis.Server.Commands.Streams;

/// <summary>XREAD / XREADGROUP options as parsed.</summary>
internal sealed class StreamReadArgs
{
    /// <summary>Absolute deadline (monotonic ms), long.MaxValue forever, -1 without BLOCK.</summary>
    public long Deadline = -1;
    public long Count;
    public int StreamsArg;
    public int StreamCount;
    public bool NoAck;
    public byte[]? Group;
    public byte[]? Consumer;
}
