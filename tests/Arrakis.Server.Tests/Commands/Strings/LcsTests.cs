using Arrakis.Server.Testing;

namespace Arrakis.Server.Tests.Commands.Strings;

/// <summary>Replies taken from redis-server 7.0.15.</summary>
public sealed class LcsTests
{
    [Fact]
    public void Lcs_WrongTypeKeyAndABadOption_RepliesTheTypeErrorFirst()
    {
        using var h = new CommandHarness();
        h.Run("RPUSH", "l", "x");
        Assert.Equal("-ERR The specified keys must contain string values\r\n", h.Run("LCS", "l", "a", "BADOPT"));
        Assert.Equal("-ERR syntax error\r\n", h.Run("LCS", "a", "b", "BADOPT"));
    }

    [Fact]
    public void Lcs_IdxWithMinMatchLen_ListsRangesFromTheEnd()
    {
        using var h = new CommandHarness();
        h.Run("SET", "a", "ohmytext");
        h.Run("SET", "b", "mynewtext");
        Assert.Equal("$6\r\nmytext\r\n", h.Run("LCS", "a", "b"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
            h.Run("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
    }
}
