using System.Buffers;
using System.Text;

namespace Arrakis.Protocol;

/// <summary>
/// Writes RESP2 or RESP3 replies into a caller-owned <see cref="IBufferWriter{T}"/>. RESP3-only
/// types are written as Redis writes them to RESP2 clients (map as flat array, double as bulk,
/// boolean as integer, null as $-1 or *-1). Allocates nothing.
/// </summary>
/// <remarks>Not thread-safe: one writer per connection, used by the thread that owns it.</remarks>
public sealed class RespWriter
{
    private IBufferWriter<byte> _output;

    public RespWriter(IBufferWriter<byte> output, RespVersion version = RespVersion.Resp2)
    {
        _output = output;
        Version = version;
    }

    public RespVersion Version { get; set; }

    public bool IsResp3 => Version == RespVersion.Resp3;

    /// <summary>Points the writer at another buffer.</summary>
    public void SetOutput(IBufferWriter<byte> output) => _output = output;

    public IBufferWriter<byte> Output => _output;

    /// <summary>Writes pre-encoded RESP bytes as they are.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    public void WriteSimpleString(ReadOnlySpan<byte> value) => WriteLine((byte)'+', value);

    public void WriteSimpleString(string value) => WriteLineAscii((byte)'+', value);

    /// <summary>Writes an error; <paramref name="message"/> carries its code ("ERR ...", "WRONGTYPE ...").</summary>
    public void WriteError(string message) => WriteLineAscii((byte)'-', message);

    public void WriteError(ReadOnlySpan<byte> message) => WriteLine((byte)'-', message);

    public void WriteInteger(long value) => WriteNumberLine((byte)':', value);

    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        int header = 1 + RespNumber.DigitCount(value.Length) + 2;
        var span = _output.GetSpan(header + value.Length + 2);
        span[0] = (byte)'$';
        int n = 1 + RespNumber.FormatInt64(value.Length, span[1..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        value.CopyTo(span[n..]);
        n += value.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        _output.Advance(n);
    }

    public void WriteBulk(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        if (count <= 512)
        {
            Span<byte> tmp = stackalloc byte[count];
            Encoding.UTF8.GetBytes(value, tmp);
            WriteBulk(tmp);
        }
        else
        {
            WriteBulk(Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>Writes an integer as a bulk string (Redis replies such as INCRBYFLOAT, CONFIG GET).</summary>
    public void WriteBulkInteger(long value)
    {
        Span<byte> tmp = stackalloc byte[24];
        WriteBulk(tmp[..RespNumber.FormatInt64(value, tmp)]);
    }

    /// <summary>Null bulk string: RESP2 <c>$-1</c>, RESP3 <c>_</c>.</summary>
    public void WriteNull() => WriteRaw(IsResp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>Null array: RESP2 <c>*-1</c>, RESP3 <c>_</c>.</summary>
    public void WriteNullArray() => WriteRaw(IsResp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void WriteArrayHeader(long count) => WriteNumberLine((byte)'*', count);

    /// <summary>Map of <paramref name="pairs"/> entries: RESP3 <c>%</c>, RESP2 a flat array of 2n.</summary>
    public void WriteMapHeader(long pairs)
    {
        if (IsResp3) WriteNumberLine((byte)'%', pairs);
        else WriteNumberLine((byte)'*', pairs * 2);
    }

    /// <summary>Set: RESP3 <c>~</c>, RESP2 an array.</summary>
    public void WriteSetHeader(long count) => WriteNumberLine(IsResp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>Push: RESP3 <c>&gt;</c>, RESP2 an array.</summary>
    public void WritePushHeader(long count) => WriteNumberLine(IsResp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>Attribute header (RESP3 only; ignored under RESP2 by the caller's choice).</summary>
    public void WriteAttributeHeader(long pairs) => WriteNumberLine((byte)'|', pairs);

    /// <summary>Double: RESP3 <c>,</c> line, RESP2 bulk string, formatted like "%.17g".</summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[40];
        int n = RespNumber.FormatDouble(value, tmp);
        if (IsResp3) WriteLine((byte)',', tmp[..n]);
        else WriteBulk(tmp[..n]);
    }

    /// <summary>Boolean: RESP3 <c>#t</c>/<c>#f</c>, RESP2 integer 1/0.</summary>
    public void WriteBoolean(bool value)
    {
        if (IsResp3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
    }

    /// <summary>Big number: RESP3 <c>(</c> line, RESP2 bulk string.</summary>
    public void WriteBigNumber(ReadOnlySpan<byte> digits)
    {
        if (IsResp3) WriteLine((byte)'(', digits);
        else WriteBulk(digits);
    }

    /// <summary>Verbatim string: RESP3 <c>=len\r\nfmt:text</c>, RESP2 bulk string of the text.</summary>
    public void WriteVerbatim(ReadOnlySpan<byte> format3, ReadOnlySpan<byte> text)
    {
        if (!IsResp3)
        {
            WriteBulk(text);
            return;
        }
        int length = format3.Length + 1 + text.Length;
        WriteNumberLine((byte)'=', length);
        var span = _output.GetSpan(length + 2);
        format3.CopyTo(span);
        span[format3.Length] = (byte)':';
        text.CopyTo(span[(format3.Length + 1)..]);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _output.Advance(length + 2);
    }

    private void WriteLine(byte prefix, ReadOnlySpan<byte> value)
    {
        var span = _output.GetSpan(value.Length + 3);
        span[0] = prefix;
        value.CopyTo(span[1..]);
        span[value.Length + 1] = (byte)'\r';
        span[value.Length + 2] = (byte)'\n';
        _output.Advance(value.Length + 3);
    }

    private void WriteLineAscii(byte prefix, string value)
    {
        var span = _output.GetSpan(value.Length + 3);
        span[0] = prefix;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            // Replies are single lines: Redis replaces CR/LF in error and status texts with spaces.
            span[i + 1] = c is '\r' or '\n' ? (byte)' ' : (byte)c;
        }
        span[value.Length + 1] = (byte)'\r';
        span[value.Length + 2] = (byte)'\n';
        _output.Advance(value.Length + 3);
    }

    private void WriteNumberLine(byte prefix, long value)
    {
        var span = _output.GetSpan(24);
        span[0] = prefix;
        int n = 1 + RespNumber.FormatInt64(value, span[1..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        _output.Advance(n);
    }
}
