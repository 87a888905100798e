namespace Arrakis.Server.Commands;

/// <summary>Redis 7's error texts, verbatim.</summary>
internal static class Errors
{
    public const string Syntax = "ERR syntax error";
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string NoSuchKey = "ERR no such key";
    public const string DbIndexOutOfRange = "ERR DB index is out of range";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
    public const string OutOfRange = "ERR value is out of range, must be positive";
    public const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public const string BitOffset = "ERR bit offset is not an integer or out of range";
    public const string BitValue = "ERR bit is not an integer or out of range";
    public const string IndexOutOfRange = "ERR index out of range";

    public static string WrongArgs(string fullName) => $"ERR wrong number of arguments for '{fullName}' command";

    public static string InvalidExpire(string command) => $"ERR invalid expire time in '{command}' command";

    public static string UnknownSubcommand(string sub, string command) =>
        $"ERR unknown subcommand '{Truncate(sub, 128)}'. Try {command.ToUpperInvariant()} HELP.";

    /// <summary>Redis's addReplySubcommandSyntaxError, for subcommands that check their own arguments.</summary>
    public static string SubcommandSyntax(CommandContext c) =>
        $"ERR unknown subcommand or wrong number of arguments for '{Truncate(c.ArgText(1), 128)}'. Try {c.ArgText(0).ToUpperInvariant()} HELP.";

    public static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
