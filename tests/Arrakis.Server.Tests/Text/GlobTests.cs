using System.Text;
using Arrakis.Server.Text;

namespace Arrakis.Server.Tests.Text;

public sealed class GlobTests
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("user:*:name", "user:42:name", true)]
    public void Matches_like_redis_stringmatch(string pattern, string s, bool expected) =>
        Assert.Equal(expected, Glob.Match(Encoding.ASCII.GetBytes(pattern), Encoding.ASCII.GetBytes(s)));

    [Fact]
    public void Match_NestedStarsAgainstLongSubject_DoesBoundedWork()
    {
        // Without Redis's skipLongerMatches every way of placing the eight a's is tried: about
        // C(5000, 8) ~ 10^25 steps. With it the work is at most one step per (pattern, subject) pair.
        var pattern = Encoding.ASCII.GetBytes("*a*a*a*a*a*a*a*a*b");
        var subject = Encoding.ASCII.GetBytes(new string('a', 5000));
        Assert.False(Glob.Match(pattern, subject, noCase: false, out long steps));
        Assert.InRange(steps, 1, (long)(pattern.Length + 1) * (subject.Length + 1));
        Assert.True(Glob.Match(pattern, [.. subject, (byte)'b'], noCase: false, out _));
    }

    [Theory]
    [InlineData("[a-\xff]", "b", false)] // 'a'..-1 swaps to -1..'a' with signed chars
    [InlineData("[a-\xff]", "\x00", true)]
    [InlineData("[\x80-\xff]", "\xc0", true)]
    [InlineData("[\x01-\x7f]", "\xc0", false)]
    public void Match_RangeWithHighBytes_ComparesSignedCharsLikeRedisOnX64(string pattern, string s, bool expected) =>
        Assert.Equal(expected, Glob.Match(Unescape(pattern), Unescape(s)));

    [Theory]
    [InlineData("*", "", false)] // PSUBSCRIBE * does not get PUBLISH ""; KEYS/SCAN shortcut "*" themselves
    [InlineData("", "", true)]
    [InlineData("**", "", false)]
    [InlineData("?*", "", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a**", "a", true)]
    public void Match_EmptySubject_MatchesOnlyAnEmptyPattern(string pattern, string s, bool expected) =>
        Assert.Equal(expected, Glob.Match(Encoding.ASCII.GetBytes(pattern), Encoding.ASCII.GetBytes(s)));

    [Theory]
    [InlineData("[\\M]axmemory", "maxmemory", false)] // escaped class members ignore noCase, as in Redis
    [InlineData("[M]axmemory", "maxmemory", true)]
    [InlineData("[L-N]axmemory", "maxmemory", true)]
    [InlineData("ab[cd", "abc", true)] // an unterminated class ends the pattern
    [InlineData("ab[cd", "abcd", false)]
    [InlineData("[^", "x", true)]
    [InlineData("[", "x", false)]
    [InlineData("x\\", "x\\", true)] // a trailing backslash is a literal
    public void Match_NoCaseClassesAndEdges_FollowRedis(string pattern, string s, bool expected) =>
        Assert.Equal(expected, Glob.Match(Encoding.ASCII.GetBytes(pattern), Encoding.ASCII.GetBytes(s), noCase: true));

    [Fact]
    public void Match_MoreThanAThousandNestedStars_StopsLikeRedis()
    {
        var pattern = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*a", 1100)));
        Assert.False(Glob.Match(pattern, Encoding.ASCII.GetBytes(new string('a', 1200))));
        Assert.True(Glob.Match(pattern[..200], Encoding.ASCII.GetBytes(new string('a', 1200))));
    }

    private static byte[] Unescape(string s) =>
        Encoding.Latin1.GetBytes(System.Text.RegularExpressions.Regex.Replace(s, @"\\x([0-9a-f]{2})",
            m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString()));
}
