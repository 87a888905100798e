namespace Arrakis.Aof;

/// <summary>Entry point of arrakis-aof (see <see cref="AofTool"/>).</summary>
internal static class Program
{
    public static int Main(string[] args) => AofTool.Run(args, Console.In, Console.Out);
}
