namespace Arrakis.Server.Commands.Streams;

/// <summary>Field/value pairs of an entry being added: element 2i is a field, 2i+1 its value.</summary>
internal interface IFieldSource
{
    int Pairs { get; }

    ReadOnlySpan<byte> Get(int index);
}

/// <summary>The pairs of a command's arguments from <paramref name="first"/> on.</summary>
internal readonly struct ArgFields(CommandContext c, int first) : IFieldSource
{
    public int Pairs => (c.ArgCount - first) / 2;

    public ReadOnlySpan<byte> Get(int index) => c.Arg(first + index);
}

/// <summary>Pairs held in a list (tests, RDB-free rebuilds).</summary>
internal readonly struct ListFields(IReadOnlyList<byte[]> items) : IFieldSource
{
    public int Pairs => items.Count / 2;

    public ReadOnlySpan<byte> Get(int index) => items[index];
}
