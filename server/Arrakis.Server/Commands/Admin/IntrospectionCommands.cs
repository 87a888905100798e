using Arrakis.Protocol;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands.Admin;

/// <summary>COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS, answered from Redis's own metadata.</summary>
internal static class IntrospectionCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["command"] = All;
        h["command|count"] = c => c.Reply.WriteInteger(c.Server.Commands.Count);
        h["command|info"] = Info;
        h["command|docs"] = Docs;
        h["command|list"] = List;
        h["command|getkeys"] = GetKeys;
    }

    private static void All(CommandContext c)
    {
        var all = c.Server.Commands.All;
        c.Reply.WriteArrayHeader(all.Count);
        foreach (var d in all) d.Info!.WriteTo(c.Reply);
    }

    private static void Info(CommandContext c)
    {
        if (c.ArgCount == 2)
        {
            All(c);
            return;
        }
        c.Reply.WriteArrayHeader(c.ArgCount - 2);
        for (int i = 2; i < c.ArgCount; i++)
        {
            var d = Lookup(c, c.ArgString(i));
            if (d?.Info is null) c.Reply.WriteNull();
            else d.Info.WriteTo(c.Reply);
        }
    }

    private static CommandDefinition? Lookup(CommandContext c, string name)
    {
        var parts = name.ToLowerInvariant().Split('|');
        var d = c.Server.Commands.Find(parts[0]);
        if (d is null || parts.Length == 1) return parts.Length == 1 ? d : null;
        return parts.Length == 2 ? d.FindSubcommand(System.Text.Encoding.UTF8.GetBytes(parts[1])) : null;
    }

    private static void Docs(CommandContext c)
    {
        var found = new List<CommandDefinition>();
        if (c.ArgCount == 2) found.AddRange(c.Server.Commands.All);
        for (int i = 2; i < c.ArgCount; i++)
        {
            var d = Lookup(c, c.ArgString(i));
            if (d?.Docs is not null) found.Add(d);
        }
        c.Reply.WriteMapHeader(found.Count);
        foreach (var d in found)
        {
            c.Reply.WriteBulk(d.FullName);
            d.Docs!.WriteTo(c.Reply);
        }
    }

    private static void List(CommandContext c)
    {
        IEnumerable<CommandDefinition> all = c.Server.Commands.All.SelectMany(d => d.Subcommands is null ? [d] : new[] { d }.Concat(d.Subcommands.Values));
        if (c.ArgCount > 2)
        {
            if (c.ArgCount != 5 || !c.ArgIs(2, "FILTERBY"))
            {
                c.SyntaxError();
                return;
            }
            var value = c.ArgBytes(4);
            if (c.ArgIs(3, "MODULE")) all = [];
            else if (c.ArgIs(3, "PATTERN")) all = all.Where(d => Glob.Match(value, System.Text.Encoding.UTF8.GetBytes(d.FullName), noCase: true));
            else if (c.ArgIs(3, "ACLCAT"))
            {
                string cat = "@" + c.ArgString(4).ToLowerInvariant();
                all = all.Where(d => d.Info!.Items![6].Items!.Any(x => x.Text == cat));
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var names = all.Select(d => d.FullName).ToList();
        c.Reply.WriteArrayHeader(names.Count);
        foreach (var n in names) c.Reply.WriteBulk(n);
    }

    private static void GetKeys(CommandContext c)
    {
        var d = c.Server.Commands.Find(c.Arg(2));
        int argc = c.ArgCount - 2;
        if (d is not null && d.IsContainer && argc >= 2) d = d.FindSubcommand(c.Arg(3));
        if (d is null)
        {
            c.Error("ERR Invalid command specified");
            return;
        }
        if (!d.ArityMatches(argc))
        {
            c.Error("ERR Invalid number of arguments specified for command");
            return;
        }
        if (d.FirstKey <= 0)
        {
            c.Error("ERR The command has no key arguments");
            return;
        }
        int last = d.LastKey >= 0 ? d.LastKey : argc + d.LastKey;
        var keys = new List<int>();
        for (int i = d.FirstKey; i <= last && i < argc; i += Math.Max(1, d.KeyStep)) keys.Add(i + 2);
        c.Reply.WriteArrayHeader(keys.Count);
        foreach (int k in keys) c.Reply.WriteBulk(c.Arg(k));
    }
}
