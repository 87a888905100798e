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
            Compare.NearTimes => NearTimes(ov, tv),
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

    /// <summary>Equal shape and strings; integers equal, except times: Unix-ms timestamps within 5 s, and
    /// idle times (an XPENDING row's third element, the value after "idle") within 2 s.</summary>
    private static bool NearTimes(RespValue a, RespValue b, bool idle = false)
    {
        if (a.Type != b.Type || (a.Items is null) != (b.Items is null)) return false;
        if (a.Items is not null)
        {
            if (a.Items.Length != b.Items!.Length) return false;
            bool pendingRow = a.Items.Length == 4 && a.Items[0].Type == RespType.BulkString && a.Items[1].Type == RespType.BulkString && a.Items[2].Type == RespType.Integer;
            for (int i = 0; i < a.Items.Length; i++)
            {
                bool tolerant = (pendingRow && i == 2) || (i > 0 && a.Items[i - 1].Type == RespType.BulkString && a.Items[i - 1].Text == "idle");
                if (!NearTimes(a.Items[i], b.Items[i], tolerant)) return false;
            }
            return true;
        }
        if (a.Type != RespType.Integer) return (a.Bytes ?? []).AsSpan().SequenceEqual(b.Bytes ?? []);
        long x = a.Integer, y = b.Integer;
        if (x == y) return true;
        if (idle) return Math.Abs(x - y) <= 2000;
        return x >= 1_000_000_000_000 && y >= 1_000_000_000_000 && Math.Abs(x - y) <= 5000;
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
