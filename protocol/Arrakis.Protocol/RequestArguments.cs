namespace Arrakis.Protocol;

/// <summary>
/// The arguments of one parsed request as (offset, length) ranges into the buffer that was parsed,
/// or into the reader's own scratch for unescaped inline arguments. Reused between requests:
/// no allocation once it has grown to the largest request seen.
/// </summary>
public sealed class RequestArguments
{
    private int[] _offsets = new int[16];
    private int[] _lengths = new int[16];
    private byte[] _inlineScratch = Array.Empty<byte>();
    private int _inlineUsed;

    /// <summary>Number of arguments, the command name included.</summary>
    public int Count { get; private set; }

    /// <summary>True when the arguments point into <see cref="InlineScratch"/> (inline request).</summary>
    public bool IsInline { get; private set; }

    internal byte[] InlineScratch => _inlineScratch;

    /// <summary>Argument <paramref name="index"/> as a span over <paramref name="source"/> (the parsed buffer).</summary>
    public ReadOnlySpan<byte> Get(ReadOnlySpan<byte> source, int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return IsInline
            ? _inlineScratch.AsSpan(_offsets[index], _lengths[index])
            : source.Slice(_offsets[index], _lengths[index]);
    }

    /// <summary>Offset of argument <paramref name="index"/> in the parsed buffer (not for inline requests).</summary>
    public int OffsetOf(int index) => _offsets[index];

    /// <summary>Length of argument <paramref name="index"/>.</summary>
    public int LengthOf(int index) => _lengths[index];

    internal void Reset(bool inline)
    {
        Count = 0;
        IsInline = inline;
        _inlineUsed = 0;
    }

    internal void EnsureCapacity(int count)
    {
        if (count <= _offsets.Length) return;
        int size = Math.Max(count, _offsets.Length * 2);
        Array.Resize(ref _offsets, size);
        Array.Resize(ref _lengths, size);
    }

    internal void Add(int offset, int length)
    {
        EnsureCapacity(Count + 1);
        _offsets[Count] = offset;
        _lengths[Count] = length;
        Count++;
    }

    /// <summary>Reserves <paramref name="length"/> scratch bytes for an unescaped inline argument.</summary>
    internal Span<byte> AddInline(int length)
    {
        if (_inlineUsed + length > _inlineScratch.Length)
        {
            Array.Resize(ref _inlineScratch, Math.Max(_inlineUsed + length, Math.Max(256, _inlineScratch.Length * 2)));
        }
        Add(_inlineUsed, length);
        var span = _inlineScratch.AsSpan(_inlineUsed, length);
        _inlineUsed += length;
        return span;
    }
}
