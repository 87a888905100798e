using System.Buffers;
using System.Text;
using Arrakis.Protocol;
using Arrakis.Server.Testing;

namespace Arrakis.Server.Tests.Commands;

/// <summary>Sends commands given as byte strings through a <see cref="CommandHarness"/>.</summary>
internal static class HarnessCommands
{
    /// <summary>Runs one command; returns the raw reply as Latin-1 text.</summary>
    public static string Run(this CommandHarness h, params byte[][] argv)
    {
        var request = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(request);
        writer.WriteArrayHeader(argv.Length);
        foreach (var arg in argv) writer.WriteBulk(arg);
        return h.ExecuteToString(request.WrittenSpan);
    }

    /// <summary>Runs one command whose arguments are Latin-1 text.</summary>
    public static string Run(this CommandHarness h, params string[] argv) =>
        h.Run(argv.Select(Encoding.Latin1.GetBytes).ToArray());
}
