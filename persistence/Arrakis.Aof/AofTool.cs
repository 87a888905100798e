namespace Arrakis.Aof;

/// <summary>
/// The command line of arrakis-aof: <c>check</c>, <c>fix</c> and <c>export</c> over an append-only
/// directory (or its manifest). Returns the exit code; writes only to <paramref name="output"/> and
/// reads confirmations from <paramref name="input"/>. Offline: the server must not be running on the directory.
/// </summary>
internal static class AofTool
{
    public const string Usage = """
        usage: arrakis-aof check [--allow-torn] <appenddir-or-manifest>
               arrakis-aof fix [--yes] [--cut-corrupt] <appenddir-or-manifest>
               arrakis-aof export <appenddir-or-manifest> <out-dir>
        exit codes: 0 valid, 1 torn tail in the last segment (never durable), 2 damaged or refused, 3 usage
        """;

    public static int Run(string[] args, TextReader input, TextWriter output)
    {
        try
        {
            return Dispatch(args, input, output);
        }
        catch (Exception e)
        {
            output.WriteLine($"internal error (a bug, please report it): {e}");
            return ExitCodes.Internal;
        }
    }

    private static int Dispatch(string[] args, TextReader input, TextWriter output)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.Usage : 0;
        }
        var flags = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        string[] allowed = args[0] switch
        {
            "check" => ["--allow-torn"],
            "fix" => ["--yes", "--cut-corrupt"],
            "export" => [],
            _ => null!,
        };
        if (allowed is null) return Fail(output, $"unknown command '{args[0]}'");
        if (flags.FirstOrDefault(f => !allowed.Contains(f)) is { } bad) return Fail(output, $"unknown option '{bad}' for {args[0]}");
        if (positional.Count != (args[0] == "export" ? 2 : 1)) return Fail(output, $"wrong number of arguments for {args[0]}");
        var dir = AofDirectory.Open(positional[0], out string error);
        if (dir is null)
        {
            output.WriteLine(error);
            output.WriteLine("result: DAMAGED");
            return (int)Verdict.Damaged;
        }
        switch (args[0])
        {
            case "check":
                {
                    var check = DirectoryCheck.Run(dir);
                    check.Print(output);
                    return check.Verdict == Verdict.TornTail && flags.Contains("--allow-torn") ? 0 : (int)check.Verdict;
                }
            case "fix":
                return FixCommand.Run(dir, flags.Contains("--yes"), flags.Contains("--cut-corrupt"), input, output);
            default:
                return ExportCommand.Run(dir, positional[1], output);
        }
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine($"arrakis-aof: {message}");
        output.WriteLine(Usage);
        return ExitCodes.Usage;
    }
}
