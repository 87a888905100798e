namespace Arrakis.Fuzz;

/// <summary>One fuzz target: runs an input, throws <see cref="FuzzFailure"/> (or lets any other
/// exception escape) when the code under test misbehaves. Must return for every other input.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> data);
