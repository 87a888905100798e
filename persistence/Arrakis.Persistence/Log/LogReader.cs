using System.Buffers.Binary;
using Arrakis.IoBypass.Block;
using Arrakis.Protocol;

namespace Arrakis.Persistence.Log;

/// <summary>
/// Recovery: reads frames from a start offset, checks each (header checksum, expected LSN, payload
/// checksum, record layout) and hands every record of a whole valid frame to the caller, in LSN
/// order. Stops at the first frame that is not valid and says why: never-written space (clean), a
/// torn write that was never durable (cut it), or damage to data a later frame knew was durable
/// (corruption: the caller refuses to start unless told otherwise).
/// </summary>
/// <remarks>Startup and tools only: waits for the device. Never throws for any content.</remarks>
public sealed class LogReader
{
    private readonly DeviceWindow _window;
    private readonly long _regionEnd;

    public LogReader(IQueuePair device, long regionEnd = -1, int chunkBytes = 1 << 20)
    {
        _regionEnd = regionEnd < 0 ? device.Capacity : Math.Min(regionEnd, device.Capacity);
        _window = new DeviceWindow(device, chunkBytes);
    }

    /// <summary>Reads from <paramref name="startOffset"/>, expecting <paramref name="firstLsn"/> first, calling <paramref name="apply"/> per record.</summary>
    public LogReadResult Read(long startOffset, long firstLsn, Action<LogRecord> apply)
    {
        long offset = startOffset, expected = firstLsn, records = 0, frames = 0;
        Span<byte> header = stackalloc byte[LogFrame.HeaderSize];
        while (true)
        {
            if (offset + LogFrame.HeaderSize > _regionEnd)
                return new(LogReadStatus.Clean, offset, expected, records, frames, 0, $"log region ends at offset {offset}");
            int r = _window.Read(offset, header);
            if (r < 0) return DeviceError(offset, expected, records, frames, r);
            if (!LogFrame.TryReadHeader(header, out var h) || h.FirstLsn != expected || offset + h.Length > _regionEnd)
            {
                // Zeros from here on: the end. Anything else (a torn frame, or unflushed writes that landed
                // behind a lost one) is damage to classify.
                if (header.IndexOfAnyExcept((byte)0) < 0 && NonZeroExtent(offset) == 0)
                    return new(LogReadStatus.Clean, offset, expected, records, frames, 0, $"end of log at offset {offset}, next LSN {expected}");
                return Damaged(offset, expected, records, frames, "an unreadable frame header");
            }
            var payload = new byte[h.PayloadLength];
            r = _window.Read(offset + LogFrame.HeaderSize, payload);
            if (r < 0) return DeviceError(offset, expected, records, frames, r);
            if (Crc32C.Compute(payload) != h.PayloadCrc)
                return Damaged(offset, expected, records, frames, $"a frame of {h.Length} bytes (LSN {h.FirstLsn}..{h.LastLsn}) that fails its checksum", h.Length);
            var parsed = ParseRecords(payload, h.Records, expected);
            if (parsed is null)
                return new(LogReadStatus.Corrupt, offset, expected, records, frames, Math.Max(h.Length, NonZeroExtent(offset)),
                    $"frame at offset {offset} (LSN {h.FirstLsn}) passes its checksum but holds malformed records");
            foreach (var record in parsed) apply(record);
            records += parsed.Count;
            frames++;
            expected += h.Records;
            offset += h.Length;
        }
    }

    /// <summary>True when a frame header with a valid checksum lies at <paramref name="offset"/> (any LSN): a log was written there.</summary>
    public bool HoldsFrameAt(long offset)
    {
        Span<byte> header = stackalloc byte[LogFrame.HeaderSize];
        return offset + LogFrame.HeaderSize <= _regionEnd && _window.Read(offset, header) >= 0 && LogFrame.TryReadHeader(header, out _);
    }

    private LogReadResult DeviceError(long offset, long expected, long records, long frames, int errno) =>
        new(LogReadStatus.DeviceError, offset, expected, records, frames, 0, $"read failed at offset {offset}: {BlockErrno.Describe(errno)}");

    /// <summary>A frame at <paramref name="offset"/> is bad: corruption if a later valid frame knew it durable, else a torn tail.</summary>
    private LogReadResult Damaged(long offset, long expected, long records, long frames, string what, long knownLength = 0)
    {
        var later = FindLaterFrame(offset + Math.Max(knownLength, 1), expected);
        if (later is { } l)
            return new(LogReadStatus.Corrupt, offset, expected, records, frames, Math.Max(l.Offset - offset, NonZeroExtent(offset)),
                $"{what} at offset {offset} where LSN {expected} was expected, but the frame at offset {l.Offset} (LSN {l.Header.FirstLsn}) records that LSN {l.Header.DurableLsn} was durable");
        long damaged = Math.Max(Math.Max(knownLength, NonZeroExtent(offset)), 1);
        return new(LogReadStatus.TornTail, offset, expected, records, frames, damaged,
            $"{what} at offset {offset} where LSN {expected} was expected: a write that was never durable; {damaged} bytes to cut");
    }

