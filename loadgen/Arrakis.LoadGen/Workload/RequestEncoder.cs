using System.Buffers.Text;
using System.Text;
using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Workload;

/// <summary>Encodes one command of the workload as a RESP multibulk request straight into a send buffer.</summary>
internal sealed class RequestEncoder
{
    private readonly byte[][] _literals; // null where the word is __key__ or __data__
    private readonly byte[] _header;
    private readonly bool[] _isKey;
    private readonly bool[] _isData;
    private readonly byte[] _prefix;

    public RequestEncoder(CommandSpec spec, string keyPrefix)
    {
        _header = Encoding.ASCII.GetBytes($"*{spec.Words.Length}\r\n");
        _prefix = Encoding.UTF8.GetBytes(keyPrefix);
        _literals = new byte[spec.Words.Length][];
        _isKey = new bool[spec.Words.Length];
        _isData = new bool[spec.Words.Length];
        for (int i = 0; i < spec.Words.Length; i++)
        {
            string w = spec.Words[i];
            if (w == "__key__") _isKey[i] = true;
            else if (w == "__data__") _isData[i] = true;
            else
            {
                var bytes = Encoding.UTF8.GetBytes(w);
                _literals[i] = Encoding.ASCII.GetBytes($"${bytes.Length}\r\n").Concat(bytes).Concat("\r\n"u8.ToArray()).ToArray();
            }
        }
    }

    /// <summary>Upper bound of the encoded size for a value of <paramref name="dataSize"/> bytes.</summary>
    public int MaxSize(int dataSize) => _header.Length + _literals.Sum(l => l?.Length ?? 0) + _isKey.Length * (_prefix.Length + 20 + 16) + dataSize + 16;

    /// <summary>Writes the request; returns its length.</summary>
    public int Encode(Span<byte> dest, long key, ReadOnlySpan<byte> data)
    {
        _header.CopyTo(dest);
        int n = _header.Length;
        Span<byte> digits = stackalloc byte[20];
        for (int i = 0; i < _literals.Length; i++)
        {
            if (_isKey[i])
            {
                Utf8Formatter.TryFormat(key, digits, out int d);
                n += Bulk(dest[n..], _prefix, digits[..d]);
            }
            else if (_isData[i])
            {
                n += Bulk(dest[n..], data, default);
            }
            else
            {
                _literals[i].CopyTo(dest[n..]);
                n += _literals[i].Length;
            }
        }
        return n;
    }

    private static int Bulk(Span<byte> dest, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        dest[0] = (byte)'$';
        Utf8Formatter.TryFormat(a.Length + b.Length, dest[1..], out int w);
        int n = 1 + w;
        dest[n++] = (byte)'\r';
        dest[n++] = (byte)'\n';
        a.CopyTo(dest[n..]);
        n += a.Length;
        b.CopyTo(dest[n..]);
        n += b.Length;
        dest[n++] = (byte)'\r';
        dest[n++] = (byte)'\n';
        return n;
    }
}
