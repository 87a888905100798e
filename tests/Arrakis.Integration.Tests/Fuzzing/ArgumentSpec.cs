using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// One argument of a command as Redis's <c>COMMAND DOCS</c> describes it: its name, type (key, integer,
/// double, string, pattern, unix-time, pure-token, oneof, block), optional token and the
/// optional / multiple / multiple_token flags. Immutable; parsed from either RESP2 pairs or a RESP3 map.
/// </summary>
internal sealed record ArgumentSpec(
    string Name,
    string Type,
    string? Token,
    bool Optional,
    bool Multiple,
    bool MultipleToken,
    IReadOnlyList<ArgumentSpec> Children)
{
    /// <summary>Parses the "arguments" list of a docs entry; a missing list reads as no arguments.</summary>
    public static IReadOnlyList<ArgumentSpec> ParseList(RespValue? arguments) =>
        arguments?.Items is { } items ? items.Select(Parse).ToArray() : [];

    /// <summary>Parses one argument map.</summary>
    public static ArgumentSpec Parse(RespValue doc)
    {
        var flags = doc.Field("flags")?.Items?.Select(f => f.Text).ToHashSet(StringComparer.Ordinal) ?? [];
        return new ArgumentSpec(
            doc.Field("name")?.Text ?? "",
            doc.Field("type")?.Text ?? "string",
            doc.Field("token") is { } t ? Encoding.UTF8.GetString(t.Bytes!) : null,
            flags.Contains("optional"),
            flags.Contains("multiple"),
            flags.Contains("multiple_token"),
            ParseList(doc.Field("arguments")));
    }
}