    /// <summary>
    /// A whole valid frame after <paramref name="from"/> (header and payload checksums, a later LSN) that
    /// says LSN <paramref name="expected"/> was already durable. A header alone is not enough: a value a
    /// client stored may contain bytes that look like one.
    /// </summary>
    private (long Offset, LogFrameHeader Header)? FindLaterFrame(long from, long expected)
    {
        var chunk = new byte[1 << 20];
        Span<byte> header = stackalloc byte[LogFrame.HeaderSize];
        for (long pos = from; pos + LogFrame.HeaderSize <= _regionEnd;)
        {
            int len = (int)Math.Min(chunk.Length, _regionEnd - pos);
            if (_window.Read(pos, chunk.AsSpan(0, len)) < 0) return null;
            var span = chunk.AsSpan(0, len);
            int at = 0;
            while (true)
            {
                int i = span[at..].IndexOf("ARKL"u8);
                if (i < 0) break;
                at += i;
                if (pos + at + LogFrame.HeaderSize <= _regionEnd && _window.Read(pos + at, header) >= 0
                    && LogFrame.TryReadHeader(header, out var h) && h.DurableLsn >= expected && h.FirstLsn > expected
                    && PayloadValid(pos + at, h))
                    return (pos + at, h);
                at++;
            }
            if (len < chunk.Length) break;
            pos += len - (LogFrame.HeaderSize - 1);
        }
        return null;
    }

    private bool PayloadValid(long offset, LogFrameHeader h)
    {
        if (offset + h.Length > _regionEnd) return false;
        var payload = new byte[h.PayloadLength];
        return _window.Read(offset + LogFrame.HeaderSize, payload) >= 0 && Crc32C.Compute(payload) == h.PayloadCrc;
    }

    /// <summary>
    /// Bytes from <paramref name="offset"/> to the end of the last non-zero block after it: what torn or
    /// unflushed writes left (writes are sequential, so their remains lie together; the scan stops after
    /// 64 MiB of zeros). 0 when there is nothing but zeros.
    /// </summary>
    private long NonZeroExtent(long offset)
    {
        const long GiveUpAfterZeros = 64L << 20;
        var chunk = new byte[1 << 20];
        long lastNonZeroEnd = offset;
        long start = offset / 4096 * 4096;
        for (long pos = start; pos < _regionEnd && pos - lastNonZeroEnd < GiveUpAfterZeros;)
        {
            int len = (int)Math.Min(chunk.Length, _regionEnd - pos);
            if (_window.Read(pos, chunk.AsSpan(0, len)) < 0) break;
            int last = chunk.AsSpan(0, len).LastIndexOfAnyExcept((byte)0);
            if (last >= 0 && pos + last >= offset) lastNonZeroEnd = Math.Max(lastNonZeroEnd, pos + last + 1);
            pos += len;
        }
        return lastNonZeroEnd - offset;
    }

    /// <summary>The records of a frame, or null when its layout is malformed.</summary>
    private static List<LogRecord>? ParseRecords(byte[] payload, int count, long firstLsn)
    {
        var result = new List<LogRecord>(count);
        var reader = new RequestReader(new RequestLimits { MaxBulkLength = long.MaxValue });
        var args = new RequestArguments();
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            if (payload.Length - at < 8) return null;
            int length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at));
            if (length < 4 || length > payload.Length - at - 4) return null;
            var body = payload.AsSpan(at + 4, length);
            int commands = BinaryPrimitives.ReadInt32LittleEndian(body);
            if (commands < 0 || commands > length / 3) return null;
            var list = new List<LogCommand>(commands);
            int p = 4;
            for (int c = 0; c < commands; c++)
            {
                if (body.Length - p < 3) return null;
                int db = BinaryPrimitives.ReadUInt16LittleEndian(body[p..]);
                p += 2;
                reader.Reset();
                var status = reader.TryRead(body[p..], args, out int consumed);
                if (status != RespParseStatus.Done || args.IsInline || args.Count == 0) return null;
                var argv = new byte[args.Count][];
                for (int k = 0; k < argv.Length; k++) argv[k] = body.Slice(p + args.OffsetOf(k), args.LengthOf(k)).ToArray();
                list.Add(new LogCommand(db, argv));
                p += consumed;
            }
            if (p != body.Length) return null;
            result.Add(new LogRecord(firstLsn + i, list));
            at += 4 + length;
        }
        return at == payload.Length ? result : null;
    }
}
