namespace Arrakis.IoBypass.Block;

/// <summary>One finished entry: the caller's tag and the result (bytes transferred, 0 for a flush, or -errno).</summary>
public readonly record struct BlockCompletion(ulong Tag, int Result);
