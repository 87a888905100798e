using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// One observed difference: the request, both replies, or — for <see cref="IsState"/> — the request
/// after which a key's contents first differed (then the replies are the two key dumps as bulk strings).
/// </summary>
internal sealed record Difference(FuzzCommand Command, Reply Redis, Reply Ours, bool IsState)
{
    /// <summary>Groups occurrences of the same problem: command, state/reply, and the first word or type of each reply.</summary>
    public string Signature => $"{(IsState ? "state" : "reply")} {Command.Name}: redis {Gist(Redis.Value)} / ours {Gist(Ours.Value)}";

    /// <summary>True if any argument after the command words equals <paramref name="token"/> (case-insensitive).</summary>
    public bool HasArg(string token) => Command.Args.Any(a => string.Equals(System.Text.Encoding.Latin1.GetString(a), token, StringComparison.OrdinalIgnoreCase));

    /// <summary>Redis's reply text (errors, simple strings), or "".</summary>
    public string RedisText => Redis.Value.Text;

    public string OursText => Ours.Value.Text;

    private static string Gist(RespValue v)
    {
        if (IsErrorType(v.Type))
        {
            var words = Escape.Reply(v.Bytes ?? [], 80).Split(' ');
            return "-" + words[0] + " " + string.Join(' ', words.Skip(1).Take(3));
        }
        return ((char)v.Type).ToString();
    }

    private static bool IsErrorType(RespType t) => t is RespType.Error or RespType.BulkError;
}
