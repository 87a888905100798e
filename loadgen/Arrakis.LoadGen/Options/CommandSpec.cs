namespace Arrakis.LoadGen.Options;

/// <summary>One command of the workload: its words (with __key__ / __data__ placeholders), weight, and display name.</summary>
internal sealed record CommandSpec(string[] Words, int Weight, string Name)
{
    public bool IsRead => Words[0].ToUpperInvariant() is "GET" or "MGET" or "HGET" or "GETEX" or "GETDEL" or "LINDEX" or "ZSCORE" or "HGETALL" or "SMEMBERS" or "LRANGE";

    public bool UsesKey => Words.Any(w => w.Contains("__key__", StringComparison.Ordinal));

    public static CommandSpec Parse(string text, int weight)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) throw new OptionException("--command needs a command, e.g. --command \"SET __key__ __data__\"");
        string name = words[0].ToUpperInvariant() switch
        {
            "SET" => "Sets",
            "GET" => "Gets",
            var w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant() + "s",
        };
        return new CommandSpec(words, weight, name);
    }
}
