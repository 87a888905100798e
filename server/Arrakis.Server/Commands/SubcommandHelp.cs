using Arrakis.Protocol;

namespace Arrakis.Server.Commands;

/// <summary>
/// The HELP subcommand of every container command (CLIENT HELP, CONFIG HELP ...): Redis 7.0's own
/// text (Metadata/command-help.resp, captured by capture.py), keeping only the entries of the
/// subcommands this server implements, so HELP never advertises what would answer "unknown
/// subcommand".
/// </summary>
internal static class SubcommandHelp
{
    /// <summary>Registers "<c>name|help</c>" for each container in <paramref name="helps"/> (a map of name to reply).</summary>
    public static void Register(Dictionary<string, CommandHandler> h, RespValue helps)
    {
        var items = helps.Items!;
        for (int i = 0; i + 1 < items.Length; i += 2)
        {
            string name = items[i].Text;
            string[] lines = items[i + 1].Items!.Select(l => l.Text).ToArray();
            h[name + "|help"] = c => Write(c, name, lines);
        }
    }

    private static void Write(CommandContext c, string container, string[] lines)
    {
        var def = c.Server.Commands.Find(container);
        var kept = new List<string> { lines[0] };
        bool keep = false;
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (!line.StartsWith(' '))
            {
                // A new entry: "SUBCOMMAND args". Kept when that subcommand is implemented.
                string word = line.Split(' ', 2)[0].ToLowerInvariant();
                keep = def?.FindSubcommand(System.Text.Encoding.ASCII.GetBytes(word)) is not null;
            }
            if (keep) kept.Add(line);
        }
        c.Reply.WriteArrayHeader(kept.Count);
        foreach (var line in kept) c.Reply.WriteSimpleString(line);
    }
}
