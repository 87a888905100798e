namespace Arrakis.Server.Commands.Streams;

/// <summary>Pairs held in a list (tests).</summary>
internal readonly struct ListFields(IReadOnlyList<byte[]> items) : IFieldSource
{
    public int Pairs => items.Count / 2;

    public ReadOnlySpan<byte> Get(int index) => items[index];
}
