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
        h["command|getkeys"] = c => GetKeys(c, withFlags: false);
        h["command|getkeysandflags"] = c => GetKeys(c, withFlags: true);
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

    /// <summary>COMMAND GETKEYS and GETKEYSANDFLAGS, with Redis's checks in its order.</summary>
    private static void GetKeys(CommandContext c, bool withFlags)
    {
        var args = new List<byte[]>();
        for (int i = 2; i < c.ArgCount; i++) args.Add(c.ArgBytes(i));
        var d = c.Server.Commands.Find(args[0]);
        if (d is not null && d.IsContainer && args.Count >= 2) d = d.FindSubcommand(args[1]);
        if (d is null || (d.IsContainer && args.Count >= 2))
        {
            c.Error("ERR Invalid command specified");
            return;
        }
        if (!d.KeySpecs.Any(k => !k.NotKey))
        {
            c.Error("ERR The command has no key arguments");
            return;
        }
        if (!d.ArityMatches(args.Count))
        {
            c.Error("ERR Invalid number of arguments specified for command");
            return;
        }
        if (d.FullName is "sort" or "sort_ro")
        {
            // Redis answers these from sortGetKeys / sortROGetKeys: their STORE spec is "unknown".
            var found = SortCommand.GetKeys(args, readOnly: d.FullName == "sort_ro");
            c.Reply.WriteArrayHeader(found.Count);
            foreach (var (position, flags) in found)
            {
                if (withFlags)
                {
                    c.Reply.WriteArrayHeader(2);
                    c.Reply.WriteBulk(args[position]);
                    c.Reply.WriteSetHeader(flags.Length);
                    foreach (var f in flags) c.Reply.WriteSimpleString(f);
                }
                else c.Reply.WriteBulk(args[position]);
            }
            return;
        }
        var keys = new List<(int Position, KeySpec Spec)>();
        bool valid = d.KeySpecs.All(spec => spec.TryAddKeys(args, keys));
        if (!valid || keys.Count == 0)
        {
            if (d.NoMandatoryKeys) c.Reply.WriteArrayHeader(0);
            else c.Error("ERR Invalid arguments specified for command");
            return;
        }
        var variable = VariableFlags(d.FullName, args);
        c.Reply.WriteArrayHeader(keys.Count);
        foreach (var (position, spec) in keys)
        {
            if (withFlags)
            {
                c.Reply.WriteArrayHeader(2);
                c.Reply.WriteBulk(args[position]);
                if (variable is null) spec.Flags.WriteTo(c.Reply);
                else
                {
                    c.Reply.WriteSetHeader(variable.Length);
                    foreach (var f in variable) c.Reply.WriteSimpleString(f);
                }
            }
            else c.Reply.WriteBulk(args[position]);
        }
    }

    /// <summary>
    /// Key flags that depend on the arguments (Redis's variable_flags specs, answered by its
    /// setGetKeys and bitfieldGetKeys): SET with GET reads its key; BITFIELD with only GETs is read-only.
    /// </summary>
    private static string[]? VariableFlags(string command, List<byte[]> args)
    {
        bool Is(int i, string word) => System.Text.Encoding.ASCII.GetString(args[i]).Equals(word, StringComparison.OrdinalIgnoreCase);
        if (command == "set")
        {
            for (int i = 3; i < args.Count; i++)
            {
                if (Is(i, "GET")) return ["RW", "access", "update"];
            }
            return ["OW", "update"];
        }
        if (command != "bitfield") return null;
        for (int i = 2; i < args.Count; i++)
        {
            int rest = args.Count - i - 1;
            if (Is(i, "GET") && rest >= 2) i += 2;
            else if (Is(i, "OVERFLOW") && rest >= 1) i += 1;
            else return ["RW", "access", "update"];
        }
        return ["RO", "access"];
    }
}
