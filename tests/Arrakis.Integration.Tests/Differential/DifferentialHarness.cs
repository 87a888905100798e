using System.Text;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>
/// Sends the same commands to Arrakis and to Debian's redis-server over fresh connections in the
/// chosen protocol and compares every reply; collects differences with the command that caused them.
/// </summary>
public sealed class DifferentialHarness : IDisposable
{
    private readonly RespConnection _ours;
    private readonly RespConnection _theirs;
    private readonly List<string> _differences = new();

    public DifferentialHarness(ServerPairFixture servers, RespVersion protocol)
        : this(new RespConnection(servers.Arrakis.Port), new RespConnection(servers.Redis.Port), protocol)
    {
    }

    /// <summary>Over connections the caller made (e.g. to a server reached only from another network namespace); disposes them.</summary>
    public DifferentialHarness(RespConnection ours, RespConnection theirs, RespVersion protocol)
    {
        _ours = ours;
        _theirs = theirs;
        Protocol = protocol;
        if (protocol == RespVersion.Resp3)
        {
            _ours.Call("HELLO", "3");
            _theirs.Call("HELLO", "3");
        }
        Run(Compare.Exact, "SELECT", "9");
        Run(Compare.Exact, "FLUSHDB");
    }

    public RespVersion Protocol { get; }

    public IReadOnlyList<string> Differences => _differences;

    public int Count { get; private set; }

    public void Run(params string[] args) => Run(Compare.Exact, args);

    public void Run(Compare mode, params string[] args) => RunBytes(mode, args.Select(a => Encoding.UTF8.GetBytes(a)).ToArray());

    public void RunBytes(Compare mode, byte[][] args)
    {
        Count++;
        var (ov, oraw) = _ours.CallRaw(args);
        var (tv, traw) = _theirs.CallRaw(args);
        bool same = mode switch
        {
            Compare.Exact => oraw.AsSpan().SequenceEqual(traw),
            Compare.Unordered => Normalize(ov) == Normalize(tv),
            Compare.TypeOnly => ov.Type == tv.Type,
            Compare.NearInteger => ov.Type == tv.Type && (ov.Type != RespType.Integer || Math.Abs(ov.Integer - tv.Integer) <= 1),
            Compare.NearMilliseconds => ov.Type == tv.Type && (ov.Type != RespType.Integer || Math.Abs(ov.Integer - tv.Integer) <= 500),
            _ => false,
        };
        if (!same)
        {
            _differences.Add($"RESP{(int)Protocol} {Describe(args)}\n   arrakis: {Show(oraw)}\n   redis:   {Show(traw)}");
        }
    }

    /// <summary>Asserts that no difference was seen, listing the first ones.</summary>
    public void AssertNoDifferences()
    {
        Assert.True(_differences.Count == 0, $"{_differences.Count} of {Count} replies differ:\n" + string.Join("\n", _differences.Take(15)));
    }

    private static string Normalize(RespValue v) =>
        v.Items is null ? v.ToString() : $"{(char)v.Type}[{string.Join(",", v.Items.Select(Normalize).OrderBy(s => s, StringComparer.Ordinal))}]";

    private static string Describe(byte[][] args) => string.Join(" ", args.Select(a => Encoding.Latin1.GetString(a)));

    private static string Show(byte[] raw)
    {
        string s = Encoding.Latin1.GetString(raw).Replace("\r\n", "\\r\\n");
        return s.Length > 300 ? s[..300] + "..." : s;
    }

    public void Dispose()
    {
        _ours.Dispose();
        _theirs.Dispose();
    }
}
