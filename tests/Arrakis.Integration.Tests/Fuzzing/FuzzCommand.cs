using System.Text;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// One generated request: the command it was generated from (lower case, <c>container|sub</c>), the
/// exact argument bytes sent, and the key names it used (for re-synchronisation and encoding checks).
/// <see cref="IsControl"/> marks a step the runner sent on its control connections (a re-synchronising
/// DEL) rather than on the fuzzing connections; replays must repeat it too.
/// </summary>
internal sealed record FuzzCommand(string Name, byte[][] Args, IReadOnlyList<byte[]> Keys, bool IsControl = false)
{
    /// <summary>A DEL of <paramref name="keys"/> on both control connections.</summary>
    public static FuzzCommand ControlDel(IEnumerable<byte[]> keys)
    {
        var distinct = keys.Select(k => Encoding.Latin1.GetString(k)).Distinct(StringComparer.Ordinal).Select(Encoding.Latin1.GetBytes).ToArray();
        return new FuzzCommand("del", [.. new[] { "DEL"u8.ToArray() }, .. distinct], distinct, IsControl: true);
    }

    /// <summary>The command as a copy-pasteable redis-cli line (arguments quoted and escaped).</summary>
    public override string ToString() => (IsControl ? "[both servers] " : "") + string.Join(" ", Args.Select(a => Escape.Quote(a)));
}
