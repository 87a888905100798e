using System.Buffers;

namespace Arrakis.Server.Sessions;

/// <summary>
/// A connection's pending reply bytes: the writer appends at the end, the data-plane loop sends
/// from the front. Contiguous, grown by doubling, compacted when the front has been sent.
/// </summary>
/// <remarks>Owned by one data-plane thread.</remarks>
internal sealed class OutputBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 16 * 1024;
    private byte[] _buffer = SessionBuffers.Shared.Rent(InitialSize);
    private int _start;
    private int _end;

    /// <summary>Bytes written and not yet sent.</summary>
    public int Pending => _end - _start;

    /// <summary>Total capacity held (for CLIENT LIST omem / memory accounting).</summary>
    public int Capacity => _buffer.Length;

    public ReadOnlySpan<byte> PendingSpan => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Marks <paramref name="count"/> bytes from the front as sent.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
            if (_buffer.Length > 1024 * 1024) Shrink();
        }
    }

    /// <summary>Drops everything not yet sent (the connection is going away).</summary>
    public void Clear()
    {
        _start = _end = 0;
        if (_buffer.Length > InitialSize) Shrink();
    }

    private long _written;

    /// <summary>A position in the stream of bytes written so far (stays valid when the buffer is compacted or partly sent).</summary>
    public long Mark => _written;

    /// <summary>The stream position of the first byte not yet sent.</summary>
    public long SentPosition => _written - (_end - _start);

    /// <summary>Drops bytes written after <paramref name="mark"/> (a reply that must not be sent); bytes already sent stay sent.</summary>
    public void Truncate(long mark)
    {
        long drop = Math.Min(_written - mark, _end - _start);
        if (drop <= 0) return;
        _end -= (int)drop;
        _written -= drop;
    }

    public void Advance(int count)
    {
        _end += count;
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_end);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_end);
    }

    public void Release()
    {
        SessionBuffers.Shared.Return(_buffer);
        _buffer = Array.Empty<byte>();
        _start = _end = 0;
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 16) sizeHint = 16;
        if (_buffer.Length - _end >= sizeHint) return;
        int pending = _end - _start;
        if (_start > 0 && _buffer.Length - pending >= sizeHint && _start >= _buffer.Length / 2)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        }
        else
        {
            long size = Math.Max((long)_buffer.Length * 2, (long)pending + sizeHint);
            var bigger = SessionBuffers.Shared.Rent((int)Math.Min(size, Array.MaxLength));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, pending);
            if (_buffer.Length > 0) SessionBuffers.Shared.Return(_buffer);
            _buffer = bigger;
        }
        _start = 0;
        _end = pending;
    }

    private void Shrink()
    {
        int pending = _end - _start;
        var smaller = SessionBuffers.Shared.Rent(Math.Max(InitialSize, pending));
        Buffer.BlockCopy(_buffer, _start, smaller, 0, pending);
        SessionBuffers.Shared.Return(_buffer);
        _buffer = smaller;
        _start = 0;
        _end = pending;
    }
}
