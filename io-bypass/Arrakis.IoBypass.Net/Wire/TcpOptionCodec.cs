using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// Reads and writes the TCP option list (RFC 9293 §3.1 "Options", §3.2 "Specific Option Definitions").
/// Reading never throws: every length is checked before it is used. Pure functions, any thread.
/// </summary>
internal static class TcpOptionCodec
{
    /// <summary>Option space: a 60-byte header minus the 20 fixed bytes.</summary>
    public const int MaximumLength = TcpSegment.MaximumHeaderLength - TcpSegment.MinimumHeaderLength;

    /// <summary>RFC 7323 §2.3: the largest shift; a larger received value is used as 14.</summary>
    public const byte MaximumWindowScale = 14;

    private const byte KindEnd = 0, KindNop = 1, KindMss = 2, KindWindowScale = 3, KindSackPermitted = 4, KindSack = 5, KindTimestamp = 8;
    private const int SackBlockLength = 8;

    /// <summary>
    /// Parses an option list. <see cref="WireStatus.BadOption"/> for an option whose length byte is
    /// missing, below 2, past the end of the list (RFC 9293 §3.2: "MUST be prepared to handle an illegal
    /// option length (e.g., zero)", MUST-7), or wrong for a known kind. Unknown kinds are skipped by
    /// their length (§3.2: MUST-6, ignore options it does not implement). End of option list stops the
    /// scan (§3.2: what follows is padding). A later duplicate of an option replaces the earlier one.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> list, out TcpOptions options)
    {
        options = default;
        var o = default(TcpOptions);
        int i = 0;
        while (i < list.Length)
        {
            byte kind = list[i];
            if (kind == KindEnd) break;
            if (kind == KindNop)
            {
                i++;
                continue;
            }
            if (i + 1 >= list.Length) return WireStatus.BadOption;
            int length = list[i + 1];
            if (length < 2 || length > list.Length - i) return WireStatus.BadOption;
            var body = list.Slice(i + 2, length - 2);
            switch (kind)
            {
                case KindMss: // RFC 9293 §3.2: kind 2, length 4, 16-bit MSS
                    if (length != 4) return WireStatus.BadOption;
                    o = o with { MaxSegmentSize = BinaryPrimitives.ReadUInt16BigEndian(body) };
                    break;
                case KindWindowScale: // RFC 7323 §2.2: kind 3, length 3; §2.3: a shift above 14 is used as 14
                    if (length != 3) return WireStatus.BadOption;
                    o = o with { WindowScale = Math.Min(body[0], MaximumWindowScale) };
                    break;
                case KindSackPermitted: // RFC 2018 §2: kind 4, length 2
                    if (length != 2) return WireStatus.BadOption;
                    o = o with { SackPermitted = true };
                    break;
                case KindSack: // RFC 2018 §3: kind 5, length 8n + 2, n = 1..4
                    if ((length - 2) % SackBlockLength != 0 || length < 2 + SackBlockLength || length > 2 + TcpSackBlocks.Capacity * SackBlockLength)
                        return WireStatus.BadOption;
                    o = o with { SackBlocks = ReadSackBlocks(body) };
                    break;
                case KindTimestamp: // RFC 7323 §3.2: kind 8, length 10, TSval and TSecr
                    if (length != 10) return WireStatus.BadOption;
                    o = o with { Timestamp = new TcpTimestamp(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..])) };
                    break;
            }
            i += length;
        }
        options = o;
        return WireStatus.Ok;
    }

    /// <summary>
    /// Bytes <see cref="Emit"/> writes for <paramref name="options"/>: a multiple of 4, at most
    /// <see cref="MaximumLength"/>. SACK blocks that do not fit after the other options are left out
    /// (RFC 2018 §3: with timestamps at most 3 blocks fit).
    /// </summary>
    public static int Length(in TcpOptions options) => FixedLength(options) + SackLength(options);

    /// <summary>
    /// Writes the options in Linux's layout, each group padded with NOPs to 4 bytes: MSS; SACK-permitted
    /// and timestamps (together as 4,2,8,10 when both); NOP + window scale; NOP NOP + SACK. Returns the
    /// bytes written (<see cref="Length"/>). A destination shorter than that is a bug: throws.
    /// </summary>
    public static int Emit(in TcpOptions options, Span<byte> destination)
    {
        int i = 0;
        if (options.MaxSegmentSize is ushort mss)
        {
            destination[i] = KindMss;
            destination[i + 1] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(destination[(i + 2)..], mss);
            i += 4;
        }
        if (options.SackPermitted && options.Timestamp is null)
        {
            destination[i] = KindNop;
            destination[i + 1] = KindNop;
            i += 2;
        }
        if (options.SackPermitted)
        {
            destination[i] = KindSackPermitted;
            destination[i + 1] = 2;
            i += 2;
        }
        if (options.Timestamp is TcpTimestamp ts)
        {
            if (!options.SackPermitted)
            {
                destination[i] = KindNop;
                destination[i + 1] = KindNop;
                i += 2;
            }
            destination[i] = KindTimestamp;
            destination[i + 1] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i + 2)..], ts.Value);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i + 6)..], ts.EchoReply);
            i += 10;
        }
        if (options.WindowScale is byte shift)
        {
            destination[i] = KindNop;
            destination[i + 1] = KindWindowScale;
            destination[i + 2] = 3;
            destination[i + 3] = shift;
            i += 4;
        }
        int blocks = SackBlocksThatFit(options);
        if (blocks > 0)
        {
            destination[i] = KindNop;
            destination[i + 1] = KindNop;
            destination[i + 2] = KindSack;
            destination[i + 3] = (byte)(2 + blocks * SackBlockLength);
            i += 4;
            for (int b = 0; b < blocks; b++, i += SackBlockLength)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination[i..], options.SackBlocks[b].Left);
                BinaryPrimitives.WriteUInt32BigEndian(destination[(i + 4)..], options.SackBlocks[b].Right);
            }
        }
        return i;
    }

    /// <summary>How many of the SACK blocks <see cref="Emit"/> writes.</summary>
    public static int SackBlocksThatFit(in TcpOptions options)
    {
        int room = MaximumLength - FixedLength(options) - 4;
        return room < SackBlockLength ? 0 : Math.Min(options.SackBlocks.Count, room / SackBlockLength);
    }

    private static int FixedLength(in TcpOptions o)
    {
        int length = o.MaxSegmentSize is null ? 0 : 4;
        if (o.SackPermitted || o.Timestamp is not null) length += o.Timestamp is null ? 4 : 12;
        if (o.WindowScale is not null) length += 4;
        return length;
    }

    private static int SackLength(in TcpOptions o)
    {
        int blocks = SackBlocksThatFit(o);
        return blocks == 0 ? 0 : 4 + blocks * SackBlockLength;
    }

    private static TcpSackBlocks ReadSackBlocks(ReadOnlySpan<byte> body)
    {
        var blocks = default(TcpSackBlocks);
        for (int b = 0; b + SackBlockLength <= body.Length; b += SackBlockLength)
            blocks = blocks.Add(new TcpSackBlock(BinaryPrimitives.ReadUInt32BigEndian(body[b..]), BinaryPrimitives.ReadUInt32BigEndian(body[(b + 4)..])));
        return blocks;
    }
}
