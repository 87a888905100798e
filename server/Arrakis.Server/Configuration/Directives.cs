using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Server.Configuration;

/// <summary>
/// Reads redis-server-style settings: a redis.conf file ("name arg arg", # comments, quotes) and
/// command-line directives ("--port 6380 --save ''"), and applies them to <see cref="ServerOptions"/>.
/// </summary>
public static class Directives
{
    /// <summary>Aliases accepted on the command line and in files.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["threads"] = "arrakis-threads",
        ["network"] = "arrakis-network",
        ["net"] = "arrakis-network",
        ["net-if"] = "arrakis-net-if",
        ["net-ip"] = "arrakis-net-ip",
        ["net-mode"] = "arrakis-net-mode",
        ["net-queues"] = "arrakis-net-queues",
        ["idle-spin-us"] = "arrakis-idle-spin-us",
    };

    /// <summary>Parses a config file's text into (name, arguments) pairs; throws on a malformed line, naming it.</summary>
    public static List<(string Name, string[] Args)> ParseFile(string text, string fileName)
    {
        var result = new List<(string, string[])>();
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = InlineSplitter.Split(Encoding.UTF8.GetBytes(line))
                ?? throw new FormatException($"{fileName}:{lineNo}: unbalanced quotes in configuration line");
            if (parts.Count == 0) continue;
            result.Add((Encoding.UTF8.GetString(parts[0]).ToLowerInvariant(), parts.Skip(1).Select(p => Encoding.UTF8.GetString(p)).ToArray()));
        }
        return result;
    }

    /// <summary>Parses "--name a b --other c" (what follows a directive up to the next "--" are its arguments).</summary>
    public static List<(string Name, string[] Args)> ParseCommandLine(IEnumerable<string> args)
    {
        var result = new List<(string, string[])>();
        string? name = null;
        var values = new List<string>();
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                if (name is not null) result.Add((name, values.ToArray()));
                name = a[2..].ToLowerInvariant();
                values.Clear();
            }
            else if (name is not null)
            {
                values.Add(a);
            }
            else
            {
                throw new FormatException($"unexpected argument '{a}' (directives look like --port 6380)");
            }
        }
        if (name is not null) result.Add((name, values.ToArray()));
        return result;
    }

    /// <summary>Applies directives; returns warnings for unknown ones; throws <see cref="FormatException"/> for bad values.</summary>
    public static List<string> Apply(ServerOptions options, IEnumerable<(string Name, string[] Args)> directives)
    {
        var warnings = new List<string>();
        foreach (var (rawName, args) in directives)
        {
            string name = Aliases.GetValueOrDefault(rawName, rawName);
            var p = ConfigRegistry.Find(name);
            if (p is null)
            {
                warnings.Add($"unknown directive '{rawName}' ignored");
                continue;
            }
            string value = string.Join(' ', args);
            string? error = p.StartupSet!(options, value);
            if (error == ConfigRegistry.IgnoredAtStartup)
            {
                warnings.Add($"directive '{rawName} {value}' has no effect in Arrakis; '{p.Name}' stays '{p.Get(options)}'");
                continue;
            }
            if (error is not null) throw new FormatException($"bad value for '{rawName}': {error}");
        }
        return warnings;
    }
}
