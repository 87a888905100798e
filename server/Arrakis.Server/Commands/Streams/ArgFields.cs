namespace Arrakis.Server.Commands.Streams;

/// <summary>The pairs of a command's arguments from <paramref name="first"/> on.</summary>
internal readonly struct ArgFields(CommandContext c, int first) : IFieldSource
{
    public int Pairs => (c.ArgCount - first) / 2;

    public ReadOnlySpan<byte> Get(int index) => c.Arg(first + index);
}
