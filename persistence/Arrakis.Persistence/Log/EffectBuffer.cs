using System.Buffers.Text;

namespace Arrakis.Persistence.Log;

/// <summary>
/// The effects of one command (or one transaction) while it runs: commands as RESP arrays, each with
/// its database, in the layout of a log record's body. Reused; grows as needed and never shrinks
/// below its first size.
/// </summary>
/// <remarks>Owned by one thread.</remarks>
public sealed class EffectBuffer
{
    private byte[] _bytes = new byte[4096];
    private int _length;
    private int _argsLeft;

    /// <summary>Commands completed so far.</summary>
    public int CommandCount { get; private set; }

    public bool IsEmpty => CommandCount == 0 && _argsLeft == 0;

    /// <summary>The record body: every completed command (u16 db + RESP array).</summary>
    public ReadOnlySpan<byte> Body => _bytes.AsSpan(0, _length);

    public void Clear()
    {
        _length = 0;
        CommandCount = 0;
        _argsLeft = 0;
        if (_bytes.Length > 1 << 20) _bytes = new byte[4096];
    }

    /// <summary>Starts a command of <paramref name="argc"/> arguments in database <paramref name="db"/>; add exactly that many.</summary>
    public void BeginCommand(int db, int argc)
    {
        if (_argsLeft != 0) throw new InvalidOperationException("previous command is incomplete");
        if (argc <= 0) throw new ArgumentOutOfRangeException(nameof(argc));
        var span = Reserve(2 + 1 + 20 + 2);
        span[0] = (byte)db;
        span[1] = (byte)(db >> 8);
        span[2] = (byte)'*';
        Utf8Formatter.TryFormat(argc, span[3..], out int n);
        span[3 + n] = (byte)'\r';
        span[4 + n] = (byte)'\n';
        _length += 5 + n;
        _argsLeft = argc;
    }

    public void Add(ReadOnlySpan<byte> arg)
    {
        if (_argsLeft <= 0) throw new InvalidOperationException("no command open");
        var span = Reserve(1 + 20 + 2 + arg.Length + 2);
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(arg.Length, span[1..], out int n);
        span[1 + n] = (byte)'\r';
        span[2 + n] = (byte)'\n';
        arg.CopyTo(span[(3 + n)..]);
        span[3 + n + arg.Length] = (byte)'\r';
        span[4 + n + arg.Length] = (byte)'\n';
        _length += 5 + n + arg.Length;
        if (--_argsLeft == 0) CommandCount++;
    }

    public void Add(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Add(digits[..n]);
    }

    /// <summary>Adds a whole command.</summary>
    public void Add(int db, params ReadOnlySpan<byte[]> args)
    {
        BeginCommand(db, args.Length);
        foreach (var a in args) Add(a);
    }

    private Span<byte> Reserve(int n)
    {
        if (_length + n > _bytes.Length)
        {
            long size = Math.Max((long)_bytes.Length * 2, (long)_length + n);
            Array.Resize(ref _bytes, (int)Math.Min(size, Array.MaxLength));
        }
        return _bytes.AsSpan(_length, n);
    }
}
