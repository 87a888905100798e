namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>Runs arrakis-aof in process: the exit code and everything it printed.</summary>
internal static class Tool
{
    public static (int Code, string Output) RunWithInput(string input, params string[] args)
    {
        var output = new StringWriter();
        int code = AofTool.Run(args, new StringReader(input), output);
        return (code, output.ToString());
    }

    public static (int Code, string Output) Run(params string[] args) => RunWithInput("", args);
}
