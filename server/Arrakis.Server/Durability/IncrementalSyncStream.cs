namespace Arrakis.Server.Durability;

/// <summary>
/// A snapshot file written with a flush to disk every <see cref="SyncBytes"/> (Redis 7.0's rdb-save-incremental-fsync
/// and aof-rewrite-incremental-fsync, on by default there: 4 MB), so that the kernel never holds the whole file as
/// dirty pages to write back at the end, in one burst beside a serving data plane.
/// </summary>
internal sealed class IncrementalSyncStream(FileStream file) : Stream
{
    public const int SyncBytes = 4 * 1024 * 1024;
    private long _unsynced;

    /// <summary>Flushes to disk done so far (tests).</summary>
    public int Syncs { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        _unsynced += buffer.Length;
        if (_unsynced < SyncBytes) return;
        file.Flush(flushToDisk: true);
        _unsynced = 0;
        Syncs++;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => file.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => file.Length;
    public override long Position { get => file.Position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
