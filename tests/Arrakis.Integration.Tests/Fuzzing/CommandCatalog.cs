using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Builds the list of commands to fuzz: every command and subcommand our server lists in its own
/// <c>COMMAND DOCS</c> (it lists only what it implements), described by the live redis-server's
/// <c>COMMAND DOCS</c> (arguments, group) and <c>COMMAND INFO</c> (arity, flags), minus
/// <see cref="FuzzExclusions"/>. Blocks on both connections (RESP2 expected).
/// </summary>
internal static class CommandCatalog
{
    /// <summary>Loads the catalog; the result is sorted by name so that a seed means the same sequence.</summary>
    public static IReadOnlyList<CommandSpec> Load(RespConnection ours, RespConnection redis)
    {
        var implemented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, doc) in Pairs(ours.Call("COMMAND", "DOCS")))
        {
            var subs = Pairs(doc.Field("subcommands")).ToList();
            if (subs.Count == 0) implemented.Add(name);
            foreach (var (sub, _) in subs) implemented.Add(sub);
        }
        var docs = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        foreach (var (name, doc) in Pairs(redis.Call("COMMAND", "DOCS")))
        {
            docs[name] = doc;
            foreach (var (sub, subDoc) in Pairs(doc.Field("subcommands"))) docs[sub] = subDoc;
        }
        var infos = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        foreach (var info in redis.Call("COMMAND", "INFO").Items!) AddInfo(info, infos);

        var result = new List<CommandSpec>();
        foreach (var name in implemented)
        {
            if (FuzzExclusions.IsExcluded(name) || !docs.TryGetValue(name, out var doc) || !infos.TryGetValue(name, out var info)) continue;
            result.Add(new CommandSpec(
                name,
                name.Split('|').Select(w => w.ToUpperInvariant()).ToArray(),
                (int)info.Items![1].Integer,
                info.Items[2].Items!.Select(f => f.Text).ToHashSet(StringComparer.Ordinal),
                doc.Field("group")?.Text ?? "",
                ArgumentSpec.ParseList(doc.Field("arguments"))));
        }
        return result;
    }

    private static void AddInfo(RespValue info, Dictionary<string, RespValue> infos)
    {
        if (info.Items is not { Length: > 2 } items) return;
        infos[items[0].Text] = info;
        if (items.Length > 9 && items[9].Items is { } subs)
        {
            foreach (var sub in subs) AddInfo(sub, infos);
        }
    }

    private static IEnumerable<(string Name, RespValue Doc)> Pairs(RespValue? map)
    {
        if (map?.Items is not { } items) yield break;
        for (int i = 0; i + 1 < items.Length; i += 2) yield return (items[i].Text.ToLowerInvariant(), items[i + 1]);
    }
}
