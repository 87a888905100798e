using System.Reflection;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands;

/// <summary>
/// The commands this server implements, looked up case-insensitively without allocation. Arity,
/// flags and key positions come from Redis 7's own COMMAND INFO (Metadata/command-info.resp,
/// captured by Metadata/capture.py); handlers come from the command families.
/// </summary>
internal sealed class CommandTable
{
    private readonly Dictionary<string, CommandDefinition> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommandDefinition>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private CommandTable()
    {
        _lookup = _commands.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static CommandTable Default { get; } = Build();

    public IReadOnlyCollection<CommandDefinition> All => _commands.Values;

    public int Count => _commands.Count;

    /// <summary>Number of command and subcommand definitions (the size of per-command counter arrays).</summary>
    public int SlotCount { get; private set; }

    /// <summary>Every definition, commands and their subcommands, indexed by <see cref="CommandDefinition.Id"/>.</summary>
    public IReadOnlyList<CommandDefinition> BySlot => _bySlot;

    private readonly List<CommandDefinition> _bySlot = new();

    public CommandDefinition? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > 32) return null;
        Span<char> lower = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) lower[i] = (char)(name[i] is >= (byte)'A' and <= (byte)'Z' ? name[i] + 32 : name[i]);
        return _lookup.TryGetValue(lower, out var d) ? d : null;
    }

    public CommandDefinition? Find(string name) => _commands.GetValueOrDefault(name.ToLowerInvariant());

    private static CommandTable Build()
    {
        var table = new CommandTable();
        var infos = Load("command-info.resp");
        var docs = Load("command-docs.resp");
        var handlers = new Dictionary<string, CommandHandler>(StringComparer.Ordinal);
        ConnectionCommands.Register(handlers);
        ClientCommands.Register(handlers);
        ServerCommands.Register(handlers);
        ConfigCommands.Register(handlers);
        IntrospectionCommands.Register(handlers);
        MemoryCommands.Register(handlers);
        KeyCommands.Register(handlers);
        Keys.DumpCommands.Register(handlers);
        ExpireCommands.Register(handlers);
        SortCommand.Register(handlers);
        StringCommands.Register(handlers);
        BitCommands.Register(handlers);
        ListCommands.Register(handlers);
        HashCommands.Register(handlers);
        SetCommands.Register(handlers);
        SortedSetCommands.Register(handlers);
        BlockingCommands.Register(handlers);
        TransactionCommands.Register(handlers);
        PubSubCommands.Register(handlers);
        HyperLogLogCommands.Register(handlers);
        Geo.GeoCommands.Register(handlers);
        Scripting.ScriptCommands.Register(handlers);
        Scripting.FunctionCommands.Register(handlers);
        StreamCommands.Register(handlers);
        SubcommandHelp.Register(handlers, Load("command-help.resp"));

        foreach (var info in infos.Items!.Select(i => AddNewerSubcommands(i)))
        {
            var def = FromInfo(info, parent: null, handlers);
            def.Docs = docs.Field(def.Name);
            table._commands[def.Name] = def;
            if (def.Subcommands is not null)
            {
                TrimSubcommands(def, info, docs.Field(def.Name));
            }
            else if (def.Handler is null)
            {
                throw new InvalidOperationException($"command '{def.Name}' has metadata but no handler");
            }
        }
        foreach (var name in handlers.Keys)
        {
            string top = name.Split('|')[0];
            if (!table._commands.TryGetValue(top, out var d) || (name.Contains('|') && d.FindSubcommand(System.Text.Encoding.ASCII.GetBytes(name.Split('|')[1])) is null))
                throw new InvalidOperationException($"handler '{name}' has no Redis metadata (add it to Metadata/commands.txt and capture again)");
        }
        foreach (var d in table._commands.Values)
        {
            table.Assign(d);
            if (d.Subcommands is not null) foreach (var sub in d.Subcommands.Values) table.Assign(sub);
        }
        return table;
    }

    private void Assign(CommandDefinition d)
    {
        d.Id = _bySlot.Count;
        _bySlot.Add(d);
        SlotCount = _bySlot.Count;
    }

    /// <summary>A private copy of the default table (tests replace handlers in it).</summary>
    internal static CommandTable CreateCopy() => Build();

    /// <summary>
    /// CLIENT SETINFO arrived in Redis 7.2, after the 7.0 table we capture; clients (redis-py,
    /// StackExchange.Redis) send it on connect, so it is described here as 7.2 describes it.
    /// </summary>
    private static RespValue AddNewerSubcommands(RespValue info)
    {
        if (info.Items![0].Text is "zrank" or "zrevrank")
        {
            // Redis 7.2 added ZRANK/ZREVRANK ... WITHSCORE (arity 3 became -3).
            var patched = (RespValue[])info.Items.Clone();
            patched[1] = new RespValue(RespType.Integer, "-3"u8.ToArray());
            return new RespValue(info.Type, items: patched);
        }
        if (info.Items![0].Text != "client") return info;
        static RespValue Bulk(string s) => new(RespType.BulkString, System.Text.Encoding.ASCII.GetBytes(s));
        static RespValue Int(long v) => new(RespType.Integer, System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        static RespValue Status(string s) => new(RespType.SimpleString, System.Text.Encoding.ASCII.GetBytes(s));
        var setinfo = new RespValue(RespType.Array, items:
        [
            Bulk("client|setinfo"), Int(-4),
            new RespValue(RespType.Set, items: [Status("noscript"), Status("loading"), Status("stale")]),
            Int(0), Int(0), Int(0),
            new RespValue(RespType.Set, items: [Status("@slow"), Status("@connection")]),
            new RespValue(RespType.Array, items: []), new RespValue(RespType.Array, items: []), new RespValue(RespType.Array, items: []),
        ]);
        var items = (RespValue[])info.Items.Clone();
        items[9] = new RespValue(items[9].Type, items: [.. items[9].Items!, setinfo]);
        return new RespValue(info.Type, items: items);
    }

    private static CommandDefinition FromInfo(RespValue info, string? parent, Dictionary<string, CommandHandler> handlers)
    {
        var items = info.Items!;
        string fullName = items[0].Text;
        var flags = items[2].Items!.Select(f => f.Text).ToHashSet();
        var def = new CommandDefinition
        {
            Name = parent is null ? fullName : fullName[(parent.Length + 1)..],
            FullName = fullName,
            Arity = (int)items[1].Integer,
            FirstKey = (int)items[3].Integer,
            LastKey = (int)items[4].Integer,
            KeyStep = (int)items[5].Integer,
            IsWrite = flags.Contains("write"),
            NoAuth = flags.Contains("no_auth"),
            IsAdmin = flags.Contains("admin"),
            SkipMonitor = flags.Contains("skip_monitor"),
            MovableKeys = flags.Contains("movablekeys"),
            NoMulti = flags.Contains("no_multi"),
            IsPubSub = flags.Contains("pubsub"),
            NoScript = flags.Contains("noscript"),
            AllowBusy = flags.Contains("allow_busy"),
            NoMandatoryKeys = flags.Contains("no_mandatory_keys"),
            KeySpecs = KeySpec.FromInfo(info),
            Info = info,
            Handler = handlers.GetValueOrDefault(fullName),
        };
        if (items.Length > 9 && items[9].Items is { Length: > 0 } subs)
        {
            def.Subcommands = new Dictionary<string, CommandDefinition>(StringComparer.Ordinal);
            foreach (var sub in subs)
            {
                var s = FromInfo(sub, fullName, handlers);
                if (s.Handler is not null) def.Subcommands[s.Name] = s;
            }
        }
        return def;
    }

    /// <summary>Keeps only implemented subcommands in the container's COMMAND INFO and DOCS.</summary>
    private static void TrimSubcommands(CommandDefinition def, RespValue info, RespValue? docs)
    {
        var items = (RespValue[])info.Items!.Clone();
        items[9] = new RespValue(items[9].Type, items: items[9].Items!.Where(s => def.Subcommands!.ContainsKey(s.Items![0].Text[(def.Name.Length + 1)..])).ToArray());
        def.Info = new RespValue(info.Type, items: items);
        foreach (var s in def.Subcommands!.Values) s.Docs = docs?.Field("subcommands")?.Field(s.FullName);
        if (docs?.Items is { } d)
        {
            var copy = (RespValue[])d.Clone();
            for (int i = 0; i + 1 < copy.Length; i += 2)
            {
                if (copy[i].Text != "subcommands") continue;
                var kept = new List<RespValue>();
                var subItems = copy[i + 1].Items!;
                for (int j = 0; j + 1 < subItems.Length; j += 2)
                {
                    if (def.Subcommands.ContainsKey(subItems[j].Text[(def.Name.Length + 1)..])) kept.AddRange([subItems[j], subItems[j + 1]]);
                }
                copy[i + 1] = new RespValue(copy[i + 1].Type, items: kept.ToArray());
            }
            def.Docs = new RespValue(docs.Type, items: copy);
        }
    }

    private static RespValue Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Arrakis.Server.Commands.Metadata." + resource)
            ?? throw new InvalidOperationException("missing embedded resource " + resource);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        if (ReplyReader.TryRead(ms.ToArray(), out var value, out _) != RespParseStatus.Done) throw new InvalidOperationException("corrupt " + resource);
        return value!;
    }
}
