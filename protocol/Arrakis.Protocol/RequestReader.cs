using System.Text;

namespace Arrakis.Protocol;

/// <summary>
/// Incremental reader of client requests: RESP multibulk (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>) and
/// inline commands (<c>SET k "a b"\n</c>), with Redis 7's limits and error texts.
/// </summary>
/// <remarks>
/// Contract: one reader per connection, used by one thread. Call <see cref="TryRead"/> with the
/// unconsumed bytes, always starting at the first byte of the current request; after
/// <see cref="RespParseStatus.NeedMoreData"/> call again with the same start and more bytes (the
/// caller may move the bytes, offsets are relative to the start). Never throws on input bytes and
/// never allocates in proportion to a declared length.
/// </remarks>
public sealed class RequestReader
{
    private readonly RequestLimits _limits;

    // Progress inside a multibulk request that is not complete yet (offsets relative to its start).
    private long _expectedArgs = -1;
    private int _position;

    public RequestReader(RequestLimits? limits = null)
    {
        _limits = limits ?? new RequestLimits();
    }

    /// <summary>When true, the tighter limits for clients that have not authenticated apply.</summary>
    public bool AuthenticationRequired { get; set; }

    /// <summary>The Redis error text (without "-" and CRLF) after <see cref="RespParseStatus.InvalidData"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>True while a request has been partly read.</summary>
    public bool InProgress => _expectedArgs >= 0;

    /// <summary>
    /// Reads one request from <paramref name="buffer"/>. On <see cref="RespParseStatus.Done"/>,
    /// <paramref name="consumed"/> bytes make up the request and <paramref name="args"/> holds its
    /// arguments (Count may be 0: an empty request that Redis ignores).
    /// </summary>
    public RespParseStatus TryRead(ReadOnlySpan<byte> buffer, RequestArguments args, out int consumed)
    {
        consumed = 0;
        if (buffer.IsEmpty) return RespParseStatus.NeedMoreData;
        return buffer[0] == (byte)'*' || _expectedArgs >= 0
            ? ReadMultibulk(buffer, args, ref consumed)
            : ReadInline(buffer, args, ref consumed);
    }

    private RespParseStatus ReadMultibulk(ReadOnlySpan<byte> buffer, RequestArguments args, ref int consumed)
    {
        if (_expectedArgs < 0)
        {
            int cr = LineEnd(buffer, (byte)'\r');
            if (cr < 0)
            {
                return buffer.Length > _limits.MaxInlineLength
                    ? Fail("Protocol error: too big mbulk count string")
                    : RespParseStatus.NeedMoreData;
            }
            if (cr + 1 >= buffer.Length) return RespParseStatus.NeedMoreData;
            if (!RespNumber.TryParseInt64(buffer.Slice(1, cr - 1), out long count) || count > _limits.MaxMultibulkLength)
                return Fail("Protocol error: invalid multibulk length");
            if (count > _limits.UnauthenticatedMultibulkLength && AuthenticationRequired)
                return Fail("Protocol error: unauthenticated multibulk length");
            _position = cr + 2;
            args.Reset(inline: false);
            if (count <= 0)
            {
                consumed = _position;
                _position = 0;
                return RespParseStatus.Done;
            }
            _expectedArgs = count;
            // Grow the argument table gradually: a declared count is not trusted with memory.
            args.EnsureCapacity((int)Math.Min(count, 1024));
        }

        while (args.Count < _expectedArgs)
        {
            var rest = buffer.Slice(_position);
            int cr = LineEnd(rest, (byte)'\r');
            if (cr < 0)
            {
                return rest.Length > _limits.MaxInlineLength
                    ? Fail("Protocol error: too big bulk count string")
                    : RespParseStatus.NeedMoreData;
            }
            if (cr + 1 >= rest.Length) return RespParseStatus.NeedMoreData;
            if (rest[0] != (byte)'$')
                return Fail("Protocol error: expected '$', got '" + (char)rest[0] + "'");
            if (!RespNumber.TryParseInt64(rest.Slice(1, cr - 1), out long length) || length < 0 || length > _limits.MaxBulkLength)
                return Fail("Protocol error: invalid bulk length");
            if (length > _limits.UnauthenticatedBulkLength && AuthenticationRequired)
                return Fail("Protocol error: unauthenticated bulk length");
            long end = (long)_position + cr + 2 + length + 2;
            if (end > buffer.Length) return RespParseStatus.NeedMoreData;
            args.Add(_position + cr + 2, (int)length);
            _position = (int)end;
        }

        consumed = _position;
        _expectedArgs = -1;
        _position = 0;
        return RespParseStatus.Done;
    }

    private RespParseStatus ReadInline(ReadOnlySpan<byte> buffer, RequestArguments args, ref int consumed)
    {
        int newline = LineEnd(buffer, (byte)'\n');
        if (newline < 0)
        {
            return buffer.Length > _limits.MaxInlineLength
                ? Fail("Protocol error: too big inline request")
                : RespParseStatus.NeedMoreData;
        }
        var line = buffer.Slice(0, newline);
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        args.Reset(inline: true);
        if (!InlineSplitter.TrySplit(line, args))
        {
            return Fail("Protocol error: unbalanced quotes in request");
        }
        consumed = newline + 1;
        return RespParseStatus.Done;
    }

    /// <summary>
    /// Index of <paramref name="terminator"/>, or -1 when it is missing or comes after a NUL byte: Redis
    /// finds line ends with strchr on its query buffer, which stops at NUL, so such a line never ends
    /// (the client waits until the buffer passes the inline limit and gets the "too big" error).
    /// </summary>
    private static int LineEnd(ReadOnlySpan<byte> buffer, byte terminator)
    {
        int end = buffer.IndexOfAny(terminator, (byte)0);
        return end >= 0 && buffer[end] == terminator ? end : -1;
    }

    private RespParseStatus Fail(string error)
    {
        Error = error;
        _expectedArgs = -1;
        _position = 0;
        return RespParseStatus.InvalidData;
    }

    /// <summary>Forgets a partly read request (after the connection's buffer was discarded).</summary>
    public void Reset()
    {
        _expectedArgs = -1;
        _position = 0;
        Error = null;
    }

    internal static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
