using System.Buffers.Binary;

namespace Arrakis.IoBypass.Nic.Middleware;

/// <summary>
/// Wraps a NIC queue and writes every frame it receives and transmits to a capture in the classic
/// libpcap format (LINKTYPE_ETHERNET, microsecond timestamps), which tcpdump, tshark and Wireshark
/// open. Frames are written when they pass (received: in RxBurst; sent: when TxBurst takes them); the
/// stream is flushed at each <see cref="Flush"/> and on Dispose (which also disposes the inner queue
/// and, when it was given ownership, the stream).
/// </summary>
/// <remarks>One owning thread, as every <see cref="INicQueue"/>. The clock is injected (Unix microseconds).</remarks>
public sealed class PcapWriter : NicQueueMiddleware
{
    private const uint Magic = 0xA1B2C3D4;
    private const int LinkTypeEthernet = 1;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Func<long> _unixMicroseconds;
    private readonly byte[] _record = new byte[16];

    public PcapWriter(INicQueue inner, Stream stream, bool ownsStream = true, int snapLength = 65535, Func<long>? unixMicroseconds = null)
        : base(inner)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        SnapLength = snapLength;
        _unixMicroseconds = unixMicroseconds ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2); // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], snapLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], LinkTypeEthernet);
        _stream.Write(header);
    }

    public int SnapLength { get; }

    /// <summary>Frames written so far.</summary>
    public long Frames { get; private set; }

    public override string Name => $"pcap({Inner.Name})";

    public override int RxBurst(Span<PacketBuffer> frames)
    {
        int n = Inner.RxBurst(frames);
        for (int i = 0; i < n; i++) Write(frames[i]);
        return n;
    }

    public override int TxBurst(ReadOnlySpan<PacketBuffer> frames)
    {
        // Written before handing over: once taken, the buffer is the queue's (and may be reused).
        long now = _unixMicroseconds();
        foreach (var f in frames) Write(f, now);
        return Inner.TxBurst(frames);
    }

    public override void Flush()
    {
        _stream.Flush();
        Inner.Flush();
    }

    private void Write(PacketBuffer frame) => Write(frame, _unixMicroseconds());

    private void Write(PacketBuffer frame, long unixMicroseconds)
    {
        int captured = Math.Min(frame.Length, SnapLength);
        var r = _record.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)(unixMicroseconds / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(r[4..], (uint)(unixMicroseconds % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(r[8..], captured);
        BinaryPrimitives.WriteInt32LittleEndian(r[12..], frame.Length);
        _stream.Write(r);
        _stream.Write(Inner.Data(frame)[..captured]);
        Frames++;
    }

    public override void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
        base.Dispose();
    }
}
