using System.Text;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class LzfTests
{
    public static TheoryData<string> Inputs() => new()
    {
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        string.Concat(Enumerable.Repeat("hello world ", 500)),
        string.Concat(Enumerable.Range(0, 2000).Select(i => (i % 97).ToString())),
        new string('x', 70000),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Compress_ThenDecompress_RoundTrips(string text)
    {
        var input = Encoding.ASCII.GetBytes(text);
        var output = new byte[input.Length];
        int n = Lzf.Compress(input, output);
        Assert.InRange(n, 1, input.Length - 1);
        var back = new byte[input.Length];
        Assert.True(Lzf.TryDecompress(output.AsSpan(0, n), back));
        Assert.Equal(input, back);
    }

    [Fact]
    public void Compress_RandomBytes_RoundTripOrReportsNoGain()
    {
        var rng = new Random(7);
        for (int len = 1; len < 3000; len += 37)
        {
            var input = new byte[len];
            rng.NextBytes(input);
            for (int i = 0; i < len / 3; i++) input[rng.Next(len)] = (byte)'a'; // some repetition
            var output = new byte[len + 64];
            int n = Lzf.Compress(input, output);
            Assert.True(n > 0);
            var back = new byte[len];
            Assert.True(Lzf.TryDecompress(output.AsSpan(0, n), back));
            Assert.Equal(input, back);
            Assert.Equal(0, Lzf.Compress(input, new byte[Math.Max(0, n - 1)]));
        }
    }

    [Fact]
    public void Decompress_KnownLiblzfStream_GivesText()
    {
        // Literal "abc" then a back-reference of 3+2=5... here: ctrl 0x02 "abc", ref len 1 (3 bytes) offset 3.
        byte[] stream = [0x02, (byte)'a', (byte)'b', (byte)'c', 0x20, 0x02];
        var output = new byte[6];
        Assert.True(Lzf.TryDecompress(stream, output));
        Assert.Equal("abcabc"u8.ToArray(), output);
    }

    [Fact]
    public void Decompress_RejectsBadReferencesAndLengths()
    {
        Assert.False(Lzf.TryDecompress([0x20, 0x05], new byte[3]));          // reference before the start
        Assert.False(Lzf.TryDecompress([0x05, (byte)'a'], new byte[6]));     // literal runs past the input
        Assert.False(Lzf.TryDecompress([0x00, (byte)'a'], new byte[2]));     // output too short for expectation
        Assert.False(Lzf.TryDecompress([0xE0], new byte[10]));               // missing length byte
    }
}
