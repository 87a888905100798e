namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// A command (or container subcommand) that both servers implement, as the generator needs it:
/// the words that name it on the wire (<c>OBJECT ENCODING</c>), Redis's arity and flags from
/// <c>COMMAND INFO</c>, its docs group and argument specs.
/// </summary>
internal sealed record CommandSpec(
    string Name,
    IReadOnlyList<string> Words,
    int Arity,
    IReadOnlySet<string> Flags,
    string Group,
    IReadOnlyList<ArgumentSpec> Arguments)
{
    /// <summary>True for commands that may block the connection (BLPOP, BZMPOP ...).</summary>
    public bool IsBlocking => Flags.Contains("blocking");
}
