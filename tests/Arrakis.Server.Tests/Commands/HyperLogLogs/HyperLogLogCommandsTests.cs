using System.Text;
using Arrakis.Server.Configuration;
using Arrakis.Server.Testing;
using Arrakis.Server.Tests.Commands;

namespace Arrakis.Server.Tests.Commands.HyperLogLogs;

/// <summary>Corrupt HLL strings (found by fuzz/corpus/hll); every expected reply and byte string
/// was taken from redis-server 7.0.15.</summary>
public sealed class HyperLogLogCommandsTests
{
    private const string Header = "48594c4c010000000000000000000080"; // "HYLL", sparse, stale cache
    private const string InvalidObj = "-INVALIDOBJ Corrupted HLL object detected\r\n";

    [Fact]
    public void PfCount_SparseEndingInAnXZeroCutShort_ReadsTheMissingByteAsZeroLikeRedis()
    {
        // 255 zero registers, then an XZERO whose second byte is missing: Redis reads the string's NUL
        // terminator there (16129 more zeros), so this is a valid, empty HLL. It used to throw.
        using var h = new CommandHarness();
        Run(h, "SET", "x", Header + "3f3f3f3e7f");
        Assert.Equal(":0\r\n", Run(h, "PFCOUNT", "x"));
        Assert.Equal(":1\r\n", Run(h, "PFADD", "x", "a"));
        // Redis's split writes 5 bytes where it counted 2 and grew the string by 3: the last one is cut.
        Assert.Equal("$24\r\n" + Latin1(Header + "3f3f3f3e70a7844e") + "\r\n", Run(h, "GET", "x"));
        // Known difference: Redis leaves the cut byte (0x57) in its allocation past the string's end and
        // a later PFCOUNT reads it there (":1"); a byte array has nothing past its end, so we read 0.
        Assert.Equal(InvalidObj, Run(h, "PFCOUNT", "x"));
    }

    [Fact]
    public void PfCount_TruncatedSparse_RepliesInvalidObj()
    {
        using var h = new CommandHarness();
        Run(h, "SET", "t", Header + "60f38050");
        Assert.Equal(InvalidObj, Run(h, "PFCOUNT", "t"));
        Assert.Equal(InvalidObj, Run(h, "PFCOUNT", "t", "t"));
        Assert.Equal(InvalidObj, Run(h, "PFMERGE", "d", "t"));
        Assert.Equal(":1\r\n", Run(h, "PFADD", "t", "zz")); // the register it sets is covered: Redis sets it
        Assert.Equal("$23\r\n" + Latin1(Header + "4ad98056188050") + "\r\n", Run(h, "GET", "t"));
    }

    [Fact]
    public void PfCount_ValRunPastTheLastRegister_RepliesInvalidObj()
    {
        using var h = new CommandHarness();
        Run(h, "SET", "z", Header + "7ffe83");
        Assert.Equal(InvalidObj, Run(h, "PFCOUNT", "z"));
        Assert.Equal(":1\r\n", Run(h, "PFADD", "z", "a"));
    }

    [Fact]
    public void PfCount_ValRunAfterTheLastRegister_RepliesInvalidObjOnEveryPath()
    {
        // 16384 zeros, then a VAL with nowhere to go: every register was read, but Redis still calls
        // it corrupt (fuzz/corpus/hll/crash-val-overflow-*). We used to count it.
        using var h = new CommandHarness(new ServerOptions { Threads = 1, HllSparseMaxBytes = 0 });
        Run(h, "SET", "s", Header + "7fff88");
        Assert.Equal(InvalidObj, Run(h, "PFCOUNT", "s"));
        Assert.Equal(InvalidObj, Run(h, "PFCOUNT", "s", "s"));
        Assert.Equal(InvalidObj, Run(h, "PFMERGE", "d", "s"));
        Assert.Equal(InvalidObj, Run(h, "PFADD", "s", "a")); // promotion decodes every register first
    }

    [Fact]
    public void PfAdd_RegisterNotCoveredByAnyOpcode_RepliesInvalidObjAndKeepsTheValue()
    {
        // It used to throw InvalidOperationException out of the handler.
        using var h = new CommandHarness();
        Run(h, "SET", "y", Header + "00");
        Assert.Equal(InvalidObj, Run(h, "PFADD", "y", "a"));
        Assert.Equal("$17\r\n" + Latin1(Header + "00") + "\r\n", Run(h, "GET", "y"));
    }

    [Fact]
    public void PfAdd_PromotionOfACorruptSparse_RepliesInvalidObj()
    {
        // hll-sparse-max-bytes 0: any growth promotes to dense, which must decode every register first.
        using var h = new CommandHarness(new ServerOptions { Threads = 1, HllSparseMaxBytes = 0 });
        Run(h, "SET", "w", Header + "7e80");
        Assert.Equal(InvalidObj, Run(h, "PFADD", "w", "a"));
        Assert.Equal("$18\r\n" + Latin1(Header + "7e80") + "\r\n", Run(h, "GET", "w"));
    }

    /// <summary>Runs a command; an argument that starts with the HLL magic in hex is sent as the bytes it spells.</summary>
    private static string Run(CommandHarness h, params string[] argv) =>
        h.Run(argv.Select(a => a.StartsWith("48594c4c") ? Convert.FromHexString(a) : Encoding.ASCII.GetBytes(a)).ToArray());

    private static string Latin1(string hex) => Encoding.Latin1.GetString(Convert.FromHexString(hex));
}
