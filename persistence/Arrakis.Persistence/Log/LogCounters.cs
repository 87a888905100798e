namespace Arrakis.Persistence.Log;

/// <summary>What the log did, for INFO persistence. Written by the pumping thread, read racily.</summary>
public sealed class LogCounters
{
    public long Frames;
    public long Records;
    public long Writes;
    public long DurableWrites;
    public long Flushes;
    public long BytesWritten;
    public long FailedAtLsn;
}
