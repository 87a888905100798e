using System.Text;
using Arrakis.Server.Configuration;

namespace Arrakis.Server.Commands.Admin;

/// <summary>CONFIG GET / SET / RESETSTAT over <see cref="ConfigRegistry"/>.</summary>
internal static class ConfigCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["config|get"] = Get;
        h["config|set"] = Set;
        h["config|resetstat"] = c =>
        {
            foreach (var s in c.Server.ThreadStats) s.Reset();
            Runtime.GcPauses.Instance.Reset();
            c.Reply.WriteOk();
        };
    }

    private static void Get(CommandContext c)
    {
        var matched = new List<ConfigParameter>();
        for (int i = 2; i < c.ArgCount; i++)
        {
            foreach (var p in ConfigRegistry.Matching(c.Arg(i)))
            {
                if (!matched.Contains(p)) matched.Add(p);
            }
        }
        c.Reply.WriteMapHeader(matched.Count);
        foreach (var p in matched)
        {
            c.Reply.WriteBulk(p.Name);
            c.Reply.WriteBulk(p.Get(c.Server.Options));
        }
    }

    private static void Set(CommandContext c)
    {
        if (c.ArgCount % 2 != 0)
        {
            c.Error(Errors.WrongArgs("config|set"));
            return;
        }
        var pairs = new List<(ConfigParameter P, string Value)>();
        for (int i = 2; i < c.ArgCount; i += 2)
        {
            var p = ConfigRegistry.Find(c.ArgString(i));
            if (p is null)
            {
                c.Error($"ERR Unknown option or number of arguments for CONFIG SET - '{c.ArgText(i)}'");
                return;
            }
            if (pairs.Any(x => x.P == p))
            {
                c.Error($"ERR CONFIG SET failed (possibly related to argument '{c.ArgText(i)}') - duplicate parameter");
                return;
            }
            pairs.Add((p, Encoding.UTF8.GetString(c.Arg(i + 1))));
        }
        // Validate everything on a copy first so that a failing pair changes nothing (Redis is atomic here).
        var probe = Clone(c.Server.Options);
        foreach (var (p, value) in pairs)
        {
            string? error = p.Set(probe, value);
            if (error is not null)
            {
                c.Error($"ERR CONFIG SET failed (possibly related to argument '{p.Name}') - {error}");
                return;
            }
        }
        foreach (var (p, value) in pairs) p.Set(c.Server.Options, value);
        c.Server.Limits.MaxBulkLength = c.Server.Options.ProtoMaxBulkLen;
        c.Server.SlowLog.Trim(c.Server.Options.SlowlogMaxLen);
        if (Commands.PubSub.KeyspaceEvents.TryParse(c.Server.Options.NotifyKeyspaceEvents, out var events)) c.Server.Keyspace.Events.Set(events);
        c.Reply.WriteOk();
    }

    private static ServerOptions Clone(ServerOptions o)
    {
        var copy = new ServerOptions();
        foreach (var prop in typeof(ServerOptions).GetProperties()) prop.SetValue(copy, prop.GetValue(o));
        return copy;
    }
}
