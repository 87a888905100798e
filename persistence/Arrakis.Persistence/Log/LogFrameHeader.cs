namespace Arrakis.Persistence.Log;

/// <summary>A frame header that passed its own checksum (see <see cref="LogFrame"/>).</summary>
internal readonly record struct LogFrameHeader(long FirstLsn, long DurableLsn, int Records, int PayloadLength, uint PayloadCrc)
{
    public long LastLsn => FirstLsn + Records - 1;

    public long Length => LogFrame.HeaderSize + (long)PayloadLength;
}
