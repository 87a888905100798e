namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// Up to four SACK blocks, a value without allocation (RFC 2018 §3: "the 40 bytes available for TCP
/// options can specify a maximum of 4 blocks"). Unused slots are always default, so equality is by content.
/// </summary>
internal readonly record struct TcpSackBlocks
{
    /// <summary>The most blocks one option can carry.</summary>
    public const int Capacity = 4;

    private readonly TcpSackBlock _b0;
    private readonly TcpSackBlock _b1;
    private readonly TcpSackBlock _b2;
    private readonly TcpSackBlock _b3;

    /// <summary>Blocks held, 0..4.</summary>
    public int Count { get; }

    private TcpSackBlocks(int count, TcpSackBlock b0, TcpSackBlock b1, TcpSackBlock b2, TcpSackBlock b3)
    {
        Count = count;
        _b0 = b0;
        _b1 = count > 1 ? b1 : default;
        _b2 = count > 2 ? b2 : default;
        _b3 = count > 3 ? b3 : default;
        if (count == 0) _b0 = default;
    }

    /// <summary>The first <see cref="Capacity"/> blocks of <paramref name="blocks"/> (more is a bug: throws).</summary>
    public static TcpSackBlocks Of(params ReadOnlySpan<TcpSackBlock> blocks)
    {
        if (blocks.Length > Capacity) throw new ArgumentException($"{blocks.Length} SACK blocks, at most {Capacity}", nameof(blocks));
        return new(blocks.Length, At(blocks, 0), At(blocks, 1), At(blocks, 2), At(blocks, 3));

        static TcpSackBlock At(ReadOnlySpan<TcpSackBlock> s, int i) => i < s.Length ? s[i] : default;
    }

    /// <summary>This list with <paramref name="block"/> appended; unchanged when already full.</summary>
    public TcpSackBlocks Add(TcpSackBlock block) => Count switch
    {
        0 => new(1, block, default, default, default),
        1 => new(2, _b0, block, default, default),
        2 => new(3, _b0, _b1, block, default),
        3 => new(4, _b0, _b1, _b2, block),
        _ => this,
    };

    /// <summary>The first <paramref name="count"/> blocks (count clamped to 0..<see cref="Count"/>).</summary>
    public TcpSackBlocks Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        return new(count, _b0, _b1, _b2, _b3);
    }

    /// <summary>Block <paramref name="index"/>; an index outside 0..Count-1 is a bug: throws.</summary>
    public TcpSackBlock this[int index] => (uint)index >= (uint)Count
        ? throw new ArgumentOutOfRangeException(nameof(index))
        : index switch { 0 => _b0, 1 => _b1, 2 => _b2, _ => _b3 };
}
