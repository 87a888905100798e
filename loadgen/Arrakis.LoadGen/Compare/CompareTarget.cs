using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Compare;

/// <summary>A server to compare: --target NAME=HOST:PORT.</summary>
internal sealed record CompareTarget(string Name, string Host, int Port)
{
    public static CompareTarget Parse(string text)
    {
        int eq = text.IndexOf('=');
        int colon = text.LastIndexOf(':');
        if (eq <= 0 || colon < eq || !int.TryParse(text[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new OptionException($"--target looks like NAME=HOST:PORT, not '{text}'");
        return new CompareTarget(text[..eq], text[(eq + 1)..colon], port);
    }
}
